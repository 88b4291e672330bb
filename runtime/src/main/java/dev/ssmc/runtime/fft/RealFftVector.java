package dev.ssmc.runtime.fft;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RealFft}'s steps around the complex transform for a group of a vector's width of rows,
 * interleaved (element {@code e} of row {@code b} at {@code b + W*e}): packing the rows in,
 * separating the even/odd spectra (and the inverse's combining) and unpacking the rows out. Only
 * loaded when the vector path is taken.
 *
 * <p>Why: done row by row, each of these steps reads or writes the interleaved buffers with a
 * stride of {@code W} floats, one cache line per element, so the whole buffers (a megabyte at
 * {@code n = 8192}) were streamed from L2 once per row; together they took more time than the
 * butterflies. Here the separation works on all {@code W} rows of a bin at once (they are
 * contiguous: one vector), with the same operations per element as {@link RealFft}'s scalar
 * code, so the results are the same. The moves between the row-major arrays and the interleaved
 * buffers are gathers: into the buffers, element {@code e} of the {@code W} rows gathered is one
 * vector of the buffer (the rows' cache lines stay in L1 while {@code e} runs on); out of them,
 * {@code W} elements of one row gathered at stride {@code W} are one vector of the row, tile by
 * tile ({@link #TILE} elements of every row), so that the strided side stays in L1. (Measured at
 * n = 8192, 16 rows: the gathers took a third less time than tiles of scalar moves, except for the
 * inverse's output, see {@link #unpackPairs}.) The separation is done in place, tile by tile, just
 * before the tile is unpacked (the combination just after it is packed): a bin pair
 * {@code (k, m-k)} only reads and writes its own two bins, so each tile's pairs go through the
 * cache once.
 */
final class RealFftVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();
    /**
     * Elements per row in a tile: a tile of the interleaved buffers is {@code TILE*W} floats (8 KB
     * for 16 lanes), so the separation's two tiles of two buffers (32 KB) stay in L1 while their
     * rows are written. Measured at n = 8192, 16 rows: 128 took about 10% less time per
     * transform than 64, 32 and 256.
     */
    private static final int TILE = 128;
    /** Lane i at interleaved element i of one row: the gather of {@code W} elements of a row. */
    private static final int[] ACROSS_ELEMENTS = new int[W];
    /** Gather offsets of the rows of the current call ({@link #rowOffsets}), kept so calls allocate nothing. */
    private static final ThreadLocal<int[]> ROW_OFFSETS = ThreadLocal.withInitial(() -> new int[W]);

    static {
        for (int i = 0; i < W; i++) {
            ACROSS_ELEMENTS[i] = W * i;
        }
    }

    private RealFftVector() {
    }

    /**
     * Forward transform of rows {@code row0 .. row0+rows-1}, {@code rows <= W} (the lanes past a
     * partial group's rows are transformed too, from copies of its last row, and dropped); the buffers are {@link RealFft}'s
     * scratch, each at least {@code (complex.n + 1) * W} long (bin {@code m} of an even size is
     * made next to the half-size transform's {@code m} values).
     */
    static void forwardGroup(RealFft plan, float[] x, int xOff, int xStride, int len, float[] re, float[] im,
                             int outOff, int outStride, int row0, int rows, float[][] buf) {
        int cn = plan.complex.n;
        float[] r0 = buf[0];
        float[] i0 = buf[1];
        int xo = xOff + row0 * xStride;
        int used;
        if (plan.even) {
            packPairs(x, xo, xStride, rows, len, r0, i0);
            used = (len + 1) / 2;
            java.util.Arrays.fill(i0, used * W, cn * W, 0f);
        } else {
            toInterleaved(x, xo, xStride, rows, 0, len, r0);
            used = len;
            java.util.Arrays.fill(i0, 0, cn * W, 0f);
        }
        java.util.Arrays.fill(r0, used * W, cn * W, 0f);
        boolean inOne = plan.complex.forward(r0, i0, buf[2], buf[3], W, true);
        float[] zr = inOne ? buf[2] : r0;
        float[] zi = inOne ? buf[3] : i0;
        int o = outOff + row0 * outStride;
        if (plan.even) {
            separate(plan.n / 2, plan.wRe, plan.wIm, zr, zi, re, im, o, outStride, rows);
        } else {
            java.util.Arrays.fill(zi, 0, W, 0f);
            toRows(zr, 0, plan.bins(), 1f, re, o, outStride, rows);
            toRows(zi, 0, plan.bins(), 1f, im, o, outStride, rows);
        }
    }

    /** Inverse transform of rows {@code row0 .. row0+rows-1}; rows and buffers as for {@link #forwardGroup}. */
    static void inverseGroup(RealFft plan, float[] re, float[] im, int inOff, int inStride, float[] y, int yOff,
                             int yStride, int len, int row0, int rows, float[][] buf) {
        int n = plan.n;
        float[] r0 = buf[0];
        float[] i0 = buf[1];
        int in = inOff + row0 * inStride;
        if (plan.even) {
            combine(n / 2, plan.wRe, plan.wIm, re, im, in, inStride, rows, r0, i0);
        } else {
            int bins = plan.bins();
            toInterleaved(re, in, inStride, rows, 0, bins, r0);
            toInterleaved(im, in, inStride, rows, 0, bins, i0);
            java.util.Arrays.fill(i0, 0, W, 0f);
            // The other half of the Hermitian spectrum: bin n-k is conj X[k].
            for (int k = 1; k < bins; k++) {
                int from = W * k;
                int to = W * (n - k);
                for (int b = 0; b < W; b++) {
                    r0[to + b] = r0[from + b];
                    i0[to + b] = -i0[from + b];
                }
            }
        }
        // The inverse is the forward transform with real and imaginary parts swapped.
        boolean inOne = plan.complex.forward(i0, r0, buf[3], buf[2], W, true);
        float[] zr = inOne ? buf[2] : r0;
        float[] zi = inOne ? buf[3] : i0;
        float scale = 1f / n;
        int yo = yOff + row0 * yStride;
        if (plan.even) {
            unpackPairs(zr, zi, scale, y, yo, yStride, rows, len);
        } else {
            toRows(zr, 0, len, scale, y, yo, yStride, rows);
        }
    }

    /**
     * {@link RealFft}'s separation for {@code W} rows at once, in place in the interleaved
     * {@code (zr, zi)} (bin {@code m} goes to the extra slot after the transform's {@code m}
     * values), each tile of bin pairs unpacked to the rows as soon as it is made.
     */
    private static void separate(int m, float[] wRe, float[] wIm, float[] zr, float[] zi,
                                 float[] re, float[] im, int o, int outStride, int rows) {
        FloatVector z0r = FloatVector.fromArray(S, zr, 0);
        FloatVector z0i = FloatVector.fromArray(S, zi, 0);
        z0r.add(z0i).intoArray(zr, 0);
        z0r.sub(z0i).intoArray(zr, W * m);
        FloatVector zero = FloatVector.zero(S);
        zero.intoArray(zi, 0);
        zero.intoArray(zi, W * m);
        int half = m / 2;
        for (int k0 = 0; k0 <= half; k0 += TILE) {
            int k1 = Math.min(k0 + TILE, half + 1);
            for (int k = Math.max(k0, 1); k < k1; k++) {
                int ik = W * k;
                int ic = W * (m - k);
                FloatVector ar = FloatVector.fromArray(S, zr, ik);
                FloatVector ai = FloatVector.fromArray(S, zi, ik);
                FloatVector br = FloatVector.fromArray(S, zr, ic);
                FloatVector bi = FloatVector.fromArray(S, zi, ic);
                FloatVector er = ar.add(br).mul(0.5f);
                FloatVector ei = ai.sub(bi).mul(0.5f);
                FloatVector or = ai.add(bi).mul(0.5f);
                FloatVector oi = br.sub(ar).mul(0.5f);
                float wr = wRe[k];
                float wi = wIm[k];
                FloatVector pr = or.mul(wr).sub(oi.mul(wi));
                FloatVector pi = oi.mul(wr).add(or.mul(wi));
                er.add(pr).intoArray(zr, ik);
                ei.add(pi).intoArray(zi, ik);
                // For k = m - k (m even, the middle bin) this store wins, as in the scalar code.
                er.sub(pr).intoArray(zr, ic);
                pi.sub(ei).intoArray(zi, ic);
            }
            // Bins k0..k1-1 and their mirrors m-k1+1..m-k0 (bin m with the first tile).
            toRows(zr, k0, k1, 1f, re, o, outStride, rows);
            toRows(zi, k0, k1, 1f, im, o, outStride, rows);
            toRows(zr, m - k1 + 1, m - k0 + 1, 1f, re, o, outStride, rows);
            toRows(zi, m - k1 + 1, m - k0 + 1, 1f, im, o, outStride, rows);
        }
    }

    /**
     * {@link RealFft}'s combination for {@code W} rows at once: each tile of bin pairs is packed
     * from the rows into the interleaved {@code (zr, zi)} (bin {@code m} into the extra slot) and
     * combined there in place.
     */
    private static void combine(int m, float[] wRe, float[] wIm, float[] re, float[] im, int in, int inStride,
                                int rows, float[] zr, float[] zi) {
        int half = m / 2;
        for (int k0 = 0; k0 <= half; k0 += TILE) {
            int k1 = Math.min(k0 + TILE, half + 1);
            toInterleaved(re, in, inStride, rows, k0, k1, zr);
            toInterleaved(im, in, inStride, rows, k0, k1, zi);
            toInterleaved(re, in, inStride, rows, m - k1 + 1, m - k0 + 1, zr);
            toInterleaved(im, in, inStride, rows, m - k1 + 1, m - k0 + 1, zi);
            if (k0 == 0) {
                FloatVector x0 = FloatVector.fromArray(S, zr, 0);
                FloatVector xm = FloatVector.fromArray(S, zr, W * m);
                x0.add(xm).intoArray(zr, 0);
                x0.sub(xm).intoArray(zi, 0);
            }
            for (int k = Math.max(k0, 1); k < k1; k++) {
                int ik = W * k;
                int ic = W * (m - k);
                FloatVector ar = FloatVector.fromArray(S, zr, ik);
                FloatVector ai = FloatVector.fromArray(S, zi, ik);
                FloatVector br = FloatVector.fromArray(S, zr, ic);
                FloatVector bi = FloatVector.fromArray(S, zi, ic);
                FloatVector er = ar.add(br);
                FloatVector ei = ai.sub(bi);
                FloatVector dr = ar.sub(br);
                FloatVector di = ai.add(bi);
                float wr = wRe[k];
                float wi = wIm[k];
                FloatVector or = dr.mul(wr).add(di.mul(wi));
                FloatVector oi = di.mul(wr).sub(dr.mul(wi));
                er.sub(oi).intoArray(zr, ik);
                ei.add(or).intoArray(zi, ik);
                er.add(oi).intoArray(zr, ic);
                or.sub(ei).intoArray(zi, ic);
            }
        }
    }

    /** The rows' samples as pairs {@code z[j] = x[2j] + i x[2j+1]} (an odd length's last with 0). */
    private static void packPairs(float[] x, int xo, int xStride, int count, int len, float[] zr, float[] zi) {
        int[] rows = rowOffsets(xStride, count);
        int pairs = len / 2;
        for (int j = 0, e = 0; j < pairs; j++, e += W) {
            FloatVector.fromArray(S, x, xo + 2 * j, rows, 0).intoArray(zr, e);
            FloatVector.fromArray(S, x, xo + 2 * j + 1, rows, 0).intoArray(zi, e);
        }
        if ((len & 1) == 1) {
            FloatVector.fromArray(S, x, xo + len - 1, rows, 0).intoArray(zr, W * pairs);
            FloatVector.zero(S).intoArray(zi, W * pairs);
        }
    }

    /**
     * The inverse of {@link #packPairs}, scaled: the first {@code len} samples of each row. Tiles
     * of scalar moves: a gather of each row's pairs with a scatter (or a zip) of the two halves
     * was no faster here.
     */
    private static void unpackPairs(float[] zr, float[] zi, float scale, float[] y, int yo, int yStride, int rows,
                                    int len) {
        int pairs = len / 2;
        for (int j0 = 0; j0 < pairs; j0 += TILE) {
            int j1 = Math.min(j0 + TILE, pairs);
            for (int b = 0, row = yo; b < rows; b++, row += yStride) {
                for (int j = j0, e = b + W * j0; j < j1; j++, e += W) {
                    y[row + 2 * j] = zr[e] * scale;
                    y[row + 2 * j + 1] = zi[e] * scale;
                }
            }
        }
        if ((len & 1) == 1) {
            for (int b = 0, row = yo; b < rows; b++, row += yStride) {
                y[row + len - 1] = zr[b + W * pairs] * scale;
            }
        }
    }

    /** Elements {@code from..to-1} of {@code W} rows ({@code src[so + b*stride + e]}) into interleaved {@code dst}. */
    private static void toInterleaved(float[] src, int so, int stride, int count, int from, int to, float[] dst) {
        int[] rows = rowOffsets(stride, count);
        for (int e = from; e < to; e++) {
            FloatVector.fromArray(S, src, so + e, rows, 0).intoArray(dst, W * e);
        }
    }

    /** Elements {@code from..to-1} of interleaved {@code src}, times {@code scale}, into {@code W} rows of {@code dst}. */
    private static void toRows(float[] src, int from, int to, float scale, float[] dst, int o, int stride, int rows) {
        for (int e0 = from; e0 < to; e0 += TILE) {
            int e1 = Math.min(e0 + TILE, to);
            int vectorEnd = e0 + (e1 - e0) / W * W;
            for (int b = 0, row = o; b < rows; b++, row += stride) {
                int e = e0;
                for (; e < vectorEnd; e += W) {
                    FloatVector.fromArray(S, src, b + W * e, ACROSS_ELEMENTS, 0).mul(scale).intoArray(dst, row + e);
                }
                for (; e < e1; e++) {
                    dst[row + e] = src[b + W * e] * scale;
                }
            }
        }
    }

    /** Lane b at row b of rows {@code stride} apart: the gather of one element of every row. */
    private static int[] rowOffsets(int stride, int rows) {
        int[] offsets = ROW_OFFSETS.get();
        for (int b = 0; b < W; b++) {
            // Lanes past a partial group's rows read its last row again (their results are dropped).
            offsets[b] = Math.min(b, rows - 1) * stride;
        }
        return offsets;
    }
}
