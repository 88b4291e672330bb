package dev.ssmc.gentests.support;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random but well-conditioned tensors: stable SSM dynamics (dt between e^-6 and e^-1, decaying
 * states), positive BatchNorm variances, moderate weights; Gaussian inputs; random chunk splits.
 */
public final class RandomValues {
    private RandomValues() {
    }

    /** A value for every stored tensor of {@code network}, by checkpoint key. */
    public static Map<String, float[]> weights(Network network, Random rnd) {
        Map<String, float[]> m = new LinkedHashMap<>();
        for (ParamSpec p : network.parameters()) {
            float[] d = new float[p.size()];
            String key = p.key();
            String local = key.substring(key.lastIndexOf('.') + 1);
            for (int i = 0; i < d.length; i++) {
                double v;
                if (local.equals("log_dt")) {
                    v = -1 - 5 * rnd.nextDouble();
                } else if (local.equals("A")) {
                    // (raw real, imaginary): Re = -softplus(raw), Im spread over a few radians
                    v = i % 2 == 0 ? rnd.nextGaussian() : 3 * rnd.nextGaussian();
                } else if (local.equals("running_var")) {
                    v = 0.5 + rnd.nextDouble();
                } else {
                    v = rnd.nextGaussian() * 0.5;
                }
                d[i] = (float) v;
            }
            m.put(key, d);
        }
        return m;
    }

    /** Copies of the arrays, so that no two executions share (and could change) the same ones. */
    public static Map<String, float[]> copy(Map<String, float[]> values) {
        Map<String, float[]> m = new LinkedHashMap<>();
        values.forEach((k, v) -> m.put(k, v.clone()));
        return m;
    }

    /** The values as the compiler's {@link Weights} (copies), for the oracle and the plan engine. */
    public static Weights bind(Network network, Map<String, float[]> values) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (ParamSpec p : network.parameters()) {
            m.put(p.key(), Tensor.of(values.get(p.key()).clone(), p.shape()));
        }
        return Weights.bind(network, m, "random weights");
    }

    public static float[] gaussian(Random rnd, int n) {
        float[] d = new float[n];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextGaussian();
        }
        return d;
    }

    /**
     * Consecutive chunk sizes summing to {@code length}: many of 1 sample, some empty (0), the rest
     * of up to 17 samples, and now and then everything left at once.
     */
    public static int[] chunks(Random rnd, int length) {
        List<Integer> c = new ArrayList<>();
        int left = length;
        if (rnd.nextInt(8) == 0) {
            c.add(0);
        }
        while (left > 0) {
            int pick = rnd.nextInt(10);
            int k;
            if (pick < 3) {
                k = 1;
            } else if (pick == 3) {
                k = 0;
            } else if (pick == 4) {
                k = left;
            } else {
                k = 1 + rnd.nextInt(17);
            }
            k = Math.min(k, left);
            c.add(k);
            left -= k;
        }
        if (rnd.nextInt(4) == 0) {
            c.add(0);
        }
        return c.stream().mapToInt(Integer::intValue).toArray();
    }
}
