package dev.ssmc.runtime.fft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssmc.runtime.kernels.VectorSupport;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ComplexFft} on its own, batched, against a naive DFT in double, on both paths; sizes
 * chosen for the vector path's stage choices: runs of radix-4 stages (fused in pairs where the
 * stride allows), odd counts of them (one left unfused), a radix 2 after them, and mixes with 3,
 * 5 and 7; batches of a vector's width (every stage vectorizes) and of odd widths (the first
 * stages stay scalar and fusion starts where the stride reaches a multiple of the width).
 */
class ComplexFftTest {
    /** As {@link RealFftTest}'s: error relative to the largest reference magnitude. */
    private static final double TOLERANCE = 2e-6;

    private static final int[] SIZES = {
        1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096,
        8 * 5 * 7, 16 * 5 * 7, 64 * 3, 256 * 5 * 7, 1000, 4000, 2 * 3 * 5 * 7, 4 * 4 * 4 * 49,
    };

    private static boolean[] paths() {
        return VectorSupport.available() ? new boolean[] {false, true} : new boolean[] {false};
    }

    private static int width() {
        return VectorSupport.available() ? FftVector.width() : 4;
    }

    /** Sequence {@code b} of the batch transformed, in double: {re, im}. */
    private static double[][] naive(int n, float[] re, float[] im, int b, int batch) {
        double[][] roots = RealFftTest.unitRoots(n);
        double[] cos = roots[0];
        double[] sin = roots[1];
        double[] yr = new double[n];
        double[] yi = new double[n];
        for (int k = 0; k < n; k++) {
            double sr = 0;
            double si = 0;
            for (int t = 0; t < n; t++) {
                int idx = (int) ((long) k * t % n);
                double c = cos[idx];
                double s = -sin[idx];
                float xr = re[b + batch * t];
                float xi = im[b + batch * t];
                sr += xr * c - xi * s;
                si += xr * s + xi * c;
            }
            yr[k] = sr;
            yi[k] = si;
        }
        return new double[][] {yr, yi};
    }

    /** The transform of a random batch: {input re, input im, output re, output im}. */
    private static float[][] transform(int n, int batch, boolean vector, long seed) {
        Random rnd = new Random(seed);
        float[] re = new float[n * batch];
        float[] im = new float[n * batch];
        for (int i = 0; i < re.length; i++) {
            re[i] = (float) (2 * rnd.nextDouble() - 1);
            im[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        float[][] buf = {re.clone(), im.clone(), new float[n * batch], new float[n * batch]};
        boolean inOne = new ComplexFft(n).forward(buf[0], buf[1], buf[2], buf[3], batch, vector);
        return new float[][] {re, im, inOne ? buf[2] : buf[0], inOne ? buf[3] : buf[1]};
    }

    @Test
    void batchesMatchTheNaiveDftOnBothPaths() {
        for (boolean vector : paths()) {
            for (int batch : new int[] {1, 3, width(), width() + 1}) {
                for (int n : SIZES) {
                    float[][] r = transform(n, batch, vector, 31L * n + batch);
                    // Rows at both ends of the batch: each lane position of a vector is reached.
                    for (int b : new int[] {0, batch - 1}) {
                        double[][] ref = naive(n, r[0], r[1], b, batch);
                        double scale = 1e-30;
                        for (int k = 0; k < n; k++) {
                            scale = Math.max(scale, Math.hypot(ref[0][k], ref[1][k]));
                        }
                        for (int k = 0; k < n; k++) {
                            double err = Math.hypot(r[2][b + batch * k] - ref[0][k], r[3][b + batch * k] - ref[1][k]);
                            if (!(err <= TOLERANCE * scale)) { // NaN (a value never written) fails too
                                throw new AssertionError("n=" + n + " batch=" + batch + " sequence " + b
                                        + (vector ? " (vector)" : " (scalar)") + ": bin " + k + " off by "
                                        + err / scale + " of scale");
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Where the vector path only has radix-4 and radix-2 stages (fused or not) it does the scalar
     * path's operations in the same order, so the results are the same to the bit: a wrong index
     * in a fused pass could not hide within a tolerance.
     */
    @Test
    void powersOfTwoOnTheVectorPathAreTheScalarPathsBits() {
        if (!VectorSupport.available()) {
            return;
        }
        for (int batch : new int[] {1, 3, width(), 2 * width()}) {
            for (int n : new int[] {16, 32, 64, 128, 256, 1024, 2048, 4096, 16384}) {
                float[][] s = transform(n, batch, false, n + batch);
                float[][] v = transform(n, batch, true, n + batch);
                for (int i = 0; i < n * batch; i++) {
                    assertEquals(s[2][i], v[2][i], 0f, "n=" + n + " batch=" + batch + " re at " + i);
                    assertEquals(s[3][i], v[3][i], 0f, "n=" + n + " batch=" + batch + " im at " + i);
                }
            }
        }
    }
}
