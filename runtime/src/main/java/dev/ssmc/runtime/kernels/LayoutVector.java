package dev.ssmc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link Layout}'s transposes: a vector of the output's contiguous letter
 * is gathered from the input (one element per row, rows {@code strideA} apart) and stored whole.
 * Stepping the input's contiguous letter innermost, each gather reads the next element of the same
 * rows, so a row's cache line serves a vector's worth of gathers. Only loaded when a kernel takes
 * its vector path.
 */
final class LayoutVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();

    private LayoutVector() {
    }

    /** Floats per vector. */
    static int lanes() {
        return W;
    }

    /**
     * {@code out[o + j*strideBOut + i] = x[xi + j + i*strideA]} for {@code i < sizeA},
     * {@code b0 <= j < b1}, in whole vectors of {@code i}; returns the first {@code i} left to the
     * scalar tail.
     */
    static int transpose(float[] x, int xi, int strideA, int sizeA, int b0, int b1, float[] out, int o,
                         int strideBOut, int[] rows) {
        int end = sizeA - sizeA % W;
        for (int i0 = 0; i0 < end; i0 += W) {
            int from = xi + i0 * strideA;
            int to = o + i0;
            for (int j = b0; j < b1; j++) {
                FloatVector.fromArray(S, x, from + j, rows, 0).intoArray(out, to + j * strideBOut);
            }
        }
        return end;
    }

    /** The gather's offsets for rows {@code strideA} apart. */
    static int[] rows(int strideA) {
        int[] rows = new int[W];
        for (int i = 0; i < W; i++) {
            rows[i] = i * strideA;
        }
        return rows;
    }
}
