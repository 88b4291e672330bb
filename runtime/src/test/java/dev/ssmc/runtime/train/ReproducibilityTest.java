package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.model.Parameter;
import dev.ssmc.runtime.model.Parameter.Role;
import dev.ssmc.runtime.train.SpeechCommands.Split;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The whole kit end to end on a tiny model (log energies of 16 windows, a per-feature gain as a
 * "dynamics" parameter, a linear layer): the same seed and data give bit-identical parameters.
 */
class ReproducibilityTest {
    private static final int FEATURES = 16;
    private static final int CLASSES = 12;
    private static final List<Parameter> PARAMETERS = List.of(
            new Parameter("gain", new int[] {FEATURES}, Role.DYNAMICS),
            new Parameter("linear.weight", new int[] {CLASSES, FEATURES}, Role.WEIGHT),
            new Parameter("linear.bias", new int[] {CLASSES}, Role.BIAS));

    @Test
    void sameSeedAndDataGiveBitIdenticalParameters() {
        Map<String, float[]> first = train(42);
        Map<String, float[]> second = train(42);
        OptimizerTest.assertBitsEqual(first, second);
        Map<String, float[]> otherSeed = train(43);
        assertFalse(Arrays.equals(first.get("linear.weight"), otherSeed.get("linear.weight")));
        assertTrue(first.get("gain")[0] != 0, "the dynamics parameter was trained");
    }

    /** Four steps in each of two epochs, with augmentation, prefetching, clipping and a schedule. */
    private static Map<String, float[]> train(long seed) {
        ClipSet data = KwsSynth.load(Split.TRAIN);
        Map<String, float[]> params = new HashMap<>();
        params.put("gain", new float[FEATURES]);
        params.put("linear.weight", new float[CLASSES * FEATURES]);
        params.put("linear.bias", new float[CLASSES]);
        Init.normal(params.get("linear.weight"), 0.1, new SplittableRandom(seed));
        AdamW adam = new AdamW(PARAMETERS);
        Schedule schedule = Schedule.cosine(1e-2, 2, 8, 1e-4);
        int step = 0;
        for (int epoch = 0; epoch < 2; epoch++) {
            try (PrefetchingBatches<Batch> batches = Batches.training(data, 32, seed, epoch, Augmentation.defaults(16000),
                    KwsSynth.recordings()).prefetching(2)) {
                for (int i = 0; i < 4; i++) {
                    Map<String, float[]> grads = gradients(params, batches.next());
                    GradientClipping.clipByGlobalNorm(grads, 1.0);
                    adam.step(params::get, grads, schedule.lr(step++));
                }
            }
        }
        return params;
    }

    private static Map<String, float[]> gradients(Map<String, float[]> params, Batch batch) {
        int n = batch.size();
        int window = batch.length() / FEATURES;
        float[] gain = params.get("gain");
        float[] w = params.get("linear.weight");
        float[] bias = params.get("linear.bias");
        float[] h = new float[n * FEATURES];
        float[] logits = new float[n * CLASSES];
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < FEATURES; j++) {
                double energy = 0;
                for (int t = 0; t < window; t++) {
                    float x = batch.inputs()[b * batch.length() + j * window + t];
                    energy += x * x;
                }
                h[b * FEATURES + j] = (float) (Math.log(1e-4 + energy / window) * Math.exp(gain[j]));
            }
            for (int c = 0; c < CLASSES; c++) {
                double z = bias[c];
                for (int j = 0; j < FEATURES; j++) {
                    z += w[c * FEATURES + j] * h[b * FEATURES + j];
                }
                logits[b * CLASSES + c] = (float) z;
            }
        }
        float[] dz = CrossEntropy.of(logits, CLASSES, batch.labels()).gradient();
        float[] dw = new float[w.length];
        float[] db = new float[CLASSES];
        float[] dGain = new float[FEATURES];
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < CLASSES; c++) {
                float g = dz[b * CLASSES + c];
                db[c] += g;
                for (int j = 0; j < FEATURES; j++) {
                    dw[c * FEATURES + j] += g * h[b * FEATURES + j];
                    // h = f exp(gain): dh/dgain = h
                    dGain[j] += g * w[c * FEATURES + j] * h[b * FEATURES + j];
                }
            }
        }
        return new HashMap<>(Map.of("gain", dGain, "linear.weight", dw, "linear.bias", db));
    }
}
