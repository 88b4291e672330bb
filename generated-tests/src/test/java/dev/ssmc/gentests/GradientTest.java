package dev.ssmc.gentests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.gentests.support.Close;
import dev.ssmc.gentests.support.GeneratedClasses;
import dev.ssmc.gentests.support.GeneratedNetwork;
import dev.ssmc.gentests.support.Pools;
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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The generated {@code backward} equals central finite differences of the oracle (double
 * precision) for the input and for elements of the trainable tensors, with a random weighting of
 * the features and/or logits as the loss. The step is small (1e-4) because norms over near-zero
 * signals (rms, layer-feature) are sharply curved. A step that straddles a kink (relu, relu6, lelu)
 * is recognized by its one-sided differences disagreeing, and retried with a smaller step, then
 * skipped; a try that skips most of its elements fails, so the property cannot pass vacuously.
 *
 * <p>Tolerance: {@code 2e-3 * max|grad|} of the tensor, plus 1e-6, plus 30 times the case's float32
 * noise floor (how far backward moves when weights and input move by one ulp; see {@link Close}).
 * The compiler's gradient check floors the scale at 1e-2 and adds 1e-4, which hides errors in the
 * small gradients of A and log_dt (median 3e-7 and 1e-4 here): a 5% error in every A gradient
 * passed it. The measured floor takes their place where float32 rounding really is large (norms
 * over few samples or near-zero vectors).
 */
class GradientTest {
    static final int TRIES = 200;
    /**
     * Steps tried in turn until the one-sided differences agree: 1e-4 first, then 1e-6 when a kink
     * (relu, relu6, lelu on many samples) or a sharp curvature lies within the first. The oracle is
     * double precision, so even the small step leaves differences far above its rounding.
     */
    private static final double[] STEPS = {1e-4, 1e-6};
    private static final int MAX_LENGTH = 16;
    /** Tensors checked per try besides the input: all of a small network's, a random sample of a large one's. */
    private static final int TENSORS_PER_TRY = 12;
    private static final int ELEMENTS_PER_TENSOR = 2;

    @Property(tries = TRIES)
    void randomNetworksBackwardMatchesFiniteDifferences(@ForAll("random") Structure s, @ForAll long seed) {
        check(s, seed);
    }

    @Property(tries = TRIES)
    void fixturesBackwardMatchesFiniteDifferences(@ForAll("fixtures") Structure s, @ForAll long seed) {
        check(s, seed);
    }

    static void check(Structure s, long seed) {
        Network net = s.network();
        Random rnd = new Random(seed);
        int batch = 1 + rnd.nextInt(2);
        int length = s.randomLength(rnd, MAX_LENGTH);
        Map<String, float[]> w = RandomValues.weights(net, rnd);
        float[] x = RandomValues.gaussian(rnd, batch * net.inChannels() * length);
        GeneratedNetwork g = GeneratedClasses.of(s);
        int featureSize = batch * g.features() * s.outputLength(length);
        // the loss weights the features, the logits, or both
        int which = g.classes() == 0 ? 0 : rnd.nextInt(3);
        float[] gFeatures = which == 1 ? null : RandomValues.gaussian(rnd, featureSize);
        float[] gLogits = which == 0 ? null : RandomValues.gaussian(rnd, batch * g.classes());
        String ctx = "batch " + batch + ", length " + length + ", seed " + seed + ", loss on "
                + (which == 0 ? "features" : which == 1 ? "logits" : "features and logits") + ", " + s.describe();

        Map<String, float[]> grads = g.of(RandomValues.copy(w)).backward(x.clone(), batch, length, gFeatures, gLogits);
        // the noise floor: how far float32 backward moves when weights and input move by one ulp
        Map<String, float[]> nudged = g.of(References.ulp(w, rnd)).backward(References.ulp(x, rnd), batch, length,
                gFeatures, gLogits);

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
            double scale = 0;
            for (float e : grad) {
                scale = Math.max(scale, Math.abs(e));
            }
            double noise = 0;
            for (int i = 0; i < grad.length; i++) {
                noise = Math.max(noise, Math.abs(grad[i] - nudged.get(key)[i]));
            }
            double tol = 2e-3 * scale + 1e-6 + Close.NOISE_FACTOR * noise;
            int elements = key.equals("input") ? 2 * ELEMENTS_PER_TENSOR : ELEMENTS_PER_TENSOR;
            for (int k = 0; k < Math.min(elements, v.length); k++) {
                int i = rnd.nextInt(v.length);
                checked++;
                Difference d = null;
                for (double step : STEPS) {
                    d = difference(v, i, step, center, loss);
                    if (d.smooth()) {
                        break;
                    }
                }
                if (!d.smooth()) {
                    skipped++; // a kink (or a curvature no step resolves) within the step
                    continue;
                }
                if (!(Math.abs(d.central() - grad[i]) <= tol)) {
                    fail(key + "[" + i + "]: backward " + grad[i] + ", finite difference " + d.central() + " (tolerance "
                            + tol + " with noise floor " + noise + ", step " + d.step + ", one-sided " + d.down + " and "
                            + d.up + ")\n" + ctx);
                }
            }
        }
        assertTrue(skipped * 2 <= checked || checked < 4, "finite differences were unusable (kinks) at " + skipped
                + " of " + checked + " elements\n" + ctx);
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

    @Provide
    Arbitrary<Structure> random() {
        return Arbitraries.oneOf(Pools.of(Pools.sources(), s -> true), Pools.of(Pools.imported(), s -> true));
    }

    @Provide
    Arbitrary<Structure> fixtures() {
        return Pools.of(Pools.fixtures(), s -> true);
    }
}
