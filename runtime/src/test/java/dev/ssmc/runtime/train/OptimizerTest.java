package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.model.Parameter;
import dev.ssmc.runtime.model.Parameter.Role;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    private static Parameter param(String key, Role role, int size) {
        return new Parameter(key, new int[] {size}, role);
    }

    @Test
    void adamWMatchesTwoHandComputedSteps() {
        Parameter w = param("w", Role.WEIGHT, 2);
        AdamW adam = new AdamW(List.of(w), AdamW.Config.defaults());
        Map<String, float[]> values = new HashMap<>(Map.of("w", new float[] {1.0f, -2.0f}));
        double lr = 0.1;
        double wd = 0.01;
        double[] p = {1.0, -2.0};
        double[] m = new double[2];
        double[] v = new double[2];
        float[][] grads = {{0.5f, -1e-3f}, {-0.25f, 3f}};
        for (int t = 1; t <= 2; t++) {
            adam.step(values::get, Map.of("w", grads[t - 1].clone()), lr);
            for (int i = 0; i < 2; i++) {
                double g = grads[t - 1][i];
                p[i] *= 1 - lr * wd;
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double mHat = m[i] / (1 - Math.pow(0.9, t));
                double vHat = v[i] / (1 - Math.pow(0.999, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
            }
            assertEquals(p[0], values.get("w")[0], 1e-6, "step " + t);
            assertEquals(p[1], values.get("w")[1], 1e-6, "step " + t);
        }
        // the first step moves by lr whatever the gradient's scale: 1 * 0.999 - 0.1
        assertEquals(2, adam.stepCount("w"));
    }

    @Test
    void groupsGiveDynamicsASmallerRateAndNoDecay() {
        List<Parameter> params = List.of(param("a", Role.DYNAMICS, 1), param("w", Role.WEIGHT, 1),
                param("b", Role.BIAS, 1), param("n", Role.NORM, 1), param("mean", Role.RUNNING_MEAN, 1));
        AdamW adam = new AdamW(params);
        assertEquals(List.of("dynamics", "decay", "no_decay"), adam.groups().stream().map(AdamW.Group::name).toList());
        assertEquals(0.1, adam.groups().get(0).lrScale());
        assertEquals(0.0, adam.groups().get(0).weightDecay());
        assertEquals(0.01, adam.groups().get(1).weightDecay());
        Map<String, float[]> values = new HashMap<>();
        for (String k : List.of("a", "w", "b", "n", "mean")) {
            values.put(k, new float[] {1f});
        }
        adam.step(values::get, Map.of("a", new float[] {0.5f}, "w", new float[] {0.5f}, "b", new float[] {0.5f},
                "n", new float[] {0.5f}), 0.1);
        // a first Adam step moves by the rate: 0.01 for dynamics (no decay), 0.1 for the others
        assertEquals(1 - 0.01, values.get("a")[0], 1e-6);
        assertEquals(1 * (1 - 0.1 * 0.01) - 0.1, values.get("w")[0], 1e-6);
        assertEquals(1 - 0.1, values.get("b")[0], 1e-6);
        assertEquals(1 - 0.1, values.get("n")[0], 1e-6);
        assertEquals(1f, values.get("mean")[0]);
        // a zero gradient shows the decay alone
        adam = new AdamW(params, AdamW.Config.defaults().withDecayBiasesAndNorms(true).withWeightDecay(0.5));
        for (String k : List.of("a", "w", "b")) {
            values.put(k, new float[] {1f});
        }
        adam.step(values::get, Map.of("a", new float[1], "w", new float[1], "b", new float[1]), 0.1);
        assertEquals(1f, values.get("a")[0]);
        assertEquals(0.95f, values.get("w")[0], 1e-7f);
        assertEquals(0.95f, values.get("b")[0], 1e-7f);
        // statistics are not trained
        AdamW plain = new AdamW(params);
        assertThrows(IllegalArgumentException.class,
                () -> plain.step(values::get, Map.of("mean", new float[1]), 0.1));
    }

    @Test
    void aParameterWithoutGradientIsLeftAlone() {
        AdamW adam = new AdamW(List.of(param("x", Role.WEIGHT, 1), param("y", Role.WEIGHT, 1)));
        Map<String, float[]> values = new HashMap<>(Map.of("x", new float[] {1f}, "y", new float[] {1f}));
        adam.step(values::get, Map.of("x", new float[] {1f}), 0.1);
        assertEquals(1f, values.get("y")[0]);
        assertEquals(1, adam.stepCount("x"));
        assertEquals(0, adam.stepCount("y"));
        assertFalse(adam.state().containsKey("adam.m.y"));
    }

    @Test
    void stateSavesAndRestoresBitForBit() {
        List<Parameter> params = List.of(param("a", Role.DYNAMICS, 3), param("w", Role.WEIGHT, 4));
        Map<String, float[]> values = new HashMap<>(Map.of("a", new float[] {0.1f, 0.2f, 0.3f},
                "w", new float[] {1, 2, 3, 4}));
        AdamW first = new AdamW(params);
        for (int t = 0; t < 3; t++) {
            first.step(values::get, gradients(t), 0.05);
        }
        Map<String, float[]> saved = first.state();
        assertEquals(List.of("adam.m.a", "adam.m.w", "adam.step.a", "adam.step.w", "adam.v.a", "adam.v.w"),
                List.copyOf(saved.keySet()));
        assertArrayEquals(new float[] {3f}, saved.get("adam.step.w"));
        Map<String, float[]> copy = new HashMap<>();
        values.forEach((k, v) -> copy.put(k, v.clone()));
        for (int t = 3; t < 5; t++) {
            first.step(values::get, gradients(t), 0.05);
        }
        AdamW resumed = new AdamW(params);
        resumed.loadState(saved);
        for (int t = 3; t < 5; t++) {
            resumed.step(copy::get, gradients(t), 0.05);
        }
        assertBitsEqual(values, copy);
        // wrong state is refused
        assertThrows(IllegalArgumentException.class,
                () -> resumed.loadState(Map.of("adam.m.zzz", new float[1])));
        Map<String, float[]> wrongSize = new HashMap<>(saved);
        wrongSize.put("adam.v.w", new float[3]);
        assertThrows(IllegalArgumentException.class, () -> resumed.loadState(wrongSize));
        Map<String, float[]> partial = new HashMap<>(saved);
        partial.remove("adam.step.a");
        assertThrows(IllegalArgumentException.class, () -> resumed.loadState(partial));
    }

    private static Map<String, float[]> gradients(int t) {
        return Map.of("a", new float[] {0.1f * t, -0.2f, 0.3f / (t + 1)}, "w", new float[] {1, -t, 0.5f, t * t});
    }

    static void assertBitsEqual(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            float[] e = expected.get(k);
            float[] a = actual.get(k);
            assertEquals(e.length, a.length, k);
            for (int i = 0; i < e.length; i++) {
                assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), k + "[" + i + "]");
            }
        }
    }

    @Test
    void clippingByGlobalNorm() {
        Map<String, float[]> g = new HashMap<>(Map.of("x", new float[] {3f}, "y", new float[] {0f, 4f}));
        assertEquals(5.0, GradientClipping.globalNorm(g), 1e-12);
        assertEquals(5.0, GradientClipping.clipByGlobalNorm(g, 10), 1e-12);
        assertArrayEquals(new float[] {3f}, g.get("x"), "below the limit nothing changes");
        assertEquals(5.0, GradientClipping.clipByGlobalNorm(g, 1), 1e-12);
        assertEquals(1.0, GradientClipping.globalNorm(g), 1e-5);
        assertArrayEquals(new float[] {0f, 0.8f}, g.get("y"), 1e-5f);
        Map<String, float[]> bad = Map.of("x", new float[] {Float.NaN, 1f});
        assertTrue(Double.isNaN(GradientClipping.clipByGlobalNorm(bad, 1)));
        assertEquals(1f, bad.get("x")[1], "a non-finite norm leaves the gradients alone");
    }

    @Test
    void cosineScheduleWarmsUpThenDecays() {
        Schedule s = Schedule.cosine(1e-3, 10, 110, 1e-5);
        assertEquals(1e-4, s.lr(0), 1e-15);
        assertEquals(5e-4, s.lr(4), 1e-15);
        assertEquals(1e-3, s.lr(9), 1e-15);
        assertEquals(1e-3, s.lr(10), 1e-15);
        assertEquals((1e-3 + 1e-5) / 2, s.lr(60), 1e-15);
        assertEquals(1e-5, s.lr(110), 1e-15);
        assertEquals(1e-5, s.lr(1000), 1e-15);
        for (long t = 10; t < 110; t++) {
            assertTrue(s.lr(t + 1) < s.lr(t), "decreasing at " + t);
        }
        for (long t = 0; t < 9; t++) {
            assertTrue(s.lr(t + 1) > s.lr(t), "rising at " + t);
        }
        assertEquals(1e-3, Schedule.cosine(1e-3, 0, 10, 0).lr(0), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Schedule.cosine(1e-3, 10, 10, 0));
    }

    @Test
    void oneCycleRisesThenFalls() {
        Schedule s = Schedule.oneCycle(1e-2, 100);
        assertEquals(1e-2 / 25, s.lr(0), 1e-15);
        assertEquals(1e-2, s.lr(29), 1e-15);
        assertEquals(1e-2 / 25 / 1e4, s.lr(99), 1e-15);
        assertEquals(1e-2 / 25 / 1e4, s.lr(500), 1e-15);
        for (long t = 0; t < 29; t++) {
            assertTrue(s.lr(t + 1) > s.lr(t), "rising at " + t);
        }
        for (long t = 29; t < 99; t++) {
            assertTrue(s.lr(t + 1) < s.lr(t), "falling at " + t);
        }
        // halfway up, the cosine is at the mean of its ends
        Schedule.OneCycle exact = new Schedule.OneCycle(1, 22, 0.5, 10, 1e4); // peak at step 10
        assertEquals((1 + 0.1) / 2, exact.lr(5), 1e-12);
        assertEquals(0.5, Schedule.constant(0.5).lr(123));
    }
}
