package dev.ssmc.gentests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.gentests.support.Case;
import dev.ssmc.gentests.support.Close;
import dev.ssmc.gentests.support.GeneratedClasses;
import dev.ssmc.gentests.support.GeneratedNetwork;
import dev.ssmc.gentests.support.Mutant;
import dev.ssmc.gentests.support.RandomValues;
import dev.ssmc.gentests.support.References;
import dev.ssmc.gentests.support.Structure;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The generated {@code backward} equals central finite differences of the oracle (double
 * precision) for the input and for elements of the trainable tensors, with a random weighting of
 * the features and/or logits as the loss; per tensor, the element with the largest gradient and
 * random ones. The step is small (1e-4) because norms over near-zero signals (rms, layer-feature)
 * are sharply curved; where backward disagrees, smaller steps are tried ({@link #STEPS}): a kink
 * (relu, relu6, lelu) within a step bends its difference, and backward must agree with the
 * difference of some step over which the loss is smooth (its one-sided differences agree, or
 * differ by the same curvature at every step: {@link #evenlyCurved}). An
 * element no step finds smooth is skipped; a try that skips most of its elements fails, so the
 * property cannot pass vacuously.
 *
 * <p>Tolerance ({@link Close#gradientTolerance}): {@code 2e-3 * max|grad|} of the element's tensor,
 * plus 1e-6, plus a float32 floor of {@code 128 * 2^-24 * sqrt(batch * length)} times the norm of
 * the whole gradient ({@link Close#gradientFloor}), plus 30 times the tensor's measured noise (how far backward moves
 * when weights and input move by one ulp). The relative term is per tensor, so a 5% error in the
 * small gradients of A or log_dt (median 3e-7 and 1e-4 here) fails; the compiler's gradient check
 * floors the scale at 1e-2 and adds 1e-4, which hides it. The floor is for gradients whose terms
 * cancel: a norm's bias whose shift a later norm removes has a gradient of exactly 0, which float32
 * computes as a sum of terms of the backpropagated signal's size (1.3e-5 with a whole gradient of
 * norm 10), beyond its own tensor's scale (that is the noise itself) and, now and then, beyond its
 * measured noise too (one nudge can leave the rounding nearly as it was). The measured noise
 * covers ill-conditioned cases (norms over few samples or near-zero vectors), where the error
 * reaches a thousand float32 units of the whole gradient.
 */
class GradientTest extends PropertyOverPools {
    /**
     * Steps tried in turn until backward agrees with a central difference of a step over which the
     * loss is smooth: 1e-4 first, smaller ones where a kink (relu, relu6, lelu on many samples) or a
     * sharp curvature lies within the larger step (a kink near the step's end can leave the
     * one-sided slopes agreeing while it bends the central difference). The oracle is double
     * precision, so even the smallest step leaves differences far above its rounding.
     */
    private static final double[] STEPS = {1e-4, 1e-5, 1e-6};
    private static final int MAX_LENGTH = 16;
    /** Tensors checked per try besides the input: all of a small network's, a random sample of a large one's. */
    private static final int TENSORS_PER_TRY = 12;
    /**
     * Elements checked per tensor (twice as many of the input): the one with the largest gradient,
     * where an error in the tensor's formula shows most (a tensor's gradients can span orders of
     * magnitude, and a random element is mostly a small one), and random ones.
     */
    private static final int ELEMENTS_PER_TENSOR = 2;

    /** With {@code mutant} in the generated network and its backward pass (see {@link Mutant}). */
    @Override
    void check(Structure s, long seed, Mutant mutant) {
        Network net = s.network();
        Case c = Case.draw(s, seed, 1, 2, MAX_LENGTH);
        Random rnd = c.rnd();
        int batch = c.batch();
        int length = c.length();
        Map<String, float[]> w = c.weights();
        float[] x = c.input();
        GeneratedNetwork g = GeneratedClasses.of(s);
        int featureSize = batch * g.features() * s.outputLength(length);
        // the loss weights the features, the logits, or both
        int which = g.classes() == 0 ? 0 : rnd.nextInt(3);
        float[] gFeatures = which == 1 ? null : RandomValues.gaussian(rnd, featureSize);
        float[] gLogits = which == 0 ? null : RandomValues.gaussian(rnd, batch * g.classes());
        String ctx = c.context("loss on " + (which == 0 ? "features" : which == 1 ? "logits" : "features and logits"));

        Map<String, float[]> grads = mutant.gradients(g.of(mutant.weights(RandomValues.copy(w)))
                .backward(x.clone(), batch, length, gFeatures, gLogits));
        // the noise: how far float32 backward moves when weights and input move by one ulp
        Map<String, float[]> nudged = mutant.gradients(g.of(mutant.weights(References.ulp(w, rnd)))
                .backward(References.ulp(x, rnd), batch, length, gFeatures, gLogits));
        Map<String, Double> noise = References.gradientNoise(grads, nudged);
        double floor = Close.gradientFloor(grads, batch * length);

        Set<String> expected = new LinkedHashSet<>();
        expected.add("input");
        net.parameters().stream().filter(p -> p.role().trainable()).forEach(p -> expected.add(p.key()));
        assertEquals(expected, grads.keySet(), "backward's keys: the input and every trainable tensor\n" + ctx);

        // the values the loss is differentiated by, live: perturbing an array perturbs the loss
        Map<String, Tensor> values = new LinkedHashMap<>();
        for (ParamSpec p : net.parameters()) {
            values.put(p.key(), Tensor.of(w.get(p.key()).clone(), p.shape()));
        }
        Tensor input = Tensor.of(x.clone(), batch, net.inChannels(), length);
        float[] gf = gFeatures == null ? new float[featureSize] : gFeatures;
        Loss loss = () -> References.oracleLoss(net, Weights.bind(net, values, "perturbed"), input.data(), batch, length,
                gf, gLogits);
        double center = loss.at();

        List<String> keys = new ArrayList<>(expected);
        keys.remove("input");
        if (keys.size() > TENSORS_PER_TRY) {
            Collections.shuffle(keys, rnd);
            keys = keys.subList(0, TENSORS_PER_TRY);
        }
        keys.add(0, "input");
        int checked = 0;
        int skipped = 0;
        for (String key : keys) {
            float[] v = key.equals("input") ? input.data() : values.get(key).data();
            float[] grad = grads.get(key);
            assertEquals(v.length, grad.length, "size of the gradient of " + key + "\n" + ctx);
            double tol = Close.gradientTolerance(Close.maxAbs(grad), floor, noise.get(key));
            int elements = key.equals("input") ? 2 * ELEMENTS_PER_TENSOR : ELEMENTS_PER_TENSOR;
            for (int k = 0; k < Math.min(elements, v.length); k++) {
                int i = k == 0 ? largest(grad) : rnd.nextInt(v.length);
                checked++;
                Difference smooth = null; // the smallest step's difference over which the loss is smooth
                boolean agrees = false;
                List<Difference> tried = new ArrayList<>();
                for (double step : STEPS) {
                    Difference d = difference(v, i, step, center, loss);
                    tried.add(d);
                    if (d.smooth() || evenlyCurved(tried)) {
                        smooth = d;
                        agrees = Math.abs(d.central() - grad[i]) <= tol;
                        if (agrees) {
                            break;
                        }
                    }
                }
                if (smooth == null) {
                    skipped++; // a kink (or a curvature no step resolves) within every step
                } else if (!agrees) {
                    fail(key + "[" + i + "]: backward " + grad[i] + ", finite difference " + smooth.central()
                            + " (tolerance " + tol + " with float32 floor " + floor + " and noise " + noise.get(key)
                            + ", step " + smooth.step() + ", one-sided " + smooth.down() + " and " + smooth.up() + ")\n"
                            + ctx);
                }
            }
        }
        assertTrue(skipped * 2 <= checked || checked < 4, "finite differences were unusable (kinks) at " + skipped
                + " of " + checked + " elements\n" + ctx);
    }

    /**
     * Whether the one-sided slopes of every step tried so far (at least three) differ by the same
     * curvature, {@code (up - down) / step} within a factor of 2 from step to step: the loss bends
     * smoothly over the largest step, however sharply (an rms norm over a near-zero vector bends it
     * by a few percent of the slope even over 1e-6), so the smallest step's central difference holds
     * (its error shrinks with the step squared). A kink within a step keeps the slopes apart by its
     * jump however small the step, so the curvature it shows grows tenfold with each smaller step.
     */
    static boolean evenlyCurved(List<Difference> tried) {
        if (tried.size() < 3) {
            return false;
        }
        double low = Double.POSITIVE_INFINITY;
        double high = 0;
        for (Difference d : tried) {
            double curvature = Math.abs(d.up() - d.down()) / d.step();
            low = Math.min(low, curvature);
            high = Math.max(high, curvature);
        }
        return low > 0 && high <= 2 * low;
    }

    /** The rule above on two exact functions: a sharp exponential bend passes, a kink 3e-7 away does not. */
    @Test
    void evenlyCurvedTellsSharpBendsFromKinks() {
        assertTrue(evenlyCurved(differences(x -> Math.exp(300 * x))));
        assertFalse(differences(x -> Math.exp(300 * x)).get(0).smooth(), "the bend is too sharp for one-sided slopes");
        assertFalse(evenlyCurved(differences(x -> Math.abs(x - 3e-7) + x)));
        assertFalse(evenlyCurved(differences(x -> Math.exp(300 * x)).subList(0, 2)), "two steps show no trend");
    }

    private static List<Difference> differences(DoubleUnaryOperator f) {
        List<Difference> out = new ArrayList<>();
        double center = f.applyAsDouble(0);
        for (double h : STEPS) {
            double up = f.applyAsDouble(h);
            double down = f.applyAsDouble(-h);
            out.add(new Difference(h, (center - down) / h, (up - center) / h, (up - down) / (2 * h)));
        }
        return out;
    }

    private static int largest(float[] g) {
        int at = 0;
        for (int i = 1; i < g.length; i++) {
            if (Math.abs(g[i]) > Math.abs(g[at])) {
                at = i;
            }
        }
        return at;
    }

    private interface Loss {
        double at();
    }

    /** The one-sided and central differences of the loss at {@code v[i]} with a step of {@code step}. */
    private record Difference(double step, double down, double up, double central) {
        /**
         * Whether the loss looks smooth within the step: its one-sided slopes agree, within the
         * gradient tolerance's terms but judged on the oracle alone, whatever backward says.
         */
        boolean smooth() {
            return Math.abs(up - down) <= 1e-3 * Math.max(Math.abs(up), Math.abs(down)) + 1e-7;
        }
    }

    private static Difference difference(float[] v, int i, double step, double center, Loss loss) {
        float keep = v[i];
        float up = (float) (keep + step);
        float down = (float) (keep - step);
        v[i] = up;
        double fUp = loss.at();
        v[i] = down;
        double fDown = loss.at();
        v[i] = keep;
        return new Difference(step, (center - fDown) / ((double) keep - down), (fUp - center) / ((double) up - keep),
                (fUp - fDown) / ((double) up - down));
    }
}
