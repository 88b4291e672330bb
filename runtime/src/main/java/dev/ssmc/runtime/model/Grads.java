package dev.ssmc.runtime.model;

import java.util.HashMap;
import java.util.Map;

/** Parameter gradients by checkpoint key, accumulated over a backward pass. */
public final class Grads {
    private final Map<String, float[]> byKey = new HashMap<>();

    /** The gradient array of a parameter of {@code size} elements, created as zeros on first use. */
    public float[] of(String key, int size) {
        return byKey.computeIfAbsent(key, k -> new float[size]);
    }

    public void add(String key, float[] g) {
        float[] acc = of(key, g.length);
        for (int i = 0; i < g.length; i++) {
            acc[i] += g[i];
        }
    }

    public float[] get(String key) {
        return byKey.get(key);
    }

    public Map<String, float[]> asMap() {
        return byKey;
    }
}
