package dev.ssmc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.train.Networks;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.plan.WorkspacePool;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The generated blocks take their intermediates from the network's workspaces: a call finds the
 * arrays of the call before. What that must not change: every result, whatever ran in between
 * (another input, other weights, another length), and what it must change: once the shapes have
 * been seen, the blocks allocate no intermediates.
 */
class GeneratedWorkspaceTest {
    /** Every mode, planned with FFTs (long) so that spectra, kernels and the cache are all in play. */
    private static final String NET = """
            network Mixed {
              input x: 3 channels
              plan training { batch 2; length 1024 }
              s5(states 4, blocks 2) to 4 -> full(states 4) to 4 -> neck(states 4, blocks 2) to 4 -> dws(states 4) to 4
              head mean -> linear 5
            }
            """;

    private record Pass(Trainable net, Method backward) {
        static Pass of(long seed) throws ReflectiveOperationException {
            Frontend.Compilation c = Frontend.compile("mixed.ssm", NET);
            assertTrue(c.ok(), c::render);
            Trainable net = Networks.init(c.networks().get(0).network(), Profile.defaults(), "mixed.ssm", seed);
            return new Pass(net, net.getClass().getMethod("backward", float[].class, int.class, int.class, float[].class,
                    float[].class));
        }

        @SuppressWarnings("unchecked")
        Map<String, float[]> run(float[] x, int batch, int length, float[] gLogits) throws ReflectiveOperationException {
            Map<String, float[]> g = (Map<String, float[]>) backward.invoke(net, x, batch, length, null, gLogits);
            Map<String, float[]> copy = new LinkedHashMap<>();
            g.forEach((k, v) -> copy.put(k, v.clone()));
            return copy;
        }
    }

    private static float[] gaussian(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static void assertSame(Map<String, float[]> expected, Map<String, float[]> actual, String when) {
        assertEquals(expected.keySet(), actual.keySet(), when);
        expected.forEach((k, v) -> assertArrayEquals(v, actual.get(k), when + ": " + k));
    }

    @Test
    void resultsDoNotDependOnWhatRanBefore() throws ReflectiveOperationException {
        Pass reused = Pass.of(11);
        float[] a = gaussian(1, 2 * 3 * 1024);
        float[] b = gaussian(2, 2 * 3 * 1024);
        float[] shortInput = gaussian(3, 1 * 3 * 700);
        float[] gA = gaussian(4, 2 * 5);
        float[] gShort = gaussian(5, 5);
        Map<String, float[]> first = reused.run(a, 2, 1024, gA);
        reused.run(b, 2, 1024, gA);              // the same shapes, other values in every array
        reused.run(shortInput, 1, 700, gShort);  // other shapes: other arrays, the cache emptied
        assertSame(first, reused.run(a, 2, 1024, gA), "again after other inputs and lengths");

        // other weights and back: the cache recycles the old weights' arrays
        Map<String, float[]> weights = reused.net().parameters();
        float[] e = weights.values().iterator().next();
        float[] saved = e.clone();
        for (int i = 0; i < e.length; i++) {
            e[i] *= 1.5f;
        }
        reused.net().prepare();
        Map<String, float[]> changed = reused.run(a, 2, 1024, gA);
        Pass fresh = Pass.of(11);
        float[] freshE = fresh.net().parameters().values().iterator().next();
        System.arraycopy(e, 0, freshE, 0, e.length);
        fresh.net().prepare();
        assertSame(fresh.run(a, 2, 1024, gA), changed, "other weights, against a network that never ran");
        System.arraycopy(saved, 0, e, 0, e.length);
        reused.net().prepare();
        assertSame(first, reused.run(a, 2, 1024, gA), "the first weights again");
    }

    @Test
    void onceTheShapesWereSeenTheBlocksAllocateNoIntermediates() throws ReflectiveOperationException {
        Pass p = Pass.of(12);
        java.lang.reflect.Field f = p.net().getClass().getDeclaredField("workspaces");
        f.setAccessible(true);
        WorkspacePool pool = (WorkspacePool) f.get(p.net());
        float[] x = gaussian(6, 2 * 3 * 1024);
        float[] g = gaussian(7, 2 * 5);
        p.run(x, 2, 1024, g);
        long afterFirst = pool.allocatedFloats();
        assertTrue(afterFirst > 0, "the first call fills the workspace");
        p.run(gaussian(8, 2 * 3 * 1024), 2, 1024, g);
        p.run(x, 2, 1024, g);
        assertEquals(afterFirst, pool.allocatedFloats(), "calls of the same shapes reuse every array");

        // a training step: new weights, so the blocks make their kernels again, in the same arrays
        float[] w = p.net().parameters().values().iterator().next();
        w[0] += 0.25f;
        p.net().prepare();
        p.run(x, 2, 1024, g);
        assertEquals(afterFirst, pool.allocatedFloats(), "new weights reuse them too");
    }
}
