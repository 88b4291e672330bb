package dev.ssmc.compiler;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Random but well-conditioned weights for any network: stable SSMs, positive variances. */
public final class RandomWeights {
    private RandomWeights() {
    }

    public static Weights of(Network network, long seed) {
        Random rnd = new Random(seed);
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (ParamSpec p : network.parameters()) {
            float[] d = new float[p.size()];
            String key = p.key();
            for (int i = 0; i < d.length; i++) {
                double v;
                if (key.endsWith("log_dt")) {
                    // dt in [0.05, 0.6]: over the short sequences of tests, slower states leave signals near zero,
                    // where a norm over channels (rms, layer-feature) amplifies float32 rounding past any tolerance;
                    // the golden files cover dt down to 1e-3 on realistic lengths
                    v = -3 + 2.5 * rnd.nextDouble();
                } else if (key.endsWith(".A") || key.equals("A")) {
                    // (raw real, imaginary): Re = -softplus(raw), Im spread over a few radians
                    v = i % 2 == 0 ? rnd.nextGaussian() : 3 * rnd.nextGaussian();
                } else if (key.endsWith("running_var")) {
                    v = 0.5 + rnd.nextDouble();
                } else {
                    v = rnd.nextGaussian() * 0.5;
                }
                d[i] = (float) v;
            }
            m.put(key, Tensor.of(d, p.shape()));
        }
        return Weights.bind(network, m, "random weights");
    }

    public static Tensor input(long seed, int... shape) {
        Random rnd = new Random(seed);
        float[] d = new float[Tensor.checkedSize(shape)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rnd.nextGaussian();
        }
        return Tensor.of(d, shape);
    }
}
