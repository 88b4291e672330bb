package dev.ssmc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Gemm} against a naive triple loop in double, on both paths, over shapes that hit every
 * tail of the register tile and the packing blocks, all stride layouts, offsets, alpha and
 * accumulation; and that nothing outside C's block is touched.
 */
class GemmTest {
    private static final float SENTINEL = -12345f;

    interface Path {
        void run(int m, int n, int k, float alpha, float[] a, int aOff, int ars, int acs, float[] b, int bOff,
                 int brs, int bcs, float[] c, int cOff, int crs, int ccs, boolean accumulate);
    }

    static Path[] paths() {
        Path scalar = Gemm::scalar;
        Path vector = Gemm::vector;
        return VectorSupport.available() ? new Path[] {scalar, vector} : new Path[] {scalar};
    }

    /** One random problem in a chosen layout: bits 1, 2 and 4 store A, B and C column-major. */
    static void check(Random rnd, int m, int n, int k, int layout, boolean accumulate, float alpha) {
        int aOff = rnd.nextInt(3);
        int bOff = rnd.nextInt(3);
        int cOff = rnd.nextInt(3);
        int pad = rnd.nextInt(3);
        // Strides: the contiguous one is 1, the other the extent plus a padding gap. Layout bits:
        // 1 A column-major, 2 B column-major, 4 C column-major (0 all row-major).
        boolean aCols = (layout & 1) != 0;
        boolean bCols = (layout & 2) != 0;
        boolean cCols = (layout & 4) != 0;
        int ars = aCols ? 1 : k + pad;
        int acs = aCols ? m + pad : 1;
        int brs = bCols ? 1 : n + pad;
        int bcs = bCols ? k + pad : 1;
        int crs = cCols ? 1 : n + pad;
        int ccs = cCols ? m + pad : 1;
        float[] a = random(rnd, aOff + Math.max(m, 1) * Math.max(k, 1) + (m + k + 2) * (pad + 1));
        float[] b = random(rnd, bOff + Math.max(k, 1) * Math.max(n, 1) + (k + n + 2) * (pad + 1));
        // Elements of A and B outside the operands are NaN: a kernel that lets them into C fails.
        poisonOutside(a, aOff, m, k, ars, acs);
        poisonOutside(b, bOff, k, n, brs, bcs);
        int cSize = cOff + Math.max(m, 1) * Math.max(n, 1) + (m + n + 2) * (pad + 1);
        float[] c0 = random(rnd, cSize);
        boolean[] inBlock = new boolean[cSize];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                inBlock[cOff + i * crs + j * ccs] = true;
            }
        }
        for (int x = 0; x < cSize; x++) {
            if (!inBlock[x]) {
                c0[x] = SENTINEL;
            } else if (!accumulate) {
                c0[x] = Float.NaN; // must never be read
            }
        }
        for (Path path : paths()) {
            float[] c = c0.clone();
            path.run(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs, accumulate);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double abs = 0;
                    for (int p = 0; p < k; p++) {
                        double prod = (double) a[aOff + i * ars + p * acs] * b[bOff + p * brs + j * bcs];
                        sum += prod;
                        abs += Math.abs(prod);
                    }
                    int idx = cOff + i * crs + j * ccs;
                    double expected = alpha * sum + (accumulate ? c0[idx] : 0);
                    // A float sum of k products is within about k ulps of the sum of magnitudes.
                    double tol = (k + 4) * 1.2e-7 * (Math.abs(alpha) * abs + (accumulate ? Math.abs(c0[idx]) : 0)) + 1e-30;
                    if (!(Math.abs(c[idx] - expected) <= tol)) {
                        throw new AssertionError("m=" + m + " n=" + n + " k=" + k + " layout " + layout + " acc="
                                + accumulate + " alpha=" + alpha + ": C[" + i + "][" + j + "] = " + c[idx]
                                + ", expected " + expected);
                    }
                }
            }
            for (int x = 0; x < cSize; x++) {
                if (!inBlock[x]) {
                    assertEquals(SENTINEL, c[x], "outside C's block at " + x);
                }
            }
        }
    }

    private static void poisonOutside(float[] x, int off, int rows, int cols, int rs, int cs) {
        boolean[] used = new boolean[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                used[off + i * rs + j * cs] = true;
            }
        }
        for (int i = 0; i < x.length; i++) {
            if (!used[i]) {
                x[i] = Float.NaN;
            }
        }
    }

    static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        return x;
    }

    @Test
    void everySmallShapeInEveryLayout() {
        Random rnd = new Random(11);
        for (int m = 0; m <= 6; m++) {
            for (int n = 0; n <= 9; n++) {
                for (int k = 0; k <= 5; k++) {
                    check(rnd, m, n, k, rnd.nextInt(8), rnd.nextBoolean(), 1f);
                }
            }
        }
    }

    @Test
    void tailsAroundTheRegisterTile() {
        // Around multiples of 4 rows and of 8/16/24/32/48 columns (3 vectors of 8 or 16 lanes).
        Random rnd = new Random(12);
        int[] ms = {1, 3, 4, 5, 7, 8, 9, 13, 16, 17, 33};
        int[] ns = {1, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49, 95, 97};
        for (int m : ms) {
            for (int n : ns) {
                int k = 1 + rnd.nextInt(40);
                check(rnd, m, n, k, rnd.nextInt(8), rnd.nextBoolean(), rnd.nextBoolean() ? 1f : -0.5f);
            }
        }
    }

    @Test
    void largeProblemsCrossThePackingBlocks() {
        // k beyond two blocks of packed rows, n beyond one block of packed columns.
        Random rnd = new Random(13);
        check(rnd, 37, 801, 700, 0, false, 1f);
        check(rnd, 70, 130, 1100, 2, true, 1f);
        check(rnd, 129, 60, 513, 1, false, 2f);
        check(rnd, 100, 5, 300, 4, true, -1f);
        // an SSM block's projections: C down its columns with k = 4 (transposed to write rows of C),
        // and both operands contiguous along a long k (dot products)
        check(rnd, 4096, 64, 4, 5, false, 1f);
        check(rnd, 4, 64, 4096, 2, true, 1f);
        check(rnd, 3, 17, 1001, 6, false, 1f);
        check(rnd, 256, 256, 256, 0, false, 1f);
    }

    @Test
    void publicEntryPointsUseTheirLayouts() {
        Random rnd = new Random(14);
        int m = 13;
        int n = 37;
        int k = 21;
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, k * n);
        float[] aT = new float[k * m];
        float[] bT = new float[n * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                aT[p * m + i] = a[i * k + p];
            }
        }
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                bT[j * k + p] = b[p * n + j];
            }
        }
        float[] c1 = new float[m * n];
        float[] c2 = new float[m * n];
        float[] c3 = new float[m * n];
        float[] c4 = new float[m * n];
        Gemm.gemm(m, n, k, a, 0, k, b, 0, n, c1, 0, n, false);
        Gemm.gemmTransA(m, n, k, aT, 0, m, b, 0, n, c2, 0, n, false);
        Gemm.gemmTransB(m, n, k, a, 0, k, bT, 0, k, c3, 0, n, false);
        Gemm.gemmStrided(m, n, k, 2f, a, 0, k, 1, b, 0, n, 1, c4, 0, n, 1, false);
        Gemm.gemmStrided(m, n, k, -1f, a, 0, k, 1, b, 0, n, 1, c4, 0, n, 1, true);
        for (int x = 0; x < m * n; x++) {
            assertEquals(c1[x], c2[x], 1e-5f);
            assertEquals(c1[x], c3[x], 1e-5f);
            assertEquals(c1[x], c4[x], 1e-5f);
        }
    }

    @Test
    void zeroDepthClearsOrKeeps() {
        for (Path path : paths()) {
            float[] c = {1, 2, 3, 4, 5, 6};
            path.run(2, 3, 0, 1f, new float[0], 0, 0, 1, new float[0], 0, 3, 1, c, 0, 3, 1, true);
            assertEquals("[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]", Arrays.toString(c));
            path.run(2, 2, 0, 1f, new float[0], 0, 0, 1, new float[0], 0, 3, 1, c, 0, 3, 1, false);
            assertEquals("[0.0, 0.0, 3.0, 0.0, 0.0, 6.0]", Arrays.toString(c));
        }
    }

    @Test
    void negativeSizesAreRejected() {
        float[] x = new float[4];
        assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(-1, 1, 1, x, 0, 1, x, 0, 1, x, 0, 1, false));
        assertThrows(IllegalArgumentException.class, () -> Gemm.gemm(1, 1, -1, x, 0, 1, x, 0, 1, x, 0, 1, false));
    }

    @Test
    void randomShapesMatchNaive() {
        Property.forAll(150, in -> new GemmCase(integers().between(0, 70).generate(in),
                integers().between(0, 110).generate(in),
                integers().between(0, 200).generate(in),
                integers().between(0, 7).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in)),
                a -> randomShapesMatchNaive(a.m(), a.n(), a.k(), a.layout(), a.accumulate(), a.seed()));
    }

    /** One try of {@link #randomShapesMatchNaive()}. */
    record GemmCase(int m, int n, int k, int layout, boolean accumulate, long seed) {
    }

    private void randomShapesMatchNaive(int m, int n, int k, int layout, boolean accumulate, long seed) {
        Random rnd = new Random(seed);
        check(rnd, m, n, k, layout, accumulate, rnd.nextInt(4) == 0 ? 1.5f : 1f);
    }
}
