package dev.ssmc.gentests;

import static dev.ssmc.gentests.support.Close.assertClose;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ssmc.gentests.support.Case;
import dev.ssmc.gentests.support.Close;
import dev.ssmc.gentests.support.GeneratedClasses;
import dev.ssmc.gentests.support.GeneratedNetwork;
import dev.ssmc.gentests.support.Mutant;
import dev.ssmc.gentests.support.RandomValues;
import dev.ssmc.gentests.support.References;
import dev.ssmc.gentests.support.Structure;
import dev.ssmc.runtime.model.Model;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * The elements of a batch do not interact (eval mode: BatchNorm uses its running statistics):
 * running a batch through a generated network gives, for each element, what running that element
 * alone gives: features, logits, the input's gradient; and the parameters' gradients of the batch
 * are the sums of the elements'. Outputs are compared with the golden tolerance, gradients with
 * the gradient check's ({@link Close#gradientTolerance}, with the batch's float32 floor and
 * measured noise); the sums of parameter gradients cancel, so theirs is relative to the elements'
 * magnitudes rather than to the result's. Norms over small signals or few samples magnify float32
 * rounding, which a batch and its elements do differently (measured up to 3e-4 of the addends);
 * mixing batch elements up gives errors of order one. The outputs' tolerance adds the oracle's
 * noise floor ({@link Close}).
 */
class BatchIndependenceTest extends PropertyOverPools {
    private static final int MAX_LENGTH = 24;

    /** With {@code mutant} in the network that runs the elements alone (see {@link Mutant}). */
    @Override
    void check(Structure s, long seed, Mutant mutant) {
        Case c = Case.draw(s, seed, 2, 4, MAX_LENGTH);
        Random rnd = c.rnd();
        int batch = c.batch();
        int length = c.length();
        GeneratedNetwork g = GeneratedClasses.of(s);
        Map<String, float[]> w = c.weights();
        GeneratedNetwork.Instance net = g.of(RandomValues.copy(w));
        GeneratedNetwork.Instance single = mutant == Mutant.NONE ? net : g.of(mutant.weights(RandomValues.copy(w)));
        int in = g.inChannels() * length;
        int outLength = s.outputLength(length);
        int feat = g.features() * outLength;
        int classes = g.classes();
        float[] x = c.input();
        float[] gFeatures = RandomValues.gaussian(rnd, batch * feat);
        float[] gLogits = classes == 0 ? null : RandomValues.gaussian(rnd, batch * classes);
        String ctx = c.context("");
        References.Noise noise = References.noise(c);
        // the gradients' measured noise: how far float32 backward moves when weights and input move by an ulp
        Map<String, float[]> nudged = g.of(References.ulp(w, rnd)).backward(References.ulp(x, rnd), batch, length,
                gFeatures, gLogits);

        Model.Outputs all = net.forward(x.clone(), batch, length);
        Map<String, float[]> allGrads = net.backward(x.clone(), batch, length, gFeatures, gLogits);
        Map<String, Double> gradientNoise = References.gradientNoise(allGrads, nudged);
        double floor = Close.gradientFloor(allGrads, batch * length);
        Map<String, float[]> summed = new java.util.HashMap<>();
        Map<String, float[]> magnitude = new java.util.HashMap<>();
        for (int b = 0; b < batch; b++) {
            String which = "element " + b + " of " + batch;
            float[] xb = Arrays.copyOfRange(x, b * in, (b + 1) * in);
            float[] gl = gLogits == null ? null : Arrays.copyOfRange(gLogits, b * classes, (b + 1) * classes);
            Model.Outputs alone = single.forward(xb, 1, length);
            assertClose(alone.features().x(), Arrays.copyOfRange(all.features().x(), b * feat, (b + 1) * feat),
                    noise.features(), "features of " + which + " vs alone", ctx);
            if (classes > 0) {
                assertClose(alone.logits().data(), Arrays.copyOfRange(all.logits().data(), b * classes, (b + 1) * classes),
                        noise.logits(), "logits of " + which + " vs alone", ctx);
            }
            Map<String, float[]> grads = single.backward(xb, 1, length,
                    Arrays.copyOfRange(gFeatures, b * feat, (b + 1) * feat), gl);
            assertGradient(grads.get("input"), Arrays.copyOfRange(allGrads.get("input"), b * in, (b + 1) * in),
                    grads.get("input"), floor, gradientNoise.get("input"), "input gradient of " + which + ", alone vs in the batch",
                    ctx);
            for (Map.Entry<String, float[]> e : grads.entrySet()) {
                float[] acc = summed.computeIfAbsent(e.getKey(), k -> new float[e.getValue().length]);
                float[] mag = magnitude.computeIfAbsent(e.getKey(), k -> new float[e.getValue().length]);
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += e.getValue()[i];
                    mag[i] += Math.abs(e.getValue()[i]);
                }
            }
        }
        for (Map.Entry<String, float[]> e : allGrads.entrySet()) {
            if (!e.getKey().equals("input")) {
                assertGradient(summed.get(e.getKey()), e.getValue(), magnitude.get(e.getKey()), floor, gradientNoise.get(e.getKey()),
                        "gradient of " + e.getKey() + ", the sum of the elements' vs the batch's", ctx);
            }
        }
    }

    /** {@code got} within the gradient tolerance ({@link Close#gradientTolerance}) of the largest {@code magnitude} of {@code want}. */
    private static void assertGradient(float[] want, float[] got, float[] magnitude, double floor, double noise, String what,
                                       String ctx) {
        double tol = Close.gradientTolerance(Close.maxAbs(magnitude), floor, noise);
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= tol)) {
                fail(what + ": element " + i + " is " + got[i] + ", want " + want[i] + " (tolerance " + tol + ")\n" + ctx);
            }
        }
    }
}
