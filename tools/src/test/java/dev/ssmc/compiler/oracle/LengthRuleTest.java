package dev.ssmc.compiler.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.ssmc.compiler.RandomConfigs;
import dev.ssmc.compiler.RandomLengths;
import dev.ssmc.compiler.RandomWeights;
import dev.ssmc.compiler.exec.Execution;
import dev.ssmc.compiler.exec.RuntimeModels;
import dev.ssmc.compiler.ir.IrException;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.runtime.model.Grads;
import dev.ssmc.runtime.model.Layer;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Tape;
import dev.ssmc.runtime.model.Windows;
import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Networks take any input length from one window of their resampling on, with the reference's
 * semantics: a shortening step keeps {@code floor(T / r)} frames and ignores the incomplete last
 * window, as a strided convolution does; where a skip addition spans resampling (a U-Net) the
 * input is padded with zeros to whole windows and the output cut back. Checked on the oracle (the
 * specification) against a direct statement of that rule, and the runtime's model against the IR.
 */
class LengthRuleTest {
    private static final int MAX_LENGTH = 200;

    /** An SSM layer's stand-in where only lengths matter: it keeps the length, like an SSM layer. */
    private static final Layer SAME_LENGTH = new Layer() {
        @Override
        public Signal apply(Signal x) {
            return x;
        }

        @Override
        public Signal forward(Signal x, Tape tape) {
            return x;
        }

        @Override
        public Signal backward(Signal dy, Tape tape, Grads grads) {
            return dy;
        }

        @Override
        public Streamer streamer(int batch) {
            return chunk -> chunk;
        }
    };

    @Test
    void classifiersIgnoreTheIncompleteLastWindow() {
        Property.forAll(60, RandomConfigs.seeded(RandomConfigs.classifiers()),
                c -> checkRule(ReferenceNetworks.classifier(c.config(), "classifier", "property"), c.seed()));
    }

    @Test
    void denoisersArePaddedToWholeWindowsAndCutBack() {
        Property.forAll(60, RandomConfigs.seeded(RandomConfigs.denoisers()),
                c -> checkRule(ReferenceNetworks.denoiser(c.config(), "denoiser", "property"), c.seed()));
    }

    @Test
    void theRuntimeModelMapsLengthsAsTheIrDoes() {
        Property.forAll(80, RandomConfigs.seeded(RandomConfigs.classifiers())
                        .mix(RandomConfigs.seeded(RandomConfigs.denoisers())), c -> {
            JsonObject k = c.config();
            Network net = k.has("num_classes") ? ReferenceNetworks.classifier(k, "classifier", "property")
                    : ReferenceNetworks.denoiser(k, "denoiser", "property");
            NetworkShapes shapes = ShapeInference.infer(net);
            Model model = RuntimeModels.build(net, RandomWeights.of(net, c.seed()), (l, s, in, out, p) -> SAME_LENGTH);
            Windows w = model.windows();
            assertEquals(shapes.minimumLength(), w.window(), "window");
            assertEquals(shapes.padsToWholeWindows(), w.padded(), "padded");
            Random rnd = new Random(c.seed());
            for (int i = 0; i < 10; i++) {
                int length = RandomLengths.draw(net, rnd, 4 * MAX_LENGTH);
                assertEquals(shapes.outputLength(length), model.featureLength(length), "features of " + length);
                assertEquals(shapes.paddedLength(length), w.paddedLength(length), "padded " + length);
            }
            assertThrows(IllegalArgumentException.class, () -> model.featureLength(shapes.minimumLength() - 1));
        });
    }

    @Test
    void aChainOfPoolsDropsEachIncompleteWindow() {
        // 23 samples: 4 -> 5 frames (the last 3 samples dropped), 2 -> 2 frames (the fifth dropped), then 3 -> 6
        Network net = ReferenceNetworks.fromGoldenConfig("""
                {"network": "Centaurus", "kwargs": {"in_channels": 1, "num_classes": 2, "channels": [2, 3],
                 "depth": 2, "num_states": [2, 2], "mode": ["dws", "s5"], "downsample": [4, 2], "norm": "batch",
                 "postact": "relu", "skip": [false, false]}}""", "chain");
        NetworkShapes shapes = ShapeInference.infer(net);
        assertEquals(8, shapes.minimumLength());
        assertEquals(2, shapes.outputLength(23));
        assertEquals(1, shapes.outputLength(8));
        assertFalse(shapes.padsToWholeWindows());
        IrException e = assertThrows(IrException.class, () -> shapes.outputLength(7));
        assertTrue(e.getMessage().contains("shorter than one window"), e.getMessage());
    }

    /**
     * The oracle on {@code x[0:L]} against the rule: the output's length is that of the floor chain
     * (or {@code floor(L * rate)} for a padded network), and equals the output on the input cut to
     * whole windows (the tail is ignored) or padded to them (a U-Net), cut to that length.
     */
    private static void checkRule(Network net, long seed) {
        NetworkShapes shapes = ShapeInference.infer(net);
        Random rnd = new Random(seed);
        int window = shapes.minimumLength();
        int length = RandomLengths.draw(net, rnd, MAX_LENGTH);
        Weights w = RandomWeights.of(net, seed);
        Execution exec = new OracleEngine().bind(net, w);
        Tensor x = RandomWeights.input(seed, 1 + rnd.nextInt(2), net.inChannels(), length);
        Execution.Outputs out = exec.forward(x);
        int whole = length / window * window;
        if (shapes.padsToWholeWindows()) {
            int padded = whole == length ? length : whole + window;
            assertEquals((int) ((long) length * shapes.outputRate().num() / shapes.outputRate().den()),
                    out.features().dim(2), "a padded network's output is cut back to the input's length times its rate");
            Execution.Outputs onPadded = exec.forward(cutOrPad(x, padded));
            assertEquals(padded * shapes.outputRate().num() / shapes.outputRate().den(), onPadded.features().dim(2));
            assertArrayEquals(cutOrPad(onPadded.features(), out.features().dim(2)).data(), out.features().data(),
                    "the input padded with zeros to whole windows gives the same output");
        } else {
            assertEquals(floorChain(net, length), out.features().dim(2), "each pool keeps floor(T / r) frames");
            Execution.Outputs onWhole = exec.forward(cutOrPad(x, whole));
            assertArrayEquals(onWhole.features().data(), out.features().data(),
                    "the samples after the last whole window change nothing");
            if (out.logits() != null) {
                assertArrayEquals(onWhole.logits().data(), out.logits().data());
            }
        }
    }

    /** The body's output length by the rule, node by node: {@code floor(T / r)} down, {@code T * r} up. */
    private static int floorChain(Network net, int length) {
        int t = length;
        for (Node n : net.body()) {
            if (n instanceof Resample r && r.ratio() > 1) {
                t = r.mode().direction() == ResampleMode.Direction.DOWN ? t / r.ratio() : t * r.ratio();
            }
        }
        return t;
    }

    /** {@code x[batch][channels][time]} cut or padded with zeros to {@code length} samples. */
    private static Tensor cutOrPad(Tensor x, int length) {
        int t = x.dim(2);
        int rows = x.dim(0) * x.dim(1);
        float[] out = new float[rows * length];
        for (int row = 0; row < rows; row++) {
            System.arraycopy(x.data(), row * t, out, row * length, Math.min(t, length));
        }
        return Tensor.of(out, x.dim(0), x.dim(1), length);
    }
}
