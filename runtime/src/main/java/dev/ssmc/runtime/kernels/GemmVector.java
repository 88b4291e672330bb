package dev.ssmc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link Gemm}: packed B panels and a 4 x 3-vector register tile.
 * Only loaded when a kernel takes its vector path.
 */
final class GemmVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();
    /** Rows of C per micro-kernel call. */
    private static final int MR = 4;
    /** Columns of C per micro-kernel call (and width of a packed B panel): three vectors. */
    private static final int NR = 3 * W;
    /** Rows of B per packed block: a panel (KC x NR floats) stays in L1 while all rows of A pass. */
    private static final int KC = Math.max(64, 8192 / NR * 2);
    /** Columns of B per packed block: KC x NC floats stay in L2. */
    private static final int NC = 16 * NR;
    /** Below this many multiply-adds packing does not pay; the plain loops win. */
    private static final long SMALL = 4096;

    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[KC * NC]);
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private GemmVector() {
    }

    static void gemm(int m, int n, int k, float alpha,
                     float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                     float[] c, int cOff, int crs, int ccs, boolean accumulate) {
        if (n < W && m > n) {
            // Narrow C: compute C^T = B^T A^T so the vectors run along the longer side.
            gemm(n, m, k, alpha, b, bOff, bcs, brs, a, aOff, acs, ars, c, cOff, ccs, crs, accumulate);
            return;
        }
        if (n < W || (long) m * n * k < SMALL) {
            Gemm.scalarKernel(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs, accumulate);
            return;
        }
        float[] pack = PACK.get();
        float[] tile = TILE.get();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;
                pack(kc, nc, b, bOff + pc * brs + jc * bcs, brs, bcs, pack);
                int aBase = aOff + pc * acs;
                for (int jp = 0; jp < panels; jp++) {
                    int j0 = jc + jp * NR;
                    int nr = Math.min(NR, n - j0);
                    int bp = jp * kc * NR;
                    int i = 0;
                    for (; i + MR <= m; i += MR) {
                        kernel4(kc, a, aBase + i * ars, ars, acs, pack, bp,
                                c, cOff + i * crs + j0 * ccs, crs, ccs, nr, alpha, add, tile);
                    }
                    for (; i < m; i++) {
                        kernel1(kc, a, aBase + i * ars, acs, pack, bp, c, cOff + i * crs + j0 * ccs, ccs, nr,
                                alpha, add, tile);
                    }
                }
            }
        }
    }

    /**
     * Packs {@code B[0..kc)[0..nc)} (from {@code b[off + p*brs + j*bcs]}) into panels of NR columns,
     * panel after panel, each {@code [kc][NR]} row-major, the last one zero-padded.
     */
    private static void pack(int kc, int nc, float[] b, int off, int brs, int bcs, float[] pack) {
        for (int j0 = 0, dst = 0; j0 < nc; j0 += NR, dst += kc * NR) {
            int nr = Math.min(NR, nc - j0);
            if (bcs == 1) {
                for (int p = 0; p < kc; p++) {
                    int src = off + p * brs + j0;
                    int d = dst + p * NR;
                    System.arraycopy(b, src, pack, d, nr);
                    if (nr < NR) {
                        java.util.Arrays.fill(pack, d + nr, d + NR, 0f);
                    }
                }
            } else {
                for (int jj = 0; jj < nr; jj++) {
                    int src = off + (j0 + jj) * bcs;
                    for (int p = 0; p < kc; p++) {
                        pack[dst + p * NR + jj] = b[src + p * brs];
                    }
                }
                if (nr < NR) {
                    for (int p = 0; p < kc; p++) {
                        java.util.Arrays.fill(pack, dst + p * NR + nr, dst + (p + 1) * NR, 0f);
                    }
                }
            }
        }
    }

    /** C[0..4)[0..nr) (+)= alpha A[0..4)[0..kc) Bpanel. */
    private static void kernel4(int kc, float[] a, int ai, int ars, int acs, float[] pack, int bp,
                                float[] c, int ci, int crs, int ccs, int nr, float alpha, boolean add,
                                float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c32 = FloatVector.zero(S);
        int a1 = ai + ars;
        int a2 = ai + 2 * ars;
        int a3 = ai + 3 * ars;
        for (int p = 0, pa = 0, pb = bp; p < kc; p++, pa += acs, pb += NR) {
            FloatVector b0 = FloatVector.fromArray(S, pack, pb);
            FloatVector b1 = FloatVector.fromArray(S, pack, pb + W);
            FloatVector b2 = FloatVector.fromArray(S, pack, pb + 2 * W);
            FloatVector x = FloatVector.broadcast(S, a[ai + pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(S, a[a1 + pa]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(S, a[a2 + pa]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
            x = FloatVector.broadcast(S, a[a3 + pa]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            c32 = x.fma(b2, c32);
        }
        // Always through the tile: the accumulators never leave this method, so the JIT never has
        // to box them whatever the shape of the call, and the write-back is one loop for all cases.
        stage(tile, 0, c00, c01, c02);
        stage(tile, NR, c10, c11, c12);
        stage(tile, 2 * NR, c20, c21, c22);
        stage(tile, 3 * NR, c30, c31, c32);
        writeBack(tile, MR, c, ci, crs, ccs, nr, alpha, add);
    }

    /** One row: C[0][0..nr) (+)= alpha A[0][0..kc) Bpanel (the rows left over by kernel4). */
    private static void kernel1(int kc, float[] a, int ai, int acs, float[] pack, int bp,
                                float[] c, int ci, int ccs, int nr, float alpha, boolean add, float[] tile) {
        FloatVector c0 = FloatVector.zero(S);
        FloatVector c1 = FloatVector.zero(S);
        FloatVector c2 = FloatVector.zero(S);
        for (int p = 0, pa = ai, pb = bp; p < kc; p++, pa += acs, pb += NR) {
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            c0 = x.fma(FloatVector.fromArray(S, pack, pb), c0);
            c1 = x.fma(FloatVector.fromArray(S, pack, pb + W), c1);
            c2 = x.fma(FloatVector.fromArray(S, pack, pb + 2 * W), c2);
        }
        stage(tile, 0, c0, c1, c2);
        writeBack(tile, 1, c, ci, 0, ccs, nr, alpha, add);
    }

    private static void stage(float[] tile, int off, FloatVector v0, FloatVector v1, FloatVector v2) {
        v0.intoArray(tile, off);
        v1.intoArray(tile, off + W);
        v2.intoArray(tile, off + 2 * W);
    }

    /** C[r][0..nr) (+)= alpha tile[r][0..nr) for r < rows. */
    private static void writeBack(float[] tile, int rows, float[] c, int ci, int crs, int ccs, int nr,
                                  float alpha, boolean add) {
        for (int r = 0; r < rows; r++) {
            int t = r * NR;
            int row = ci + r * crs;
            int j = 0;
            if (ccs == 1) {
                for (; j + W <= nr; j += W) {
                    FloatVector v = FloatVector.fromArray(S, tile, t + j).mul(alpha);
                    if (add) {
                        v = v.add(FloatVector.fromArray(S, c, row + j));
                    }
                    v.intoArray(c, row + j);
                }
            }
            for (; j < nr; j++) {
                int idx = row + j * ccs;
                float v = alpha * tile[t + j];
                c[idx] = add ? c[idx] + v : v;
            }
        }
    }
}
