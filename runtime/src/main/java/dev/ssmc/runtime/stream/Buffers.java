package dev.ssmc.runtime.stream;

/** Small helpers of the stream nodes: growing scratch arrays and checking call arguments without allocating. */
final class Buffers {
    private Buffers() {
    }

    /** {@code a} if it holds {@code size} floats, else a new array of that size (contents are not kept). */
    static float[] atLeast(float[] a, long size) {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a buffer of " + size + " floats does not fit an array");
        }
        return a != null && a.length >= size ? a : new float[(int) size];
    }

    /** Checks that {@code frames} frames of {@code channels} channels from {@code off} fit {@code a}. */
    static void checkFrames(String name, float[] a, int off, int frames, int channels) {
        if (frames < 0) {
            throw new IllegalArgumentException("frames must not be negative, got " + frames);
        }
        long need = (long) frames * channels;
        if (off < 0 || off + need > a.length) {
            throw new IndexOutOfBoundsException(name + ": " + frames + " frames of " + channels + " channels from "
                    + off + " do not fit an array of " + a.length);
        }
    }

    /** {@code x * y} for sizing, failing instead of overflowing. */
    static int frames(long n) {
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " frames do not fit one call");
        }
        return (int) n;
    }
}
