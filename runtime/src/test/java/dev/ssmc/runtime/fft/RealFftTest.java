package dev.ssmc.runtime.fft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.testing.Property;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link RealFft} against a naive DFT in double (every fast size up to 1000 and some large ones),
 * against Commons Math for powers of two, and through the transform's identities; both the
 * scalar and the vector path.
 */
class RealFftTest {
    /** Error bound relative to the signal's scale (the reference spectrum's largest magnitude). */
    private static final double TOLERANCE = 2e-6;

    private static boolean[] paths() {
        return VectorSupport.available() ? new boolean[] {false, true} : new boolean[] {false};
    }

    private static List<Integer> fastSizesUpTo(int max) {
        List<Integer> sizes = new ArrayList<>();
        for (int n = 1; n <= max; n++) {
            if (RealFft.isFastSize(n)) {
                sizes.add(n);
            }
        }
        return sizes;
    }

    // ---- naive transforms in double ----

    /** {cos, sin} of {@code 2 pi i / n} for {@code i < n}, in double: the naive transforms' tables. */
    static double[][] unitRoots(int n) {
        double[] cos = new double[n];
        double[] sin = new double[n];
        for (int i = 0; i < n; i++) {
            cos[i] = Math.cos(2 * Math.PI * i / n);
            sin[i] = Math.sin(2 * Math.PI * i / n);
        }
        return new double[][] {cos, sin};
    }

    /** Naive forward DFT of x[0..len) zero-padded to n; returns {re, im} of bins n/2+1. */
    static double[][] naiveForward(int n, float[] x, int off, int len) {
        double[][] roots = unitRoots(n);
        double[] cos = roots[0];
        double[] sin = roots[1];
        int bins = n / 2 + 1;
        double[] re = new double[bins];
        double[] im = new double[bins];
        for (int k = 0; k < bins; k++) {
            double sr = 0;
            double si = 0;
            for (int t = 0; t < len; t++) {
                int idx = (int) ((long) k * t % n);
                sr += x[off + t] * cos[idx];
                si -= x[off + t] * sin[idx];
            }
            re[k] = sr;
            im[k] = si;
        }
        return new double[][] {re, im};
    }

    /** One bin of the naive forward DFT. */
    static double[] naiveBin(int n, float[] x, int len, int k) {
        double sr = 0;
        double si = 0;
        for (int t = 0; t < len; t++) {
            double angle = 2 * Math.PI * ((long) k * t % n) / n;
            sr += x[t] * Math.cos(angle);
            si -= x[t] * Math.sin(angle);
        }
        return new double[] {sr, si};
    }

    /** Naive inverse of a half spectrum (Hermitian extension, imaginary parts of 0 and n/2 ignored). */
    static double[] naiveInverse(int n, float[] re, float[] im, int off) {
        double[][] roots = unitRoots(n);
        double[] cos = roots[0];
        double[] sin = roots[1];
        double[] y = new double[n];
        int bins = n / 2 + 1;
        for (int t = 0; t < n; t++) {
            double s = re[off];
            for (int k = 1; k < bins; k++) {
                int idx = (int) ((long) k * t % n);
                double term = re[off + k] * cos[idx] - im[off + k] * sin[idx];
                // Bins 1..(n-1)/2 stand for themselves and their mirror n-k; n/2 (n even) only once.
                s += (2 * k == n) ? re[off + k] * cos[idx] : 2 * term;
            }
            y[t] = s / n;
        }
        return y;
    }

    private static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        return x;
    }

    private static void assertSpectrumClose(double[][] ref, float[] re, float[] im, int off, String what) {
        double scale = 1e-30;
        for (int k = 0; k < ref[0].length; k++) {
            scale = Math.max(scale, Math.hypot(ref[0][k], ref[1][k]));
        }
        for (int k = 0; k < ref[0].length; k++) {
            double err = Math.hypot(re[off + k] - ref[0][k], im[off + k] - ref[1][k]);
            if (!(err <= TOLERANCE * scale)) { // NaN (a value never written) fails too
                throw new AssertionError(what + ": bin " + k + " is (" + re[off + k] + ", " + im[off + k]
                        + "), expected (" + ref[0][k] + ", " + ref[1][k] + "); error " + err / scale + " of scale");
            }
        }
    }

    /**
     * The first {@code len} samples of {@code y} against {@code ref}, within the tolerance of the
     * whole reference signal's scale: the transform's rounding is relative to all of the signal, so
     * a few small samples kept out of a large one are not held to their own magnitude.
     */
    private static void assertSignalClose(double[] ref, float[] y, int off, int len, String what) {
        double scale = 1e-30;
        for (double v : ref) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int t = 0; t < len; t++) {
            double err = Math.abs(y[off + t] - ref[t]);
            if (!(err <= TOLERANCE * scale)) { // NaN (a value never written) fails too
                throw new AssertionError(what + ": sample " + t + " is " + y[off + t] + ", expected " + ref[t]
                        + "; error " + err / scale + " of scale");
            }
        }
    }

    /** Forward on several rows with offsets and strides, checked row by row against the naive DFT. */
    private static void checkForward(int n, int len, int rows, boolean vector, Random rnd) {
        RealFft fft = RealFft.forSize(n);
        int bins = fft.bins();
        int xStride = len + 3;
        int outStride = bins + 2;
        float[] x = random(rnd, 5 + rows * xStride);
        float[] re = new float[7 + rows * outStride];
        float[] im = new float[7 + rows * outStride];
        Arrays.fill(re, Float.NaN);
        Arrays.fill(im, Float.NaN);
        fft.forward(x, 5, xStride, len, re, im, 7, outStride, rows, vector);
        for (int r = 0; r < rows; r++) {
            double[][] ref = naiveForward(n, x, 5 + r * xStride, len);
            assertSpectrumClose(ref, re, im, 7 + r * outStride,
                    "n=" + n + " len=" + len + " row " + r + (vector ? " (vector)" : " (scalar)"));
        }
        // Only the rows' bins are written: the gaps between rows and the ends keep their NaN.
        assertOnlyRowsWritten(re, 7, outStride, bins, rows, "forward re n=" + n);
        assertOnlyRowsWritten(im, 7, outStride, bins, rows, "forward im n=" + n);
    }

    /** Every element of {@code a} outside rows {@code [off + r*stride, +width)} is still NaN. */
    private static void assertOnlyRowsWritten(float[] a, int off, int stride, int width, int rows, String what) {
        for (int i = 0; i < a.length; i++) {
            int inRow = i - off;
            boolean written = inRow >= 0 && inRow / stride < rows && inRow % stride < width;
            if (!written && !Float.isNaN(a[i])) {
                throw new AssertionError(what + ": element " + i + " outside the rows was written");
            }
        }
    }

    private static void checkInverse(int n, int len, int rows, boolean vector, Random rnd) {
        RealFft fft = RealFft.forSize(n);
        int bins = fft.bins();
        int inStride = bins + 1;
        int yStride = len + 2;
        float[] re = random(rnd, 3 + rows * inStride);
        float[] im = random(rnd, 3 + rows * inStride);
        float[] y = new float[4 + rows * yStride];
        Arrays.fill(y, Float.NaN);
        fft.inverse(re, im, 3, inStride, y, 4, yStride, len, rows, vector);
        for (int r = 0; r < rows; r++) {
            double[] ref = naiveInverse(n, re, im, 3 + r * inStride);
            assertSignalClose(ref, y, 4 + r * yStride, len,
                    "inverse n=" + n + " len=" + len + " row " + r + (vector ? " (vector)" : " (scalar)"));
        }
        assertOnlyRowsWritten(y, 4, yStride, len, rows, "inverse n=" + n);
    }

    // ---- sizes ----

    @Test
    void fastSizesAreThoseWithPrimeFactorsUpToSeven() {
        for (int n = -3; n <= 5000; n++) {
            boolean expected = n >= 1;
            int rest = n;
            for (int p = 2; rest > 1 && p <= rest; p++) {
                while (rest % p == 0) {
                    if (p > 7) {
                        expected = false;
                    }
                    rest /= p;
                }
            }
            assertEquals(expected, RealFft.isFastSize(n), "n=" + n);
        }
        assertTrue(RealFft.isFastSize(1 << 30));
        assertFalse(RealFft.isFastSize(Integer.MAX_VALUE));
    }

    @Test
    void nextFastSizeIsTheSmallestFastSizeNotBelow() {
        assertEquals(1, RealFft.nextFastSize(-5));
        assertEquals(1, RealFft.nextFastSize(0));
        for (int n = 1; n <= 5000; n++) {
            int next = RealFft.nextFastSize(n);
            assertTrue(next >= n && RealFft.isFastSize(next));
            for (int m = n; m < next; m++) {
                assertFalse(RealFft.isFastSize(m));
            }
        }
        assertEquals(32000, RealFft.nextFastSize(31999));
        assertEquals(12, RealFft.nextFastSize(11));
        assertEquals(1029, RealFft.nextFastSize(1025));
    }

    @Test
    void aSizeThatIsNotFastIsRejectedWithTheNextFastSize() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RealFft.forSize(31997));
        assertTrue(e.getMessage().contains("31997"), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(RealFft.nextFastSize(31997))), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RealFft.forSize(0));
        assertThrows(IllegalArgumentException.class, () -> RealFft.forSize(-4));
    }

    @Test
    void plansAreSharedAndReportTheirSize() {
        RealFft fft = RealFft.forSize(960);
        assertSame(fft, RealFft.forSize(960));
        assertEquals(960, fft.size());
        assertEquals(481, fft.bins());
        assertEquals(4, RealFft.forSize(7).bins());
    }

    @Test
    void lengthsOutsideTheSizeAreRejected() {
        RealFft fft = RealFft.forSize(8);
        float[] x = new float[20];
        float[] re = new float[5];
        float[] im = new float[5];
        assertThrows(IllegalArgumentException.class, () -> fft.forward(x, 0, 9, 9, re, im, 0, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> fft.forward(x, 0, 8, -1, re, im, 0, 5, 1));
        assertThrows(IllegalArgumentException.class, () -> fft.inverse(re, im, 0, 5, x, 0, 9, 9, 1));
        assertThrows(IllegalArgumentException.class, () -> fft.forward(x, 0, 8, 8, re, im, 0, 5, -1));
    }

    // ---- against the naive DFT ----

    @Test
    void forwardMatchesNaiveDftForEveryFastSizeUpTo1000() {
        Random rnd = new Random(1);
        for (boolean vector : paths()) {
            for (int n : fastSizesUpTo(1000)) {
                checkForward(n, n, 1, vector, rnd);
                checkForward(n, rnd.nextInt(n + 1), 2, vector, rnd);
            }
        }
    }

    @Test
    void inverseMatchesNaiveInverseForEveryFastSizeUpTo1000() {
        Random rnd = new Random(2);
        for (boolean vector : paths()) {
            for (int n : fastSizesUpTo(1000)) {
                checkInverse(n, n, 1, vector, rnd);
                checkInverse(n, rnd.nextInt(n + 1), 2, vector, rnd);
            }
        }
    }

    @Test
    void manyRowsAreTransformedTogether() {
        // Enough rows for whole groups of interleaved rows on the vector path, plus a remainder.
        Random rnd = new Random(10);
        for (boolean vector : paths()) {
            for (int n : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 12, 15, 16, 30, 64, 100, 105, 128, 210, 343, 360, 1000}) {
                int len = rnd.nextInt(n + 1);
                checkForward(n, len, 37, vector, rnd);
                checkInverse(n, len, 37, vector, rnd);
                checkForward(n, n, 37, vector, rnd);
                checkInverse(n, n, 37, vector, rnd);
            }
        }
    }

    @Test
    void partialGroupsOfRowsMatchTheNaiveDft() {
        // Rows left over from whole groups, few enough to go one by one or enough for a partial
        // group (its other lanes computed from copies of its last row and dropped; the checks
        // see that nothing past the rows is written); alone and after whole groups.
        Random rnd = new Random(13);
        int width = VectorSupport.available() ? FftVector.width() : 4;
        for (boolean vector : paths()) {
            for (int n : new int[] {8, 15, 270, 343, 512, 1000}) {
                for (int rows : new int[] {width - 1, width / 2 + 1, width + width - 2, 2 * width + 6}) {
                    int len = n - rnd.nextInt(Math.min(n, 5));
                    checkForward(n, len, rows, vector, rnd);
                    checkInverse(n, len, rows, vector, rnd);
                }
            }
        }
    }

    /**
     * Even sizes whose half-size bins {@code m = n/2} put the vector path's tiles of bin pairs
     * (128 pairs each) just below, at and above a tile's end, with the middle bin {@code m/2}
     * shared by both halves (m even) or not (m odd); odd sizes whose bins cross tiles; the
     * smallest sizes; sizes whose tiles end off a vector's width.
     */
    private static final int[] TILE_EDGE_SIZES = {2, 4, 6, 10, 500, 504, 512, 540, 576, 250, 270, 343, 375, 675};

    @Test
    void groupsOfRowsMatchTheNaiveDftWithSpreadRowsAndOddLengths() {
        // Row counts of whole groups of interleaved rows (a vector's width), with and without a
        // remainder done row by row; lengths full, odd, short and empty; rows spread by strides
        // larger than a row (checked untouched between rows).
        Random rnd = new Random(11);
        int width = VectorSupport.available() ? FftVector.width() : 4;
        for (boolean vector : paths()) {
            for (int n : TILE_EDGE_SIZES) {
                for (int len : new int[] {n, n - 1, Math.min(n, 3)}) {
                    checkForward(n, len, 2 * width + 3, vector, rnd);
                    checkInverse(n, len, 2 * width + 3, vector, rnd);
                }
                checkForward(n, 0, width, vector, rnd);
                checkInverse(n, 0, width, vector, rnd);
            }
        }
    }

    @Test
    void groupsOfRowsOnTheVectorPathAgreeWithTheScalarPath() {
        if (!VectorSupport.available()) {
            return;
        }
        Random rnd = new Random(12);
        int rows = 2 * FftVector.width() + 3;
        for (int n : new int[] {256, 270, 8192, 8232, 6561, 16384 * 3}) {
            RealFft fft = RealFft.forSize(n);
            int b = fft.bins();
            int len = n - 1 - rnd.nextInt(n / 4);
            int xStride = len + 5;
            int outStride = b + 3;
            float[] x = random(rnd, rows * xStride);
            float[][] s = {new float[rows * outStride], new float[rows * outStride]};
            float[][] v = {new float[rows * outStride], new float[rows * outStride]};
            fft.forward(x, 0, xStride, len, s[0], s[1], 0, outStride, rows, false);
            fft.forward(x, 0, xStride, len, v[0], v[1], 0, outStride, rows, true);
            // The scale of a random signal's spectrum is about sqrt(len / 3).
            double tolerance = TOLERANCE * Math.sqrt(len / 3.0);
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < b; k++) {
                    int i = r * outStride + k;
                    assertEquals(s[0][i], v[0][i], tolerance, "n=" + n + " row " + r + " re " + k);
                    assertEquals(s[1][i], v[1][i], tolerance, "n=" + n + " row " + r + " im " + k);
                }
            }
            int yStride = n + 2;
            float[] ys = new float[rows * yStride];
            float[] yv = new float[rows * yStride];
            fft.inverse(s[0], s[1], 0, outStride, ys, 0, yStride, n, rows, false);
            fft.inverse(s[0], s[1], 0, outStride, yv, 0, yStride, n, rows, true);
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < n; t++) {
                    int i = r * yStride + t;
                    assertEquals(ys[i], yv[i], TOLERANCE, "inverse n=" + n + " row " + r + " t=" + t);
                    assertEquals(t < len ? x[r * xStride + t] : 0f, yv[i], TOLERANCE, "round trip n=" + n);
                }
            }
        }
    }

    @Test
    void largeSizesGiveTheSameRowsTogetherAsOneByOne() {
        Random rnd = new Random(15);
        for (int n : new int[] {48000, 65536, 59049, 2 * 3 * 5 * 7 * 64}) {
            RealFft fft = RealFft.forSize(n);
            int b = fft.bins();
            int rows = 17;
            float[] x = random(rnd, rows * n);
            float[][] together = {new float[rows * b], new float[rows * b]};
            float[][] single = {new float[rows * b], new float[rows * b]};
            for (boolean vector : paths()) {
                fft.forward(x, 0, n, n, together[0], together[1], 0, b, rows, vector);
                for (int r = 0; r < rows; r++) {
                    fft.forward(x, r * n, n, n, single[0], single[1], r * b, b, 1, false);
                }
                for (int i = 0; i < rows * b; i++) {
                    assertEquals(single[0][i], together[0][i], 2e-6 * Math.sqrt(n), "n=" + n + " re " + i);
                    assertEquals(single[1][i], together[1][i], 2e-6 * Math.sqrt(n), "n=" + n + " im " + i);
                }
                float[] y = new float[rows * n];
                fft.inverse(together[0], together[1], 0, b, y, 0, n, n, rows, vector);
                for (int i = 0; i < rows * n; i++) {
                    assertEquals(x[i], y[i], 2e-6, "round trip n=" + n + " at " + i);
                }
            }
        }
    }

    @Test
    void largeSizesMatchNaiveBins() {
        // A full naive DFT of these would take minutes; a sample of bins (both ends included) does not.
        Random rnd = new Random(3);
        int[] sizes = {65536, 59049, 48000, 44100, 16807, 15625, 32768 * 3, 2 * 3 * 5 * 7 * 64};
        for (boolean vector : paths()) {
            for (int n : sizes) {
                RealFft fft = RealFft.forSize(n);
                int len = n - rnd.nextInt(n / 3);
                float[] x = random(rnd, len);
                float[] re = new float[fft.bins()];
                float[] im = new float[fft.bins()];
                fft.forward(x, 0, len, len, re, im, 0, fft.bins(), 1, vector);
                double scale = 0;
                double[][] ref = new double[40][];
                int[] bins = new int[40];
                for (int i = 0; i < bins.length; i++) {
                    bins[i] = i < 3 ? i : i < 6 ? fft.bins() - 1 - (i - 3) : rnd.nextInt(fft.bins());
                    ref[i] = naiveBin(n, x, len, bins[i]);
                    scale = Math.max(scale, Math.hypot(ref[i][0], ref[i][1]));
                }
                // The scale of a random signal's spectrum is about sqrt(len / 3): take the larger.
                scale = Math.max(scale, Math.sqrt(len / 3.0));
                for (int i = 0; i < bins.length; i++) {
                    int k = bins[i];
                    double err = Math.hypot(re[k] - ref[i][0], im[k] - ref[i][1]);
                    assertTrue(err <= TOLERANCE * scale, "n=" + n + " bin " + k + " error " + err / scale);
                }
                // And back: the round trip returns the signal.
                float[] y = new float[n];
                fft.inverse(re, im, 0, fft.bins(), y, 0, n, n, 1, vector);
                for (int t = 0; t < n; t++) {
                    double expected = t < len ? x[t] : 0;
                    assertEquals(expected, y[t], 2e-6, "round trip n=" + n + " t=" + t);
                }
            }
        }
    }

    @Test
    void powersOfTwoMatchCommonsMath() {
        FastFourierTransformer cm = new FastFourierTransformer(DftNormalization.STANDARD);
        Random rnd = new Random(4);
        for (boolean vector : paths()) {
            for (int n = 1; n <= 65536; n *= 2) {
                RealFft fft = RealFft.forSize(n);
                float[] x = random(rnd, n);
                double[] xd = new double[n];
                for (int t = 0; t < n; t++) {
                    xd[t] = x[t];
                }
                Complex[] expected = cm.transform(xd, TransformType.FORWARD);
                float[] re = new float[fft.bins()];
                float[] im = new float[fft.bins()];
                fft.forward(x, 0, n, n, re, im, 0, fft.bins(), 1, vector);
                double[][] ref = new double[2][fft.bins()];
                for (int k = 0; k < fft.bins(); k++) {
                    ref[0][k] = expected[k].getReal();
                    ref[1][k] = expected[k].getImaginary();
                }
                assertSpectrumClose(ref, re, im, 0, "Commons Math n=" + n);

                // Inverse of a random Hermitian spectrum against Commons Math's inverse.
                float[] sr = random(rnd, fft.bins());
                float[] si = random(rnd, fft.bins());
                si[0] = 0;
                si[n / 2] = 0;
                Complex[] full = new Complex[n];
                for (int k = 0; k < n; k++) {
                    int h = k <= n / 2 ? k : n - k;
                    full[k] = new Complex(sr[h], k <= n / 2 ? si[h] : -si[h]);
                }
                Complex[] back = cm.transform(full, TransformType.INVERSE);
                double[] yRef = new double[n];
                for (int t = 0; t < n; t++) {
                    yRef[t] = back[t].getReal();
                }
                float[] y = new float[n];
                fft.inverse(sr, si, 0, fft.bins(), y, 0, n, n, 1, vector);
                assertSignalClose(yRef, y, 0, n, "Commons Math inverse n=" + n);
            }
        }
    }

    // ---- identities ----

    @Test
    void roundTripReturnsTheSignal() {
        Random rnd = new Random(5);
        for (boolean vector : paths()) {
            for (int n : new int[] {1, 2, 3, 4, 5, 6, 7, 12, 30, 35, 49, 64, 105, 210, 343, 1000, 1029, 4096, 8000, 19683}) {
                RealFft fft = RealFft.forSize(n);
                int rows = 3;
                float[] x = random(rnd, rows * n);
                float[] re = new float[rows * fft.bins()];
                float[] im = new float[rows * fft.bins()];
                float[] y = new float[rows * n];
                fft.forward(x, 0, n, n, re, im, 0, fft.bins(), rows, vector);
                fft.inverse(re, im, 0, fft.bins(), y, 0, n, n, rows, vector);
                for (int i = 0; i < rows * n; i++) {
                    assertEquals(x[i], y[i], 2e-6, "n=" + n + " i=" + i);
                }
            }
        }
    }

    @Test
    void forwardIsLinear() {
        Random rnd = new Random(6);
        for (boolean vector : paths()) {
            for (int n : new int[] {10, 63, 128, 441, 2000, 6174}) {
                RealFft fft = RealFft.forSize(n);
                int b = fft.bins();
                float[] x = random(rnd, n);
                float[] z = random(rnd, n);
                float alpha = 0.75f;
                float beta = -2.5f;
                float[] mix = new float[n];
                for (int t = 0; t < n; t++) {
                    mix[t] = alpha * x[t] + beta * z[t];
                }
                float[][] fx = {new float[b], new float[b]};
                float[][] fz = {new float[b], new float[b]};
                float[][] fm = {new float[b], new float[b]};
                fft.forward(x, 0, n, n, fx[0], fx[1], 0, b, 1, vector);
                fft.forward(z, 0, n, n, fz[0], fz[1], 0, b, 1, vector);
                fft.forward(mix, 0, n, n, fm[0], fm[1], 0, b, 1, vector);
                double scale = Math.sqrt(n);
                for (int k = 0; k < b; k++) {
                    for (int c = 0; c < 2; c++) {
                        double expected = alpha * fx[c][k] + beta * fz[c][k];
                        assertEquals(expected, fm[c][k], 1e-5 * scale, "n=" + n + " k=" + k);
                    }
                }
            }
        }
    }

    @Test
    void parsevalHolds() {
        Random rnd = new Random(7);
        for (boolean vector : paths()) {
            for (int n : fastSizesUpTo(3000)) {
                RealFft fft = RealFft.forSize(n);
                int b = fft.bins();
                float[] x = random(rnd, n);
                float[] re = new float[b];
                float[] im = new float[b];
                fft.forward(x, 0, n, n, re, im, 0, b, 1, vector);
                double time = 0;
                for (float v : x) {
                    time += (double) v * v;
                }
                double freq = 0;
                for (int k = 0; k < b; k++) {
                    double weight = (k == 0 || 2 * k == n) ? 1 : 2;
                    freq += weight * ((double) re[k] * re[k] + (double) im[k] * im[k]);
                }
                assertEquals(time, freq / n, 1e-5 * time, "n=" + n);
            }
        }
    }

    @Test
    void emptyRowsAndNoRows() {
        RealFft fft = RealFft.forSize(12);
        float[] re = new float[7];
        float[] im = new float[7];
        Arrays.fill(re, 5f);
        Arrays.fill(im, 5f);
        fft.forward(new float[0], 0, 0, 0, re, im, 0, 7, 1);
        assertArrayEquals(new float[7], re);
        assertArrayEquals(new float[7], im);
        float[] y = {9f};
        fft.forward(new float[0], 0, 0, 0, re, im, 0, 7, 0);
        fft.inverse(re, im, 0, 7, y, 0, 0, 0, 1);
        assertEquals(9f, y[0]);
    }

    @Test
    void vectorAndScalarPathsAgree() {
        if (!VectorSupport.available()) {
            return;
        }
        Random rnd = new Random(8);
        for (int n : new int[] {64, 96, 1000, 4096, 22050, 65536}) {
            RealFft fft = RealFft.forSize(n);
            int b = fft.bins();
            float[] x = random(rnd, n);
            float[][] s = {new float[b], new float[b]};
            float[][] v = {new float[b], new float[b]};
            fft.forward(x, 0, n, n, s[0], s[1], 0, b, 1, false);
            fft.forward(x, 0, n, n, v[0], v[1], 0, b, 1, true);
            for (int k = 0; k < b; k++) {
                assertEquals(s[0][k], v[0][k], 1e-5 * Math.sqrt(n), "n=" + n);
                assertEquals(s[1][k], v[1][k], 1e-5 * Math.sqrt(n), "n=" + n);
            }
        }
    }

    @Test
    void concurrentCallsGiveTheSameResult() throws Exception {
        int n = 6000;
        RealFft fft = RealFft.forSize(n);
        Random rnd = new Random(9);
        float[] x = random(rnd, n);
        float[] re = new float[fft.bins()];
        float[] im = new float[fft.bins()];
        fft.forward(x, 0, n, n, re, im, 0, fft.bins(), 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int task = 0; task < 16; task++) {
                results.add(pool.submit(() -> {
                    for (int rep = 0; rep < 20; rep++) {
                        float[] r = new float[fft.bins()];
                        float[] i = new float[fft.bins()];
                        fft.forward(x, 0, n, n, r, i, 0, fft.bins(), 1);
                        if (!Arrays.equals(r, re) || !Arrays.equals(i, im)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdown();
        }
    }

    // ---- property ----

    private static Gen<Integer> fastSizes() {
        return Generate.pick(fastSizesUpTo(3000));
    }

    @Test
    void forwardAndInverseMatchNaiveOnRandomSizesAndLengths() {
        Property.forAll(50, in -> new SizeCase(fastSizes().generate(in),
                longs().all().generate(in)),
                a -> forwardAndInverseMatchNaiveOnRandomSizesAndLengths(a.n(), a.seed()));
    }

    /** One try of {@link #forwardAndInverseMatchNaiveOnRandomSizesAndLengths()}. */
    record SizeCase(int n, long seed) {
    }

    private void forwardAndInverseMatchNaiveOnRandomSizesAndLengths(int n, long seed) {
        Random rnd = new Random(seed);
        int len = rnd.nextInt(n + 1);
        int rows = 1 + rnd.nextInt(3);
        for (boolean vector : paths()) {
            checkForward(n, len, rows, vector, rnd);
            checkInverse(n, len, rows, vector, rnd);
        }
    }
}
