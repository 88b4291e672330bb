package dev.ssmc.runtime.plan;

import java.util.HashMap;
import java.util.Map;

/**
 * What a generated block computed from its weights alone (kernels, their spectra), kept between
 * calls: the forward pass makes a kernel's spectrum, the backward pass of the same training step
 * and every later inference call reuse it. Entries belong to one set of discretized weights (the
 * {@code owner}, replaced whenever the weights change) and one sequence length; asking with
 * another owner or length empties the cache. Values above {@link #KEEP_LIMIT} floats (4 MB) are
 * not kept: recomputing them costs little next to the contractions that use them, and long
 * sequences should not pin their kernels. Thread-safe.
 */
public final class PlanCache {
    static final long KEEP_LIMIT = 1 << 20;

    private Object owner;
    private int length = -1;
    private final Map<String, float[][]> values = new HashMap<>();

    /** The value computed for {@code key}, or null when there is none for this owner and length. */
    public synchronized float[][] get(Object owner, int length, String key) {
        if (owner != this.owner || length != this.length) {
            values.clear();
            this.owner = owner;
            this.length = length;
            return null;
        }
        return values.get(key);
    }

    /**
     * Keeps {@code re} (and {@code im}, null for a real value) for {@code key} and returns them as
     * {@code {re, im}}. Callers must not change the arrays afterwards.
     */
    public synchronized float[][] put(Object owner, int length, String key, float[] re, float[] im) {
        float[][] v = {re, im};
        long size = (long) re.length + (im == null ? 0 : im.length);
        if (owner == this.owner && length == this.length && size <= KEEP_LIMIT) {
            values.put(key, v);
        }
        return v;
    }
}
