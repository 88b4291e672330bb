package dev.ssmc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.Rational;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.Grads;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Parameter;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Tape;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.testing.SharedData;
import dev.ssmc.runtime.train.AdamW;
import dev.ssmc.runtime.train.EnhancementLoss;
import dev.ssmc.runtime.train.EnhancementSet;
import dev.ssmc.runtime.train.Loss;
import dev.ssmc.runtime.train.MixtureBatch;
import dev.ssmc.runtime.train.ModeBand;
import dev.ssmc.runtime.train.SiSnr;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A tiny U-Net denoiser, written in .ssm and trained through its generated code on one mixture of
 * se-synth with the enhancement pieces of the runtime (mixtures, the SI-SNR loss): issue 16's
 * finding in miniature. With the reference's initialization its waveform-level layers' modes all
 * sit below 60 Hz (the front end warns about each) and it learns slowly; the same network with
 * {@code dt band} on those layers starts with their modes spread over the band ({@link ModeBand})
 * and soon gives back more than it was given.
 */
class TinyDenoiserTest {
    private static final String NET = """
            network TinyDenoiser {
              input noisy: 1 channel @ 16 kHz
              norm layer-feature
              act silu
              encoder {
                full(states 8) -> downsample conv 4 to 8
              }
              bottleneck {
                s5(states 8, blocks 2)
              }
              decoder {
                upsample conv 4 to 1 -> full(states 8)
              }
              output {
                full(states 8, activations off)
              }
            }
            """;
    /** The same network with its waveform-level layers (the three full ones) spread over the band. */
    private static final String SPREAD = NET.replace("full(states 8", "full(states 8, dt band");
    private static final int RATE = 16000;

    @Test
    void overfitsOneMixtureOnceItsWaveformLayersSpreadTheirDt() throws Exception {
        Frontend.Compilation c = Frontend.compile("tiny-denoiser.ssm", NET);
        assertTrue(c.ok(), c::render);
        assertEquals(3, c.diagnostics().stream().filter(d -> !d.isError()).count(), c::render);
        Frontend.Compilation s = Frontend.compile("tiny-denoiser-spread.ssm", SPREAD);
        assertTrue(s.ok() && s.diagnostics().isEmpty(), s::render);
        EnhancementSet data = EnhancementSet.open(SharedData.dir().resolve("data/se-synth"),
                EnhancementSet.Options.defaults().withCropLength(4096));
        MixtureBatch mixture = data.trainingBatches(1, 3, 0).batch(0);
        double input = SiSnr.mean(mixture.noisy(), mixture.clean(), 1);

        Trainable reference = Networks.init(c.network(), Profile.defaults(), "tiny-denoiser.ssm", 7);
        double[] referenceSnr = train(reference, mixture, 200);

        Trainable spread = Networks.init(s.network(), Profile.defaults(), "tiny-denoiser-spread.ssm", 7);
        NetworkShapes shapes = ShapeInference.infer(s.network());
        int waveformLayers = 0;
        for (Node n : shapes.nodes()) {
            if (n instanceof SsmLayer l && shapes.rateIn().get(n).equals(Rational.ONE)) {
                // what the option starts them with is the spread by hand
                float[] byHand = new float[spread.parameters().get(l.param("log_dt")).length];
                ModeBand.spreadLogDt(byHand, BlockMode.of(l.mode().spelling()), l.states(), RATE,
                        ModeBand.DEFAULT_LOWEST_HZ, ModeBand.DEFAULT_HIGHEST_FRACTION);
                assertArrayEquals(byHand, spread.parameters().get(l.param("log_dt")), l.key());
                waveformLayers++;
            }
        }
        assertEquals(3, waveformLayers);
        double[] spreadSnr = train(spread, mixture, 400);

        assertTrue(spreadSnr[199] > referenceSnr[199] + 5, "after 200 steps: " + spreadSnr[199] + " dB with the spread, "
                + referenceSnr[199] + " dB without");
        assertTrue(spreadSnr[399] > input, "after 400 steps: " + spreadSnr[399] + " dB out of " + input + " dB in");
    }

    /** The output's SI-SNR before each of {@code steps} AdamW steps on the one mixture. */
    private static double[] train(Trainable net, MixtureBatch b, int steps) {
        Model model = net.model();
        AdamW adam = new AdamW(net.parameterList(), AdamW.Config.defaults());
        Map<String, float[]> params = net.parameters();
        double[] snr = new double[steps];
        for (int step = 0; step < steps; step++) {
            Tape tape = Tape.training(new SplittableRandom(step));
            Model.Outputs out = model.forward(new Signal(1, 1, b.length(), b.noisy()), tape);
            Loss loss = EnhancementLoss.siSnr().of(out.features().x(), b.clean(), 1);
            snr[step] = -loss.value();
            Grads grads = new Grads();
            model.backward(out, Tensor.of(loss.gradient(), 1, 1, b.length()), null, tape, grads);
            Map<String, float[]> g = new HashMap<>();
            for (Parameter p : net.parameterList()) {
                float[] gp = grads.asMap().get(p.key());
                if (p.role().trainable() && gp != null) {
                    g.put(p.key(), gp);
                }
            }
            adam.step(params::get, g, 1e-2);
            net.prepare();
        }
        return snr;
    }
}
