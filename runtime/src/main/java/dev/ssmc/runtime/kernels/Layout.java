package dev.ssmc.runtime.kernels;

import java.util.function.IntUnaryOperator;

/**
 * Moving a dense tensor between index orders: {@code out[to] = sum over letters of from missing
 * from to of x[from]}, broadcast over letters of {@code to} missing from {@code from}. One loop
 * serves permutation, reduction and broadcasting; it is glue between the contraction kernels, not
 * a hot kernel (the innermost letter of {@code to} runs contiguously).
 */
public final class Layout {
    private Layout() {
    }

    /** Writes (overwrites) {@code out}; tensors are row-major in their index strings' order. */
    public static void map(String from, float[] x, String to, float[] out, IntUnaryOperator sizeOf) {
        long start = KernelMeter.start();
        permute(from, x, to, out, sizeOf);
        KernelMeter.stop("layout", start, 0);
    }

    private static void permute(String from, float[] x, String to, float[] out, IntUnaryOperator sizeOf) {
        int nt = to.length();
        int[] size = new int[nt];
        long total = 1;
        for (int i = 0; i < nt; i++) {
            size[i] = sizeOf.applyAsInt(to.charAt(i));
            total *= size[i];
        }
        // the letters only x has are summed: iterate them in an inner odometer
        StringBuilder summed = new StringBuilder();
        for (char c : from.toCharArray()) {
            if (to.indexOf(c) < 0) {
                summed.append(c);
            }
        }
        int[] xStride = strides(from, sizeOf);
        int[] toStrideInX = new int[nt];
        for (int i = 0; i < nt; i++) {
            int p = from.indexOf(to.charAt(i));
            toStrideInX[i] = p < 0 ? 0 : xStride[p];
        }
        int ns = summed.length();
        int[] sSize = new int[ns];
        int[] sStride = new int[ns];
        long sumCount = 1;
        for (int i = 0; i < ns; i++) {
            int p = from.indexOf(summed.charAt(i));
            sSize[i] = sizeOf.applyAsInt(summed.charAt(i));
            sStride[i] = xStride[p];
            sumCount *= sSize[i];
        }
        if (total == 0) {
            return;
        }
        if (ns == 0 && nt >= 2 && transposeTiled(from, x, to, out, sizeOf, size, xStride)) {
            return;
        }
        if (ns == 0 && broadcastInnermost(from, x, to, out, sizeOf, size)) {
            return;
        }
        // Outer odometer over all letters of `to` but the last; the last runs as a strided inner loop.
        int inner = nt == 0 ? 1 : size[nt - 1];
        int innerStride = nt == 0 ? 0 : toStrideInX[nt - 1];
        int[] sIdx = new int[ns];
        long outer = total / inner;
        int[] idx = new int[Math.max(0, nt - 1)];
        int base = 0;
        int o = 0;
        for (long q = 0; q < outer; q++) {
            if (ns == 0) {
                if (innerStride == 1) {
                    System.arraycopy(x, base, out, o, inner);
                } else {
                    for (int i = 0, xi = base; i < inner; i++, xi += innerStride) {
                        out[o + i] = x[xi];
                    }
                }
            } else {
                for (int i = 0, xi = base; i < inner; i++, xi += innerStride) {
                    double sum = 0;
                    java.util.Arrays.fill(sIdx, 0);
                    int off = 0;
                    for (long k = 0; k < sumCount; k++) {
                        sum += x[xi + off];
                        for (int d = ns - 1; d >= 0; d--) {
                            off += sStride[d];
                            if (++sIdx[d] < sSize[d]) {
                                break;
                            }
                            off -= sStride[d] * sSize[d];
                            sIdx[d] = 0;
                        }
                    }
                    out[o + i] = (float) sum;
                }
            }
            o += inner;
            for (int d = nt - 2; d >= 0; d--) {
                base += toStrideInX[d];
                if (++idx[d] < size[d]) {
                    break;
                }
                base -= toStrideInX[d] * size[d];
                idx[d] = 0;
            }
        }
    }

    /** Tile edge of the blocked transpose: 16 x 16 floats stay in L1 on both sides. */
    private static final int TILE = 16;

    /**
     * A pure permutation whose output-contiguous letter is not the input-contiguous one: a
     * transpose of those two letters in tiles, so that both the reads and the writes run along
     * cache lines (the plain loop reads with a large stride). Returns false when it does not apply.
     */
    private static boolean transposeTiled(String from, float[] x, String to, float[] out, IntUnaryOperator sizeOf,
                                          int[] size, int[] xStride) {
        int nt = to.length();
        char a = to.charAt(nt - 1);               // contiguous in out
        char b = from.charAt(from.length() - 1);  // contiguous in x
        if (a == b || from.length() != nt) {
            return false;
        }
        int ta = nt - 1;
        int tb = to.indexOf(b);
        int sizeA = size[ta];
        int sizeB = size[tb];
        // gathers need only a vector's worth of the output's letter; tiles need both letters thick
        boolean vector = VectorSupport.enabled() && sizeA >= LayoutVector.lanes();
        if (!vector && (sizeA < TILE / 2 || sizeB < TILE / 2)) {
            return false; // too thin to be worth tiles
        }
        int[] outStride = new int[nt];
        int acc = 1;
        for (int i = nt - 1; i >= 0; i--) {
            outStride[i] = acc;
            acc *= size[i];
        }
        int strideAinX = xStride[from.indexOf(a)];
        int strideBinOut = outStride[tb];
        // the other letters: their sizes and strides in x and out
        int others = nt - 2;
        int[] oSize = new int[others];
        int[] oX = new int[others];
        int[] oOut = new int[others];
        int k = 0;
        for (int i = 0; i < nt; i++) {
            if (i != ta && i != tb) {
                oSize[k] = size[i];
                oX[k] = xStride[from.indexOf(to.charAt(i))];
                oOut[k] = outStride[i];
                k++;
            }
        }
        int count = 1;
        for (int i = 0; i < others; i++) {
            count *= oSize[i];
        }
        // pieces: each joint position of the other letters, times blocks of TILE of b; split between threads
        int blocks = (sizeB + TILE - 1) / TILE;
        int[] rows = vector ? LayoutVector.rows(strideAinX) : null;
        long work = (long) count * sizeA * sizeB;
        if (Parallel.splits(count * blocks, 1, work)) {
            Parallel.forRange(count * blocks, 1, work, (p0, p1) -> transposePieces(p0, p1, blocks, others, oSize, oX,
                    oOut, sizeA, sizeB, strideAinX, strideBinOut, vector, rows, x, out));
        } else {
            transposePieces(0, count * blocks, blocks, others, oSize, oX, oOut, sizeA, sizeB, strideAinX, strideBinOut,
                    vector, rows, x, out); // allocates nothing
        }
        return true;
    }

    /** Pieces {@code [p0, p1)} of {@link #transposeTiled}: a joint position of the other letters times a block of b. */
    private static void transposePieces(int p0, int p1, int blocks, int others, int[] oSize, int[] oX, int[] oOut,
                                        int sizeA, int sizeB, int strideAinX, int strideBinOut, boolean vector,
                                        int[] rows, float[] x, float[] out) {
        for (int p = p0; p < p1; p++) {
            int q = p / blocks;
            int baseX = 0;
            int baseOut = 0;
            for (int d = others - 1; d >= 0; d--) {
                int i = q % oSize[d];
                q /= oSize[d];
                baseX += i * oX[d];
                baseOut += i * oOut[d];
            }
            int b0 = p % blocks * TILE;
            int b1 = Math.min(sizeB, b0 + TILE);
            int aStart = vector ? LayoutVector.transpose(x, baseX, strideAinX, sizeA, b0, b1, out, baseOut,
                    strideBinOut, rows) : 0;
            for (int a0 = aStart; a0 < sizeA; a0 += TILE) {
                int a1 = Math.min(sizeA, a0 + TILE);
                for (int j = b0; j < b1; j++) {
                    int o = baseOut + j * strideBinOut;
                    int xi = baseX + j;
                    for (int i = a0; i < a1; i++) {
                        out[o + i] = x[xi + i * strideAinX];
                    }
                }
            }
        }
    }

    /**
     * A map whose new letters (broadcast, not in {@code from}) are all innermost in {@code to}:
     * the other letters mapped first (by the fast paths), then each element repeated in place.
     * Returns false when it does not apply.
     */
    private static boolean broadcastInnermost(String from, float[] x, String to, float[] out, IntUnaryOperator sizeOf,
                                              int[] size) {
        int k = to.length();
        int repeat = 1;
        while (k > 0 && from.indexOf(to.charAt(k - 1)) < 0) {
            repeat *= size[--k];
        }
        if (k == 0 || k == to.length() || repeat < 2) {
            return false;
        }
        String head = to.substring(0, k);
        for (int i = 0; i < k; i++) {
            if (from.indexOf(head.charAt(i)) < 0) {
                return false; // a new letter between old ones
            }
        }
        float[] mapped = map(from, x, head, sizeOf);
        int o = 0;
        for (float v : mapped) {
            for (int r = 0; r < repeat; r++) {
                out[o++] = v;
            }
        }
        return true;
    }

    /** A new array with {@code x} mapped from {@code from} to {@code to}. */
    public static float[] map(String from, float[] x, String to, IntUnaryOperator sizeOf) {
        float[] out = new float[Math.toIntExact(count(to, sizeOf))];
        map(from, x, to, out, sizeOf);
        return out;
    }

    /** The number of elements of a tensor with these letters. */
    public static long count(String letters, IntUnaryOperator sizeOf) {
        long n = 1;
        for (char c : letters.toCharArray()) {
            n *= sizeOf.applyAsInt(c);
        }
        return n;
    }

    static int[] strides(String letters, IntUnaryOperator sizeOf) {
        int[] s = new int[letters.length()];
        int acc = 1;
        for (int i = letters.length() - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= sizeOf.applyAsInt(letters.charAt(i));
        }
        return s;
    }
}
