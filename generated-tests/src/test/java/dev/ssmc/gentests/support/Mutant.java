package dev.ssmc.gentests.support;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A deliberate error on the side of a comparison that runs generated code: the properties' checks
 * take one ({@link #NONE} in the properties themselves), so that {@code SensitivityTest} can show
 * that each property fails when generated code computes something else, that is, that its
 * tolerance does not swallow real errors.
 */
public interface Mutant {
    /** No error: generated code runs as generated. */
    Mutant NONE = new Mutant() {
    };

    /** The weights the generated network under test is made of (the argument is the check's own copy). */
    default Map<String, float[]> weights(Map<String, float[]> w) {
        return w;
    }

    /** The gradients the generated backward pass reports, by key. */
    default Map<String, float[]> gradients(Map<String, float[]> g) {
        return g;
    }

    /** The sign of one trainable tensor flipped, a tensor drawn from {@code seed}. */
    static Mutant flipOne(Network network, long seed) {
        List<String> keys = network.parameters().stream().filter(p -> p.role().trainable()).map(ParamSpec::key).toList();
        String key = keys.get(new Random(seed).nextInt(keys.size()));
        return new Mutant() {
            @Override
            public Map<String, float[]> weights(Map<String, float[]> w) {
                float[] v = w.get(key);
                for (int i = 0; i < v.length; i++) {
                    v[i] = -v[i];
                }
                return w;
            }

            @Override
            public String toString() {
                return "the sign of " + key + " flipped";
            }
        };
    }

    /** The gradients of every tensor whose key ends in {@code "." + name} multiplied by {@code factor}. */
    static Mutant gradientsOf(String name, float factor) {
        return new Mutant() {
            @Override
            public Map<String, float[]> gradients(Map<String, float[]> g) {
                g.forEach((key, v) -> {
                    if (key.endsWith("." + name)) {
                        for (int i = 0; i < v.length; i++) {
                            v[i] *= factor;
                        }
                    }
                });
                return g;
            }

            @Override
            public String toString() {
                return "the gradients of every " + name + " times " + factor;
            }
        };
    }
}
