package dev.ssmc.compiler.exec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.ssmc.compiler.RandomConfigs;
import dev.ssmc.compiler.RandomWeights;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.oracle.Oracle;
import dev.ssmc.compiler.oracle.OracleEngine;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The plan engine's backward pass equals central finite differences of the oracle (double
 * precision) on small layers and networks, for the input and every trainable parameter.
 */
class GradientCheckTest {
    /** Small: a norm over a near-zero signal (rms, layer-feature) is sharply curved. */
    private static final double EPS = 1e-5;

    @Property(tries = 40)
    void layerGradientsMatchFiniteDifferences(@ForAll("layers") JsonObject config, @ForAll long seed) {
        check(ReferenceNetworks.layer(config, config.toString(), "property"), seed, 12);
    }

    @Property(tries = 15)
    void networkGradientsMatchFiniteDifferences(@ForAll("networks") JsonObject kwargs, @ForAll long seed) {
        Network n = kwargs.has("num_classes") ? ReferenceNetworks.classifier(kwargs, kwargs.toString(), "property")
                : ReferenceNetworks.denoiser(kwargs, kwargs.toString(), "property");
        check(n, seed, 24);
    }

    private static void check(Network net, long seed, int maxLength) {
        Random rnd = new Random(seed);
        int multiple = (int) NetworkShapes.requiredMultiple(net.body());
        int length = multiple * (1 + rnd.nextInt(Math.max(1, maxLength / multiple)));
        int batch = 1 + rnd.nextInt(2);
        Tensor input = RandomWeights.input(seed, batch, net.inChannels(), length);
        Weights w = RandomWeights.of(net, seed);
        Execution.Outputs out = new OracleEngine().bind(net, w).forward(input);
        Tensor gFeatures = RandomWeights.input(seed + 1, out.features().shape());
        Tensor gLogits = out.logits() == null ? null : RandomWeights.input(seed + 2, out.logits().shape());
        Map<String, Tensor> grads = new PlanEngine().bind(net, w).gradients(input, gFeatures, gLogits);

        // a few elements of the input and of every trainable parameter
        Map<String, Tensor> values = new HashMap<>(w.asMap());
        values.put("input", input);
        for (Map.Entry<String, Tensor> e : grads.entrySet()) {
            Tensor value = values.get(e.getKey());
            float[] v = value.data();
            float[] g = e.getValue().data();
            double scale = 0;
            for (float x : g) {
                scale = Math.max(scale, Math.abs(x));
            }
            for (int k = 0; k < Math.min(4, v.length); k++) {
                int i = rnd.nextInt(v.length);
                float keep = v[i];
                v[i] = (float) (keep + EPS);
                double up = loss(net, w, input, gFeatures, gLogits);
                v[i] = (float) (keep - EPS);
                double down = loss(net, w, input, gFeatures, gLogits);
                v[i] = keep;
                double fd = (up - down) / ((double) (float) (keep + EPS) - (float) (keep - EPS));
                double tol = 2e-3 * Math.max(scale, 1e-2) + 1e-4;
                assertTrue(Math.abs(fd - g[i]) <= tol, e.getKey() + "[" + i + "]: backward " + g[i]
                        + ", finite difference " + fd + " (tol " + tol + ") in " + net.name() + " seed " + seed + " length " + length);
            }
        }
    }

    /** sum(features * gFeatures) + sum(logits * gLogits), by the oracle in double. */
    private static double loss(Network net, Weights w, Tensor input, Tensor gFeatures, Tensor gLogits) {
        Oracle.Result r = new Oracle(net, Weights.bind(net, w.asMap(), "perturbed")).forward(OracleEngine.toDouble(input));
        double sum = 0;
        float[] gf = gFeatures.data();
        int i = 0;
        for (double[][] b : r.features()) {
            for (double[] c : b) {
                for (double v : c) {
                    sum += v * gf[i++];
                }
            }
        }
        if (gLogits != null) {
            float[] gl = gLogits.data();
            int j = 0;
            for (double[] b : r.logits()) {
                for (double v : b) {
                    sum += v * gl[j++];
                }
            }
        }
        return sum;
    }

    @Provide
    Arbitrary<JsonObject> layers() {
        return RandomConfigs.layers();
    }

    @Provide
    Arbitrary<JsonObject> networks() {
        return net.jqwik.api.Arbitraries.oneOf(RandomConfigs.classifiers(), RandomConfigs.denoisers());
    }
}
