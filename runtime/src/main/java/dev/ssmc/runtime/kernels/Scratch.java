package dev.ssmc.runtime.kernels;

/**
 * Per-thread work arrays for kernels that need intermediates, by slot, grown on demand and kept
 * so steady-state calls allocate nothing. Arrays above {@link #KEEP_LIMIT} floats are handed out
 * fresh and not kept: an occasional huge intermediate should not pin its memory to the thread.
 * Each kernel class owns its slots, and no kernel holds a slot across a call to another kernel
 * that uses the same slot.
 */
final class Scratch {
    static final int KEEP_LIMIT = 1 << 22;
    static final int SLOTS = 24;

    private static final ThreadLocal<float[][]> ARRAYS = ThreadLocal.withInitial(() -> new float[SLOTS][0]);

    private Scratch() {
    }

    /** An array of at least {@code size} floats, contents unspecified. */
    static float[] get(int slot, long size) {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("intermediate of " + size + " floats does not fit in an array");
        }
        float[][] arrays = ARRAYS.get();
        float[] a = arrays[slot];
        if (a.length >= size) {
            return a;
        }
        a = new float[(int) size];
        if (size <= KEEP_LIMIT) {
            arrays[slot] = a;
        }
        return a;
    }
}
