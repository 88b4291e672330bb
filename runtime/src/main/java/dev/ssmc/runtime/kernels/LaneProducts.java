package dev.ssmc.runtime.kernels;

import dev.ssmc.runtime.kernels.Contract.View;

/**
 * The contractions of {@link Contract} whose innermost letter is a batch letter laid out
 * contiguously in both operands and the output: {@code out[.., f] = sum_k a[.., k, .., f] b[.., k, .., f]}.
 * Channel mixing in frequency has this shape ({@code fft(u)[b,c,f] K[d,c,f] -> [b,d,f]}): for each
 * of thousands of frequencies a product of a few channels, whose operands are strided by the
 * frequency count. Packing each for a matrix product costs more than the product, so instead
 * every output row is a sum over the contracted letters of lane-wise products along {@code f},
 * accumulated in registers, over tiles of {@code f} small enough that the operand rows a tile
 * touches stay in cache while they are reused for every row and column of the output.
 */
final class LaneProducts {
    /** Frequencies per tile: with up to 64 contracted rows of both parts, 256 KiB of operands. */
    static final int TILE = 512;
    /** Above this many multiply-adds per lane, register-blocked matrix products win despite packing. */
    private static final long LARGE_PRODUCT = 65536;

    private final float[] aRe;
    private final float[] aIm;
    private final float[] bRe;
    private final float[] bIm;
    private final float[] cRe;
    private final float[] cIm;
    private final int lanes;
    /** Offsets of each output row (batch letters other than f, rows, columns) in a, b and out. */
    private final int[] aRow;
    private final int[] bRow;
    private final int[] cRow;
    /** Offsets of each combination of contracted letters in a and b. */
    private final int[] aInner;
    private final int[] bInner;

    /** Whether the lane path applies; unless forced, also whether it is the faster one. */
    static boolean applies(View a, View b, View out, String batch, String inner, boolean force) {
        if (out.idx.isEmpty()) {
            return false;
        }
        char f = out.idx.charAt(out.idx.length() - 1);
        if (batch.indexOf(f) < 0 || a.stride(f) != 1 || b.stride(f) != 1) {
            return false;
        }
        if (force) {
            return true;
        }
        int lanes = out.size[out.idx.length() - 1];
        long perLane = out.count() / lanes;
        for (char c : inner.toCharArray()) {
            perLane *= a.size[a.idx.indexOf(c)];
        }
        return lanes >= 32 && perLane <= LARGE_PRODUCT;
    }

    LaneProducts(View a, View b, View out, String batch, String rows, String cols, String inner) {
        // Put a complex operand first: the kernels take (complex x, real y) when only one is complex.
        if (a.im == null && b.im != null) {
            View t = a;
            a = b;
            b = t;
        }
        aRe = a.re;
        aIm = a.im;
        bRe = b.re;
        bIm = b.im;
        cRe = out.re;
        cIm = out.im;
        lanes = out.size[out.idx.length() - 1];
        String outer = out.idx.substring(0, out.idx.length() - 1);
        int rowCount = (int) (out.count() / lanes);
        aRow = new int[rowCount];
        bRow = new int[rowCount];
        cRow = new int[rowCount];
        offsets(outer, out, a, b, out, aRow, bRow, cRow);
        int innerCount = 1;
        for (char c : inner.toCharArray()) {
            innerCount *= a.size[a.idx.indexOf(c)];
        }
        aInner = new int[innerCount];
        bInner = new int[innerCount];
        offsets(inner, a, a, b, null, aInner, bInner, null);
    }

    /** Offsets in x, y (and z) of every combination of {@code letters} (sizes from {@code sized}), odometer order. */
    private static void offsets(String letters, View sized, View x, View y, View z, int[] xo, int[] yo, int[] zo) {
        int d = letters.length();
        int[] idx = new int[d];
        int xOff = 0;
        int yOff = 0;
        int zOff = 0;
        for (int r = 0; r < xo.length; r++) {
            xo[r] = xOff;
            yo[r] = yOff;
            if (zo != null) {
                zo[r] = zOff;
            }
            for (int p = d - 1; p >= 0; p--) {
                char c = letters.charAt(p);
                int n = sized.size[sized.idx.indexOf(c)];
                xOff += x.stride(c);
                yOff += y.stride(c);
                zOff += z == null ? 0 : z.stride(c);
                if (++idx[p] < n) {
                    break;
                }
                xOff -= x.stride(c) * n;
                yOff -= y.stride(c) * n;
                zOff -= z == null ? 0 : z.stride(c) * n;
                idx[p] = 0;
            }
        }
    }

    /** Multiply-adds of the sums: rows x lanes x contracted positions, four real ones per complex product. */
    static long work(long rows, long lanes, long inner, boolean bothComplex) {
        return rows * lanes * inner * (bothComplex ? 4 : 1);
    }

    void run(boolean vector) {
        long work = work(cRow.length, lanes, aInner.length, aIm != null && bIm != null);
        Parallel.forRange(cRow.length, 1, work, (r0, r1) -> {
            for (int t0 = 0; t0 < lanes; t0 += TILE) {
                int len = Math.min(TILE, lanes - t0);
                for (int r = r0; r < r1; r++) {
                    row(len, aRow[r] + t0, bRow[r] + t0, cRow[r] + t0, vector);
                }
            }
        });
    }

    private void row(int len, int ao, int bo, int co, boolean vector) {
        int i = 0;
        if (aIm == null) {
            if (vector) {
                i = LaneProductsVector.real(len, aRe, ao, aInner, bRe, bo, bInner, cRe, co);
            }
            real(i, len, aRe, ao, aInner, bRe, bo, bInner, cRe, co); // both real: Contract zeroed any imaginary part
        } else if (bIm == null) {
            if (vector) {
                i = LaneProductsVector.real(len, aRe, ao, aInner, bRe, bo, bInner, cRe, co);
            }
            real(i, len, aRe, ao, aInner, bRe, bo, bInner, cRe, co);
            if (cIm != null) {
                i = vector ? LaneProductsVector.real(len, aIm, ao, aInner, bRe, bo, bInner, cIm, co) : 0;
                real(i, len, aIm, ao, aInner, bRe, bo, bInner, cIm, co);
            }
        } else {
            if (vector) {
                i = LaneProductsVector.complex(len, aRe, aIm, ao, aInner, bRe, bIm, bo, bInner, cRe, cIm, co);
            }
            complex(i, len, aRe, aIm, ao, aInner, bRe, bIm, bo, bInner, cRe, cIm, co);
        }
    }

    /** {@code z[zo+i] = sum_k x[xo+xk[k]+i] y[yo+yk[k]+i]} for {@code i} in {@code [from, len)}. */
    static void real(int from, int len, float[] x, int xo, int[] xk, float[] y, int yo, int[] yk, float[] z, int zo) {
        for (int i = from; i < len; i++) {
            float s = 0;
            for (int k = 0; k < xk.length; k++) {
                s += x[xo + xk[k] + i] * y[yo + yk[k] + i];
            }
            z[zo + i] = s;
        }
    }

    /** The complex sum of products; the imaginary part only when {@code zIm != null}. */
    static void complex(int from, int len, float[] xRe, float[] xIm, int xo, int[] xk, float[] yRe, float[] yIm,
                        int yo, int[] yk, float[] zRe, float[] zIm, int zo) {
        for (int i = from; i < len; i++) {
            float re = 0;
            float im = 0;
            for (int k = 0; k < xk.length; k++) {
                int xi = xo + xk[k] + i;
                int yi = yo + yk[k] + i;
                re += xRe[xi] * yRe[yi] - xIm[xi] * yIm[yi];
                im += xRe[xi] * yIm[yi] + xIm[xi] * yRe[yi];
            }
            zRe[zo + i] = re;
            if (zIm != null) {
                zIm[zo + i] = im;
            }
        }
    }
}
