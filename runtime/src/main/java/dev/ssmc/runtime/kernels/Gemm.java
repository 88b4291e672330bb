package dev.ssmc.runtime.kernels;

/**
 * Dense float32 matrix product {@code C (+)= alpha * A B}, the work horse of contractions and of
 * the chunked Toeplitz convolution.
 *
 * <p>{@code C[i][j] (+)= alpha * sum_{p<k} A[i][p] * B[p][j]} for {@code i < m}, {@code j < n}.
 * Every operand is addressed through a row and a column stride,
 * {@code A[i][p] = a[aOff + i*aRowStride + p*aColStride]} (likewise B and C), so transposed
 * operands cost nothing: {@link #gemm} is row-major ({@code A[i][p] = a[aOff + i*lda + p]}),
 * {@link #gemmTransA} takes A stored as {@code [k][m]}, {@link #gemmTransB} B stored as
 * {@code [n][k]}. Without {@code accumulate} C is overwritten (its old contents, NaN included,
 * are never read); with it the product is added.
 *
 * <p>Vector path ({@code GemmVector}): B is packed, a block of {@code KC} rows at a time, into
 * panels as wide as three vectors, and a register-blocked micro-kernel keeps a 4-row by
 * 3-vector tile of C in 12 accumulators, one fused multiply-add per broadcast element of A and
 * vector of B; packing makes any B layout stream contiguously and keeps a panel in L1 while the
 * rows of A go by. Narrow problems ({@code n} below a vector, {@code m} wider) are transposed
 * ({@code C^T = B^T A^T}) so the vector runs along the longer side. Scalar path: the plain loops
 * (in axpy order when B and C rows are contiguous, which the JIT vectorizes by itself).
 * Single-threaded; callers parallelize over independent products.
 */
public final class Gemm {
    private Gemm() {
    }

    /** Row-major {@code C (+)= A B} with {@code A[m][k]}, {@code B[k][n]}, {@code C[m][n]} and leading dimensions. */
    public static void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        gemmStrided(m, n, k, 1f, a, aOff, lda, 1, b, bOff, ldb, 1, c, cOff, ldc, 1, accumulate);
    }

    /** {@code C (+)= A B} with A stored transposed, as {@code [k][m]}: {@code A[i][p] = a[aOff + p*lda + i]}. */
    public static void gemmTransA(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc, boolean accumulate) {
        gemmStrided(m, n, k, 1f, a, aOff, 1, lda, b, bOff, ldb, 1, c, cOff, ldc, 1, accumulate);
    }

    /** {@code C (+)= A B} with B stored transposed, as {@code [n][k]}: {@code B[p][j] = b[bOff + j*ldb + p]}. */
    public static void gemmTransB(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float[] c, int cOff, int ldc, boolean accumulate) {
        gemmStrided(m, n, k, 1f, a, aOff, lda, 1, b, bOff, 1, ldb, c, cOff, ldc, 1, accumulate);
    }

    /**
     * The general form: {@code C (+)= alpha A B} with every operand given by offset, row stride
     * and column stride (strides may be anything that addresses distinct elements of C; A and B
     * may use stride 0 to repeat a row or column).
     */
    public static void gemmStrided(int m, int n, int k, float alpha,
                                   float[] a, int aOff, int aRowStride, int aColStride,
                                   float[] b, int bOff, int bRowStride, int bColStride,
                                   float[] c, int cOff, int cRowStride, int cColStride, boolean accumulate) {
        if (VectorSupport.enabled()) {
            vector(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                    c, cOff, cRowStride, cColStride, accumulate);
        } else {
            scalar(m, n, k, alpha, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride,
                    c, cOff, cRowStride, cColStride, accumulate);
        }
    }

    /** The vector path (callable directly by tests whenever the module is present). */
    static void vector(int m, int n, int k, float alpha,
                       float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                       float[] c, int cOff, int crs, int ccs, boolean accumulate) {
        if (trivial(m, n, k, c, cOff, crs, ccs, accumulate)) {
            return;
        }
        GemmVector.gemm(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs, accumulate);
    }

    /** The scalar path. */
    static void scalar(int m, int n, int k, float alpha,
                       float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                       float[] c, int cOff, int crs, int ccs, boolean accumulate) {
        if (trivial(m, n, k, c, cOff, crs, ccs, accumulate)) {
            return;
        }
        scalarKernel(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs, accumulate);
    }

    /** Plain loops; also the vector path's choice for problems too small to pack. */
    static void scalarKernel(int m, int n, int k, float alpha,
                             float[] a, int aOff, int ars, int acs, float[] b, int bOff, int brs, int bcs,
                             float[] c, int cOff, int crs, int ccs, boolean accumulate) {
        if (bcs == 1 && ccs == 1) {
            // Axpy order: C row += (alpha A[i][p]) * B row, contiguous inner loop.
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * crs;
                if (!accumulate) {
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                }
                int ai = aOff + i * ars;
                for (int p = 0; p < k; p++) {
                    float aip = alpha * a[ai + p * acs];
                    int bp = bOff + p * brs;
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += aip * b[bp + j];
                    }
                }
            }
            return;
        }
        // Dot order for the other layouts.
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * ars;
            for (int j = 0; j < n; j++) {
                int bj = bOff + j * bcs;
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[ai + p * acs] * b[bj + p * brs];
                }
                int ci = cOff + i * crs + j * ccs;
                c[ci] = accumulate ? c[ci] + alpha * s : alpha * s;
            }
        }
    }

    /** Handles empty shapes (and checks the sizes); true when nothing is left to do. */
    private static boolean trivial(int m, int n, int k, float[] c, int cOff, int crs, int ccs, boolean accumulate) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative matrix size: m=" + m + ", n=" + n + ", k=" + k);
        }
        if (m == 0 || n == 0) {
            return true;
        }
        if (k == 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        c[cOff + i * crs + j * ccs] = 0f;
                    }
                }
            }
            return true;
        }
        return false;
    }
}
