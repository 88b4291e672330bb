package dev.ssmc.compiler.oracle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gradients of a loss by the network's trainable parameters, accumulated by checkpoint key
 * while the backward pass walks the ops; each array is flattened like the stored tensor.
 */
final class ParamGradients {
    private final Map<String, double[]> byKey = new LinkedHashMap<>();

    /** The accumulator of {@code key}: zeros of {@code size} the first time it is asked for. */
    double[] of(String key, int size) {
        double[] g = byKey.computeIfAbsent(key, k -> new double[size]);
        if (g.length != size) {
            throw new IllegalStateException("gradient '" + key + "' has " + g.length + " values, asked for " + size);
        }
        return g;
    }

    Map<String, double[]> asMap() {
        return Collections.unmodifiableMap(byKey);
    }
}
