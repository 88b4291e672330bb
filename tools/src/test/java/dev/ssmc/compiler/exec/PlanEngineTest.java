package dev.ssmc.compiler.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.ssmc.compiler.RandomConfigs;
import dev.ssmc.compiler.RandomLengths;
import dev.ssmc.compiler.RandomWeights;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.oracle.OracleEngine;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.testing.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plan engine (float32, planned SSM blocks, runtime layers) computes what the oracle computes,
 * over whole sequences and streamed in random chunks down to one sample.
 */
class PlanEngineTest {
    @Test
    void layersMatchTheOracle() {
        Property.forAll(60, RandomConfigs.seeded(RandomConfigs.layers()),
                c -> layersMatchTheOracle(c.config(), c.seed()));
    }

    private void layersMatchTheOracle(JsonObject config, long seed) {
        check(ReferenceNetworks.layer(config, config.toString(), "property"), seed, 40);
    }

    @Test
    void classifiersMatchTheOracle() {
        Property.forAll(30, RandomConfigs.seeded(RandomConfigs.classifiers()),
                c -> classifiersMatchTheOracle(c.config(), c.seed()));
    }

    private void classifiersMatchTheOracle(JsonObject kwargs, long seed) {
        check(ReferenceNetworks.classifier(kwargs, kwargs.toString(), "property"), seed, 96);
    }

    @Test
    void denoisersMatchTheOracle() {
        Property.forAll(30, RandomConfigs.seeded(RandomConfigs.denoisers()),
                c -> denoisersMatchTheOracle(c.config(), c.seed()));
    }

    private void denoisersMatchTheOracle(JsonObject kwargs, long seed) {
        check(ReferenceNetworks.denoiser(kwargs, kwargs.toString(), "property"), seed, 96);
    }

    private static void check(Network net, long seed, int maxLength) {
        Random rnd = new Random(seed);
        int length = RandomLengths.draw(net, rnd, maxLength);
        Tensor input = RandomWeights.input(seed, 1 + rnd.nextInt(2), net.inChannels(), length);
        Weights w = RandomWeights.of(net, seed);
        Execution.Outputs oracle = new OracleEngine().bind(net, w).forward(input);
        Execution plan = new PlanEngine().bind(net, w);
        Execution.Outputs full = plan.forward(input);
        String what = net.name() + " seed " + seed + ": ";
        assertClose(oracle.features(), full.features(), what + "forward features");
        if (oracle.logits() != null) {
            assertClose(oracle.logits(), full.logits(), what + "forward logits");
        }
        Execution.Outputs streamed = plan.stream(input, chunks(rnd, length));
        assertClose(RandomLengths.streamedPart(oracle.features(), ShapeInference.infer(net), length),
                streamed.features(), what + "streamed features");
    }

    static int[] chunks(Random rnd, int length) {
        List<Integer> c = new ArrayList<>();
        int left = length;
        while (left > 0) {
            int k = Math.min(left, rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(17));
            c.add(k);
            left -= k;
        }
        return c.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The golden files' tolerance: |x - ref| <= 1e-4 max|ref| + 1e-6. */
    static void assertClose(Tensor want, Tensor got, String what) {
        assertArrayEquals(want.shape(), got.shape(), what);
        double tol = 1e-4 * want.maxAbs() + 1e-6;
        float[] w = want.data();
        float[] g = got.data();
        for (int i = 0; i < w.length; i++) {
            assertTrue(Math.abs(w[i] - g[i]) <= tol, what + ": element " + i + " is " + g[i] + ", want " + w[i]);
        }
    }
}
