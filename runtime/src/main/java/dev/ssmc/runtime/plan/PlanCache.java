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
 *
 * <p>The cache keeps copies of what it is given (the generated code computes values in its call's
 * workspace). When the weights change, as they do after every training step, the next values of
 * a key are copied into the arrays of the last owner's, so that training keeps no allocation
 * here either. Only a change of owner recycles: a caller still reading a value of the old weights
 * would be racing with their update anyway, while two threads asking with different lengths each
 * keep reading valid arrays.
 */
public final class PlanCache {
    static final long KEEP_LIMIT = 1 << 20;

    private Object owner;
    private int length = -1;
    private final Map<String, float[][]> values = new HashMap<>();
    /** The last owner's values, whose arrays the next values of the same keys are copied into. */
    private Map<String, float[][]> recycled = new HashMap<>();

    /** The value computed for {@code key}, or null when there is none for this owner and length. */
    public synchronized float[][] get(Object owner, int length, String key) {
        if (owner != this.owner || length != this.length) {
            if (owner != this.owner && length == this.length) {
                recycled = new HashMap<>(values);
            } else {
                recycled.clear();
            }
            values.clear();
            this.owner = owner;
            this.length = length;
            return null;
        }
        return values.get(key);
    }

    /**
     * Keeps a copy of {@code re} (and {@code im}, null for a real value) for {@code key}, when it is
     * small enough, and returns {@code {re, im}} as given: valid for the rest of the caller's call.
     */
    public synchronized float[][] put(Object owner, int length, String key, float[] re, float[] im) {
        long size = (long) re.length + (im == null ? 0 : im.length);
        if (owner == this.owner && length == this.length && size <= KEEP_LIMIT) {
            float[][] old = recycled.remove(key);
            values.put(key, new float[][] {copy(re, old == null ? null : old[0]), im == null ? null
                    : copy(im, old == null ? null : old[1])});
        }
        return new float[][] {re, im};
    }

    /** {@code from} copied into {@code into} when their lengths agree, else into a new array. */
    private static float[] copy(float[] from, float[] into) {
        float[] to = into != null && into.length == from.length ? into : new float[from.length];
        System.arraycopy(from, 0, to, 0, from.length);
        return to;
    }
}
