package dev.ssmc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Scan} against the recurrence in double, on both paths; chunking and reversal. */
class ScanTest {

    interface Path {
        void run(int lanes, int length, float[] aRe, float[] aIm, float[] vRe, float[] vIm, int vOff,
                 float[] xRe, float[] xIm, float[] outRe, float[] outIm, int outOff, boolean reverse);
    }

    static Path[] paths() {
        Path scalar = Scan::scalar;
        Path vector = Scan::vector;
        return VectorSupport.available() ? new Path[] {scalar, vector} : new Path[] {scalar};
    }

    static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        return x;
    }

    /** Stable multipliers (magnitude in [0.3, 0.999), any angle) as the scan takes them: {@code a - 1}. */
    static float[][] decays(Random rnd, int lanes) {
        float[] re = new float[lanes];
        float[] im = new float[lanes];
        for (int s = 0; s < lanes; s++) {
            double r = 0.3 + 0.699 * rnd.nextDouble();
            double th = Math.PI * (2 * rnd.nextDouble() - 1);
            re[s] = (float) (r * Math.cos(th) - 1);
            im[s] = (float) (r * Math.sin(th));
        }
        return new float[][] {re, im};
    }

    static void check(Random rnd, int lanes, int length, boolean reverse, boolean realInput, boolean realA,
                      int outputs /* 0 both, 1 re only, 2 im only, 3 none */) {
        float[][] a = decays(rnd, lanes);
        if (realA) {
            a[1] = null;
        }
        int vOff = rnd.nextInt(4);
        int outOff = rnd.nextInt(4);
        float[] vRe = random(rnd, vOff + lanes * length);
        float[] vIm = realInput ? null : random(rnd, vOff + lanes * length);
        float[] x0Re = random(rnd, lanes);
        float[] x0Im = random(rnd, lanes);
        // Reference in double.
        double[] refRe = new double[lanes * length];
        double[] refIm = new double[lanes * length];
        double[] endRe = new double[lanes];
        double[] endIm = new double[lanes];
        double scale = 1;
        for (int s = 0; s < lanes; s++) {
            double ar = 1 + (double) a[0][s]; // exactly the a the scan's decay stands for
            double ai = a[1] == null ? 0 : a[1][s];
            double xr = x0Re[s];
            double xi = x0Im[s];
            for (int n = 0; n < length; n++) {
                int t = reverse ? length - 1 - n : n;
                int v = vOff + t * lanes + s;
                double nr = ar * xr - ai * xi + vRe[v];
                double ni = ar * xi + ai * xr + (vIm == null ? 0 : vIm[v]);
                xr = nr;
                xi = ni;
                refRe[t * lanes + s] = xr;
                refIm[t * lanes + s] = xi;
                scale = Math.max(scale, Math.hypot(xr, xi));
            }
            endRe[s] = xr;
            endIm[s] = xi;
        }
        double tol = 1e-5 * scale;
        for (Path path : paths()) {
            float[] xRe = x0Re.clone();
            float[] xIm = x0Im.clone();
            float[] outRe = outputs == 0 || outputs == 1 ? filled(outOff + lanes * length) : null;
            float[] outIm = outputs == 0 || outputs == 2 ? filled(outOff + lanes * length) : null;
            path.run(lanes, length, a[0], a[1], vRe, vIm, vOff, xRe, xIm, outRe, outIm, outOff, reverse);
            String what = "lanes=" + lanes + " length=" + length + " reverse=" + reverse;
            for (int i = 0; i < lanes * length; i++) {
                if (outRe != null) {
                    assertEquals(refRe[i], outRe[outOff + i], tol, what + " re " + i);
                }
                if (outIm != null) {
                    assertEquals(refIm[i], outIm[outOff + i], tol, what + " im " + i);
                }
            }
            for (int s = 0; s < lanes; s++) {
                assertEquals(endRe[s], xRe[s], tol, what + " final state re " + s);
                assertEquals(endIm[s], xIm[s], tol, what + " final state im " + s);
            }
            if (outRe != null) {
                for (int i = 0; i < outOff; i++) {
                    assertEquals(-7f, outRe[i]);
                }
            }
        }
    }

    private static float[] filled(int size) {
        float[] x = new float[size];
        Arrays.fill(x, -7f);
        return x;
    }

    @Test
    void matchesTheRecurrenceForLaneCountsAroundVectorWidths() {
        Random rnd = new Random(21);
        for (int lanes : new int[] {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65, 100, 127, 128, 129, 200, 257, 520}) {
            for (boolean reverse : new boolean[] {false, true}) {
                check(rnd, lanes, 1 + rnd.nextInt(60), reverse, rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextInt(4));
            }
        }
    }

    @Test
    void longRunsStayAccurate() {
        Random rnd = new Random(22);
        check(rnd, 40, 20000, false, false, false, 0);
        check(rnd, 40, 20000, true, true, false, 1);
        check(rnd, 300, 3000, false, true, false, 2); // swept step by step
    }

    @Test
    void emptyScanLeavesTheState() {
        for (Path path : paths()) {
            float[] xr = {1, 2};
            float[] xi = {3, 4};
            path.run(2, 0, new float[] {0.5f, 0.5f}, new float[2], new float[0], null, 0, xr, xi, null, null, 0, false);
            assertArrayEquals(new float[] {1, 2}, xr);
            assertArrayEquals(new float[] {3, 4}, xi);
        }
        assertThrows(IllegalArgumentException.class,
                () -> Scan.run(-1, 1, null, null, null, null, 0, null, null, null, null, 0, false));
    }

    @Test
    void chunksChainedThroughTheStateEqualOneRun() {
        Random rnd = new Random(23);
        int lanes = 37;
        int length = 301;
        float[][] a = decays(rnd, lanes);
        float[] vRe = random(rnd, lanes * length);
        float[] vIm = random(rnd, lanes * length);
        for (boolean reverse : new boolean[] {false, true}) {
            for (Path path : paths()) {
                float[] xr = new float[lanes];
                float[] xi = new float[lanes];
                float[] wholeRe = new float[lanes * length];
                float[] wholeIm = new float[lanes * length];
                path.run(lanes, length, a[0], a[1], vRe, vIm, 0, xr, xi, wholeRe, wholeIm, 0, reverse);
                float[] cr = new float[lanes];
                float[] ci = new float[lanes];
                float[] partRe = new float[lanes * length];
                float[] partIm = new float[lanes * length];
                int[] cuts = {0, 1, 2, 50, 51, 190, 300, 301};
                // Forward runs the chunks in time order; reverse runs them from the end.
                for (int c = 0; c + 1 < cuts.length; c++) {
                    int idx = reverse ? cuts.length - 2 - c : c;
                    int from = cuts[idx];
                    int len = cuts[idx + 1] - from;
                    path.run(lanes, len, a[0], a[1], vRe, vIm, from * lanes, cr, ci, partRe, partIm, from * lanes, reverse);
                }
                assertArrayEquals(wholeRe, partRe);
                assertArrayEquals(wholeIm, partIm);
                assertArrayEquals(xr, cr);
                assertArrayEquals(xi, ci);
            }
        }
    }

    @Test
    void reverseIsForwardOnReversedTime() {
        Random rnd = new Random(24);
        int lanes = 21;
        int length = 77;
        float[][] a = decays(rnd, lanes);
        float[] vRe = random(rnd, lanes * length);
        float[] vIm = random(rnd, lanes * length);
        float[] rRe = new float[lanes * length];
        float[] rIm = new float[lanes * length];
        for (int t = 0; t < length; t++) {
            System.arraycopy(vRe, t * lanes, rRe, (length - 1 - t) * lanes, lanes);
            System.arraycopy(vIm, t * lanes, rIm, (length - 1 - t) * lanes, lanes);
        }
        for (Path path : paths()) {
            float[] backRe = new float[lanes * length];
            float[] fwdRe = new float[lanes * length];
            float[] x1r = new float[lanes];
            float[] x1i = new float[lanes];
            float[] x2r = new float[lanes];
            float[] x2i = new float[lanes];
            path.run(lanes, length, a[0], a[1], vRe, vIm, 0, x1r, x1i, backRe, null, 0, true);
            path.run(lanes, length, a[0], a[1], rRe, rIm, 0, x2r, x2i, fwdRe, null, 0, false);
            for (int t = 0; t < length; t++) {
                for (int s = 0; s < lanes; s++) {
                    assertEquals(backRe[t * lanes + s], fwdRe[(length - 1 - t) * lanes + s]);
                }
            }
            assertArrayEquals(x1r, x2r);
            assertArrayEquals(x1i, x2i);
        }
    }

    @Test
    void runRealWritesTheRealPart() {
        Random rnd = new Random(25);
        int lanes = 45;
        int length = 33;
        float[][] a = decays(rnd, lanes);
        float[] vRe = random(rnd, lanes * length);
        float[] re = new float[lanes * length];
        float[] im = new float[lanes * length];
        float[] real = new float[lanes * length];
        Scan.run(lanes, length, a[0], a[1], vRe, null, 0, new float[lanes], new float[lanes], re, im, 0, false);
        Scan.runReal(lanes, length, a[0], a[1], vRe, null, 0, new float[lanes], new float[lanes], real, 0, false);
        assertArrayEquals(re, real);
    }

    @Test
    void randomScansMatchTheRecurrence() {
        Property.forAll(120, in -> new ScanCase(integers().between(0, 300).generate(in),
                integers().between(0, 120).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                integers().between(0, 3).generate(in),
                longs().all().generate(in)),
                a -> randomScansMatchTheRecurrence(a.lanes(), a.length(), a.reverse(), a.realInput(), a.realA(),
                        a.outputs(), a.seed()));
    }

    /** One try of {@link #randomScansMatchTheRecurrence()}. */
    record ScanCase(int lanes, int length, boolean reverse, boolean realInput, boolean realA, int outputs, long seed) {
    }

    private void randomScansMatchTheRecurrence(int lanes, int length, boolean reverse, boolean realInput,
            boolean realA, int outputs, long seed) {
        check(new Random(seed), lanes, length, reverse, realInput, realA, outputs);
    }
}
