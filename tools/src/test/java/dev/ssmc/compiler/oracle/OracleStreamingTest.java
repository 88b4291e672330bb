package dev.ssmc.compiler.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.ssmc.compiler.RandomConfigs;
import dev.ssmc.compiler.RandomLengths;
import dev.ssmc.compiler.RandomWeights;
import dev.ssmc.compiler.exec.Engine;
import dev.ssmc.compiler.exec.Engines;
import dev.ssmc.compiler.exec.Execution;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.testing.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The oracle's two executions agree: the recurrence fed in any chunks (down to one sample)
 * reproduces the direct convolution over the whole sequence, for every mode, causal norm,
 * postact, resampling mode, residual and skip structure.
 */
class OracleStreamingTest {
    @Test
    void layerStreamsEqualFullSequence() {
        Property.forAll(200, RandomConfigs.seeded(RandomConfigs.layers()),
                c -> layerStreamsEqualFullSequence(c.config(), c.seed()));
    }

    private void layerStreamsEqualFullSequence(JsonObject config, long seed) {
        Network net = ReferenceNetworks.layer(config, "random", "property");
        assertStreamingMatches(net, seed, 40);
    }

    @Test
    void classifierStreamsEqualFullSequence() {
        Property.forAll(100, RandomConfigs.seeded(RandomConfigs.classifiers()),
                c -> classifierStreamsEqualFullSequence(c.config(), c.seed()));
    }

    private void classifierStreamsEqualFullSequence(JsonObject kwargs, long seed) {
        Network net = ReferenceNetworks.classifier(kwargs, "random", "property");
        assertStreamingMatches(net, seed, 96);
    }

    @Test
    void denoiserStreamsEqualFullSequence() {
        Property.forAll(100, RandomConfigs.seeded(RandomConfigs.denoisers()),
                c -> denoiserStreamsEqualFullSequence(c.config(), c.seed()));
    }

    private void denoiserStreamsEqualFullSequence(JsonObject kwargs, long seed) {
        Network net = ReferenceNetworks.denoiser(kwargs, "random", "property");
        assertStreamingMatches(net, seed, 96);
    }

    /**
     * A skip block over resampling (windows of 2), then a shortening step by 3 outside it: fed 22
     * samples, a stream has every window of the block, so the step gives its 7 frames (the
     * full-sequence pass's first 7), not the 6 of the 18 samples that are whole windows of both.
     */
    @Test
    void stepsAfterASkipBlockTakeWhatItsWholeWindowsGive() {
        Frontend.Compilation c = Frontend.compile("skip.ssm", """
                network Skip {
                  input x: 4 channels
                  residual {
                    s5(states 2) to 3 -> downsample average 2 -> dws(states 3) to 1 -> upsample repeat 2 -> neck(states 1) to 4
                  }
                  downsample conv 3 to 6
                }
                """);
        assertTrue(c.ok(), c::render);
        Network net = c.network();
        NetworkShapes shapes = ShapeInference.infer(net);
        assertEquals(6, shapes.minimumLength());
        assertEquals(List.of(7, 7, 6, 0), List.of(shapes.streamedLength(22), shapes.streamedLength(23),
                shapes.streamedLength(19), shapes.streamedLength(1)));
        Tensor input = RandomWeights.input(3, 1, 4, 22);
        Weights w = RandomWeights.of(net, 5);
        for (Engine e : Engines.all()) {
            Execution exec = e.bind(net, w);
            Tensor full = exec.forward(input).features();
            Tensor streamed = exec.stream(input, new int[] {5, 1, 16}).features();
            assertEquals(7, streamed.dim(2), e.name());
            assertClose(RandomLengths.streamedPart(full, shapes, 22), streamed);
        }
    }

    private static void assertStreamingMatches(Network net, long seed, int maxLength) {
        NetworkShapes shapes = ShapeInference.infer(net);
        Random rnd = new Random(seed);
        int length = RandomLengths.draw(net, rnd, maxLength);
        int batch = 1 + rnd.nextInt(2);
        Tensor input = RandomWeights.input(seed, batch, net.inChannels(), length);
        Execution exec = new OracleEngine().bind(net, RandomWeights.of(net, seed));
        Execution.Outputs full = exec.forward(input);
        Execution.Outputs streamed = exec.stream(input, randomChunks(rnd, length));
        assertEquals(shapes.outputLength(length), full.features().dim(2));
        Tensor expected = RandomLengths.streamedPart(full.features(), shapes, length);
        assertClose(expected, streamed.features());
        if (full.logits() != null && expected.dim(2) == full.features().dim(2)) {
            assertClose(full.logits(), streamed.logits());
        }
    }

    static int[] randomChunks(Random rnd, int length) {
        List<Integer> chunks = new ArrayList<>();
        int left = length;
        while (left > 0) {
            int c = rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(Math.min(left, 17));
            c = Math.min(c, left);
            chunks.add(c);
            left -= c;
        }
        return chunks.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void assertClose(Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape());
        float[] w = want.data();
        float[] g = got.data();
        double tol = 1e-5 * Math.max(1, want.maxAbs());
        for (int i = 0; i < w.length; i++) {
            assertTrue(Math.abs(w[i] - g[i]) <= tol, "element " + i + ": full " + w[i] + " vs streamed " + g[i]);
        }
    }
}
