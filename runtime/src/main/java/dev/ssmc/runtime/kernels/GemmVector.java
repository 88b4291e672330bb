package dev.ssmc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link Gemm}: B in panels three vectors wide (packed, or read in place
 * for products of few rows), register tiles of 4 rows by 1 to 3 vectors (the narrower ones for a
 * partial last panel), and 1-row kernels with several accumulator sets for the rows left over.
 * Only loaded when a kernel takes its vector path.
 */
final class GemmVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();
    /** Rows of C per micro-kernel call. */
    private static final int MR = 4;
    /** Columns of C per full micro-kernel call (and width of a packed B panel): three vectors. */
    private static final int NR = 3 * W;
    /** Rows of B per packed block, so a panel (KC x NR floats) stays in L1 while rows of A pass. */
    private static final int KC = Math.max(64, 16384 / NR);
    /** Columns of B per packed block: KC x NC floats stay in L2. */
    private static final int NC = 16 * NR;
    /** Up to this many rows of A, B is read in place rather than packed (packing would not be reused). */
    private static final int IN_PLACE_ROWS = 2 * MR;

    /**
     * Up to this many rows (or columns) of C, a product whose operands are both contiguous along
     * k is computed as dot products: packing B across its rows would cost as much as the product.
     */
    private static final int DOT_MAX_SIDE = 16;

    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[KC * NC]);
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    private GemmVector() {
    }

    static void gemm(int m, int n, int k, float alpha,
                     float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                     float[] c, int cOff, int crs, int ccs, boolean accumulate) {
        if ((n < W && m > n) || (ccs != 1 && crs == 1 && m >= W)) {
            // Narrow C, or C contiguous down its columns: compute C^T = B^T A^T so the vectors run
            // along the longer side, or along C's contiguous side (writing vectors of C with a
            // stride touches a cache line per element: a tenth of the speed for k = 4).
            gemm(n, m, k, alpha, b, bOff, bcs, brs, a, aOff, acs, ars, c, cOff, ccs, crs, accumulate);
            return;
        }
        if (acs == 1 && brs == 1 && bcs != 1 && k >= 4 * W && Math.min(m, n) <= DOT_MAX_SIDE) {
            dots(m, n, k, alpha, a, aOff, ars, b, bOff, bcs, c, cOff, crs, ccs, accumulate);
            return;
        }
        if (n < W) {
            Gemm.scalarKernel(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs, accumulate);
            return;
        }
        float[] pack = PACK.get();
        float[] tile = TILE.get();
        boolean inPlace = bcs == 1 && m <= IN_PLACE_ROWS;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int panels = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = accumulate || pc > 0;
                int bBlock = bOff + pc * brs + jc * bcs;
                if (!inPlace) {
                    for (int jp = 0; jp < panels; jp++) {
                        packPanel(kc, Math.min(NR, nc - jp * NR), b, bBlock + jp * NR * bcs, brs, bcs, pack, jp * kc * NR);
                    }
                }
                int aBase = aOff + pc * acs;
                for (int jp = 0; jp < panels; jp++) {
                    int j0 = jc + jp * NR;
                    int nr = Math.min(NR, n - j0);
                    int vectors = (nr + W - 1) / W;
                    float[] panel = pack;
                    int bp = jp * kc * NR;
                    int bs = NR;
                    if (inPlace) {
                        bp = bBlock + jp * NR;
                        // Lanes past nr are computed and dropped; reading them is fine while in bounds.
                        if (bp + (long) (kc - 1) * brs + (long) vectors * W <= b.length) {
                            panel = b;
                            bs = brs;
                        } else {
                            packPanel(kc, nr, b, bp, brs, 1, pack, 0);
                            bp = 0;
                        }
                    }
                    int i = 0;
                    for (; i + MR <= m; i += MR) {
                        int ai = aBase + i * ars;
                        if (vectors == 3) {
                            kernel4x3(kc, a, ai, ars, acs, panel, bp, bs, tile);
                        } else if (vectors == 2) {
                            kernel4x2(kc, a, ai, ars, acs, panel, bp, bs, tile);
                        } else {
                            kernel4x1(kc, a, ai, ars, acs, panel, bp, bs, tile);
                        }
                        writeBack(tile, MR, c, cOff + i * crs + j0 * ccs, crs, ccs, nr, alpha, add);
                    }
                    for (; i < m; i++) {
                        int ai = aBase + i * ars;
                        if (vectors == 3) {
                            kernel1x3(kc, a, ai, acs, panel, bp, bs, tile);
                        } else if (vectors == 2) {
                            kernel1x2(kc, a, ai, acs, panel, bp, bs, tile);
                        } else {
                            kernel1x1(kc, a, ai, acs, panel, bp, bs, tile);
                        }
                        writeBack(tile, 1, c, cOff + i * crs + j0 * ccs, 0, ccs, nr, alpha, add);
                    }
                }
            }
        }
    }

    /**
     * Packs the panel {@code B[0..kc)[0..nr)} (from {@code b[off + p*brs + j*bcs]}) as {@code [kc][NR]}
     * row-major at {@code pack[dst]}, zero-padded to NR columns.
     */
    private static void packPanel(int kc, int nr, float[] b, int off, int brs, int bcs, float[] pack, int dst) {
        if (bcs == 1) {
            for (int p = 0; p < kc; p++) {
                int d = dst + p * NR;
                System.arraycopy(b, off + p * brs, pack, d, nr);
                if (nr < NR) {
                    java.util.Arrays.fill(pack, d + nr, d + NR, 0f);
                }
            }
            return;
        }
        for (int jj = 0; jj < nr; jj++) {
            int src = off + jj * bcs;
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

    // The micro-kernels leave their accumulators in the tile (rows NR apart) rather than writing C
    // themselves: the vectors never leave the method, so the JIT never has to box them whatever
    // the shape of the call (passing them to a helper let it box them after a recompilation, at
    // an order of magnitude's cost), and one write-back serves every layout of C.

    /** tile[r][0..3W) = A[r][0..kc) B[0..kc)[0..3W) for r < 4; B rows {@code bs} apart. */
    private static void kernel4x3(int kc, float[] a, int ai, int ars, int acs, float[] b, int bp, int bs,
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
        for (int p = 0, pa = 0, pb = bp; p < kc; p++, pa += acs, pb += bs) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + W);
            FloatVector b2 = FloatVector.fromArray(S, b, pb + 2 * W);
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
        c00.intoArray(tile, 0);
        c01.intoArray(tile, W);
        c02.intoArray(tile, 2 * W);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + W);
        c12.intoArray(tile, NR + 2 * W);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + W);
        c22.intoArray(tile, 2 * NR + 2 * W);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + W);
        c32.intoArray(tile, 3 * NR + 2 * W);
    }

    /** tile[r][0..2W) = A[r][0..kc) B[0..kc)[0..2W) for r < 4; B rows {@code bs} apart. */
    private static void kernel4x2(int kc, float[] a, int ai, int ars, int acs, float[] b, int bp, int bs,
                                  float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        int a1 = ai + ars;
        int a2 = ai + 2 * ars;
        int a3 = ai + 3 * ars;
        for (int p = 0, pa = 0, pb = bp; p < kc; p++, pa += acs, pb += bs) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + W);
            FloatVector x = FloatVector.broadcast(S, a[ai + pa]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + pa]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + pa]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + pa]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, W);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + W);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + W);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + W);
    }

    /** tile[r][0..W) = A[r][0..kc) B[0..kc)[0..W) for r < 4; B rows {@code bs} apart. */
    private static void kernel4x1(int kc, float[] a, int ai, int ars, int acs, float[] b, int bp, int bs,
                                  float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        int a1 = ai + ars;
        int a2 = ai + 2 * ars;
        int a3 = ai + 3 * ars;
        for (int p = 0, pa = 0, pb = bp; p < kc; p++, pa += acs, pb += bs) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector x = FloatVector.broadcast(S, a[ai + pa]);
            c00 = x.fma(b0, c00);
            x = FloatVector.broadcast(S, a[a1 + pa]);
            c10 = x.fma(b0, c10);
            x = FloatVector.broadcast(S, a[a2 + pa]);
            c20 = x.fma(b0, c20);
            x = FloatVector.broadcast(S, a[a3 + pa]);
            c30 = x.fma(b0, c30);
        }
        c00.intoArray(tile, 0);
        c10.intoArray(tile, NR);
        c20.intoArray(tile, 2 * NR);
        c30.intoArray(tile, 3 * NR);
    }

    /** tile[0][0..3W) = A[0][0..kc) B[0..kc)[0..3W); 2 accumulator sets over p hide the FMA latency. */
    private static void kernel1x3(int kc, float[] a, int ai, int acs, float[] b, int bp, int bs, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        int p = 0;
        int pa = ai;
        int pb = bp;
        for (; p + 2 <= kc; p += 2, pa += 2 * acs, pb += 2 * bs) {
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            c00 = x.fma(FloatVector.fromArray(S, b, pb), c00);
            c01 = x.fma(FloatVector.fromArray(S, b, pb + W), c01);
            c02 = x.fma(FloatVector.fromArray(S, b, pb + 2 * W), c02);
            x = FloatVector.broadcast(S, a[pa + acs]);
            c10 = x.fma(FloatVector.fromArray(S, b, pb + bs), c10);
            c11 = x.fma(FloatVector.fromArray(S, b, pb + bs + W), c11);
            c12 = x.fma(FloatVector.fromArray(S, b, pb + bs + 2 * W), c12);
        }
        for (; p < kc; p++, pa += acs, pb += bs) {
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            c00 = x.fma(FloatVector.fromArray(S, b, pb), c00);
            c01 = x.fma(FloatVector.fromArray(S, b, pb + W), c01);
            c02 = x.fma(FloatVector.fromArray(S, b, pb + 2 * W), c02);
        }
        c00.add(c10).intoArray(tile, 0);
        c01.add(c11).intoArray(tile, W);
        c02.add(c12).intoArray(tile, 2 * W);
    }

    /** tile[0][0..2W) = A[0][0..kc) B[0..kc)[0..2W); 2 accumulator sets over p hide the FMA latency. */
    private static void kernel1x2(int kc, float[] a, int ai, int acs, float[] b, int bp, int bs, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        int p = 0;
        int pa = ai;
        int pb = bp;
        for (; p + 2 <= kc; p += 2, pa += 2 * acs, pb += 2 * bs) {
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            c00 = x.fma(FloatVector.fromArray(S, b, pb), c00);
            c01 = x.fma(FloatVector.fromArray(S, b, pb + W), c01);
            x = FloatVector.broadcast(S, a[pa + acs]);
            c10 = x.fma(FloatVector.fromArray(S, b, pb + bs), c10);
            c11 = x.fma(FloatVector.fromArray(S, b, pb + bs + W), c11);
        }
        for (; p < kc; p++, pa += acs, pb += bs) {
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            c00 = x.fma(FloatVector.fromArray(S, b, pb), c00);
            c01 = x.fma(FloatVector.fromArray(S, b, pb + W), c01);
        }
        c00.add(c10).intoArray(tile, 0);
        c01.add(c11).intoArray(tile, W);
    }

    /** tile[0][0..W) = A[0][0..kc) B[0..kc)[0..W); 4 accumulator sets over p hide the FMA latency. */
    private static void kernel1x1(int kc, float[] a, int ai, int acs, float[] b, int bp, int bs, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        int p = 0;
        int pa = ai;
        int pb = bp;
        for (; p + 4 <= kc; p += 4, pa += 4 * acs, pb += 4 * bs) {
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            c00 = x.fma(FloatVector.fromArray(S, b, pb), c00);
            x = FloatVector.broadcast(S, a[pa + acs]);
            c10 = x.fma(FloatVector.fromArray(S, b, pb + bs), c10);
            x = FloatVector.broadcast(S, a[pa + 2 * acs]);
            c20 = x.fma(FloatVector.fromArray(S, b, pb + 2 * bs), c20);
            x = FloatVector.broadcast(S, a[pa + 3 * acs]);
            c30 = x.fma(FloatVector.fromArray(S, b, pb + 3 * bs), c30);
        }
        for (; p < kc; p++, pa += acs, pb += bs) {
            FloatVector x = FloatVector.broadcast(S, a[pa]);
            c00 = x.fma(FloatVector.fromArray(S, b, pb), c00);
        }
        c00.add(c10).add(c20).add(c30).intoArray(tile, 0);
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

    /**
     * {@code C (+)= alpha A B} as dot products of rows of A ({@code a[aOff + i*ars + p]}) and columns
     * of B ({@code b[bOff + j*bcs + p]}), both contiguous along k: tiles of 2 rows by 4 columns,
     * 8 accumulators fed by 6 loads, each summed across its lanes at the end.
     */
    static void dots(int m, int n, int k, float alpha, float[] a, int aOff, int ars, float[] b, int bOff, int bcs,
                     float[] c, int cOff, int crs, int ccs, boolean accumulate) {
        int kv = k - k % W;
        for (int i = 0; i < m; i += 2) {
            int a0 = aOff + i * ars;
            int a1 = i + 1 < m ? a0 + ars : a0; // an odd last row is computed twice and written once
            for (int j = 0; j < n; j += 4) {
                int b0 = bOff + j * bcs;
                int b1 = j + 1 < n ? b0 + bcs : b0;
                int b2 = j + 2 < n ? b0 + 2 * bcs : b0;
                int b3 = j + 3 < n ? b0 + 3 * bcs : b0;
                FloatVector s00 = FloatVector.zero(S), s01 = s00, s02 = s00, s03 = s00;
                FloatVector s10 = s00, s11 = s00, s12 = s00, s13 = s00;
                for (int p = 0; p < kv; p += W) {
                    FloatVector x0 = FloatVector.fromArray(S, a, a0 + p);
                    FloatVector x1 = FloatVector.fromArray(S, a, a1 + p);
                    FloatVector y = FloatVector.fromArray(S, b, b0 + p);
                    s00 = x0.fma(y, s00);
                    s10 = x1.fma(y, s10);
                    y = FloatVector.fromArray(S, b, b1 + p);
                    s01 = x0.fma(y, s01);
                    s11 = x1.fma(y, s11);
                    y = FloatVector.fromArray(S, b, b2 + p);
                    s02 = x0.fma(y, s02);
                    s12 = x1.fma(y, s12);
                    y = FloatVector.fromArray(S, b, b3 + p);
                    s03 = x0.fma(y, s03);
                    s13 = x1.fma(y, s13);
                }
                int ci = cOff + i * crs + j * ccs;
                boolean row1 = i + 1 < m;
                store(a, a0, b, b0, kv, k, s00.reduceLanes(VectorOperators.ADD), c, ci, alpha, accumulate);
                if (row1) {
                    store(a, a1, b, b0, kv, k, s10.reduceLanes(VectorOperators.ADD), c, ci + crs, alpha, accumulate);
                }
                if (j + 1 < n) {
                    store(a, a0, b, b1, kv, k, s01.reduceLanes(VectorOperators.ADD), c, ci + ccs, alpha, accumulate);
                    if (row1) {
                        store(a, a1, b, b1, kv, k, s11.reduceLanes(VectorOperators.ADD), c, ci + crs + ccs, alpha, accumulate);
                    }
                }
                if (j + 2 < n) {
                    store(a, a0, b, b2, kv, k, s02.reduceLanes(VectorOperators.ADD), c, ci + 2 * ccs, alpha, accumulate);
                    if (row1) {
                        store(a, a1, b, b2, kv, k, s12.reduceLanes(VectorOperators.ADD), c, ci + crs + 2 * ccs, alpha, accumulate);
                    }
                }
                if (j + 3 < n) {
                    store(a, a0, b, b3, kv, k, s03.reduceLanes(VectorOperators.ADD), c, ci + 3 * ccs, alpha, accumulate);
                    if (row1) {
                        store(a, a1, b, b3, kv, k, s13.reduceLanes(VectorOperators.ADD), c, ci + crs + 3 * ccs, alpha, accumulate);
                    }
                }
            }
        }
    }

    /** Finishes one dot product with its last {@code k - kv} terms and writes it to {@code c[idx]}. */
    private static void store(float[] a, int ar, float[] b, int bc, int kv, int k, float sum, float[] c, int idx,
                              float alpha, boolean accumulate) {
        for (int p = kv; p < k; p++) {
            sum += a[ar + p] * b[bc + p];
        }
        c[idx] = accumulate ? c[idx] + alpha * sum : alpha * sum;
    }
}
