package dev.ssmc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ChunkedConv} against a direct convolution with the kernel (and the recurrence for the
 * carried state) in double, on both paths: chunk sizes from 1 to beyond the length, column counts
 * on both sides of the matrix-product threshold, real and complex weights, chained calls.
 */
class ChunkedConvTest {

    static final class Problem {
        int groups;
        int states;
        int columns;
        float[] aRe;
        float[] aIm;
        float[] wRe;
        float[] wIm;

        int count() {
            return groups * states;
        }
    }

    static Problem problem(Random rnd, int groups, int states, int columns, boolean complexW) {
        Problem p = new Problem();
        p.groups = groups;
        p.states = states;
        p.columns = columns;
        float[][] a = SsmKernelsTest.ssmMultipliers(rnd, groups * states);
        p.aRe = a[0];
        p.aIm = a[1];
        p.wRe = ScanTest.random(rnd, groups * states);
        p.wIm = complexW ? ScanTest.random(rnd, groups * states) : null;
        return p;
    }

    /** Reference output and final state, in double: {y, hRe, hIm}. */
    static double[][] reference(Problem p, int length, float[] v, float[] h0Re, float[] h0Im) {
        int g = p.groups;
        int s = p.states;
        int j = p.columns;
        double[] y = new double[g * j * length];
        double[] hRe = new double[g * s * j];
        double[] hIm = new double[g * s * j];
        for (int gi = 0; gi < g; gi++) {
            for (int q = 0; q < s; q++) {
                int st = gi * s + q;
                double ar = p.aRe[st];
                double ai = p.aIm[st];
                double wr = p.wRe[st];
                double wi = p.wIm == null ? 0 : p.wIm[st];
                // The recurrence in double: x_t = a x_{t-1} + v_t, y_t += Re(w x_t).
                for (int c = 0; c < j; c++) {
                    double xr = h0Re == null ? 0 : h0Re[st * j + c];
                    double xi = h0Im == null ? 0 : h0Im[st * j + c];
                    int base = (gi * j + c) * length;
                    for (int t = 0; t < length; t++) {
                        double nr = ar * xr - ai * xi + v[base + t];
                        double ni = ar * xi + ai * xr;
                        xr = nr;
                        xi = ni;
                        y[base + t] += wr * xr - wi * xi;
                    }
                    hRe[st * j + c] = xr;
                    hIm[st * j + c] = xi;
                }
            }
        }
        return new double[][] {y, hRe, hIm};
    }

    /** The direct convolution with K[l] = Re(sum_s w a^l), exact powers: the definition itself. */
    static double[] directReference(Problem p, int length, float[] v) {
        int s = p.states;
        int j = p.columns;
        double[] y = new double[p.groups * j * length];
        for (int gi = 0; gi < p.groups; gi++) {
            double[] k = new double[length];
            for (int q = 0; q < s; q++) {
                int st = gi * s + q;
                double wi = p.wIm == null ? 0 : p.wIm[st];
                for (int l = 0; l < length; l++) {
                    double[] pw = SsmKernelsTest.exactPower(p.aRe[st], p.aIm[st], l);
                    k[l] += p.wRe[st] * pw[0] - wi * pw[1];
                }
            }
            for (int c = 0; c < j; c++) {
                int base = (gi * j + c) * length;
                for (int t = 0; t < length; t++) {
                    double sum = 0;
                    for (int l = 0; l <= t; l++) {
                        sum += k[l] * v[base + t - l];
                    }
                    y[base + t] = sum;
                }
            }
        }
        return y;
    }

    static boolean[] paths() {
        return VectorSupport.available() ? new boolean[] {false, true} : new boolean[] {false};
    }

    static double scale(double[] x) {
        double m = 1e-3;
        for (double d : x) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    static void check(Random rnd, int groups, int states, int columns, int length, int chunk, boolean complexW,
                      boolean withState) {
        Problem p = problem(rnd, groups, states, columns, complexW);
        float[] v = ScanTest.random(rnd, groups * columns * length);
        float[] h0Re = withState ? ScanTest.random(rnd, groups * states * columns) : null;
        float[] h0Im = withState ? ScanTest.random(rnd, groups * states * columns) : null;
        double[][] ref = reference(p, length, v, h0Re, h0Im);
        if (!withState) {
            // From a zero state the output is the direct convolution with the kernel, by definition.
            ref[0] = directReference(p, length, v);
        }
        double yScale = scale(ref[0]);
        double hScale = Math.max(scale(ref[1]), scale(ref[2]));
        for (boolean vector : paths()) {
            float[] y = new float[v.length];
            float[] hRe = withState ? h0Re.clone() : null;
            float[] hIm = withState ? h0Im.clone() : null;
            ChunkedConv.run(groups, states, columns, length, chunk, p.aRe, p.aIm, p.wRe, p.wIm, v, y, hRe, hIm, vector);
            String what = "G=" + groups + " S=" + states + " J=" + columns + " L=" + length + " T=" + chunk
                    + (vector ? " vector" : " scalar");
            for (int i = 0; i < y.length; i++) {
                assertEquals(ref[0][i], y[i], 2e-5 * yScale, what + " y[" + i + "]");
            }
            if (withState) {
                for (int i = 0; i < hRe.length; i++) {
                    assertEquals(ref[1][i], hRe[i], 2e-5 * hScale, what + " hRe[" + i + "]");
                    assertEquals(ref[2][i], hIm[i], 2e-5 * hScale, what + " hIm[" + i + "]");
                }
            }
        }
    }

    @Test
    void theRecurrenceReferenceIsTheConvolutionWithTheKernel() {
        // The two references agree, so checking against the recurrence checks the definition.
        Random rnd = new Random(51);
        Problem p = problem(rnd, 2, 3, 2, true);
        int length = 120;
        float[] v = ScanTest.random(rnd, 2 * 2 * length);
        double[] direct = directReference(p, length, v);
        double[] recurrent = reference(p, length, v, null, null)[0];
        for (int i = 0; i < direct.length; i++) {
            assertEquals(direct[i], recurrent[i], 1e-9 * scale(direct));
        }
    }

    @Test
    void anyChunkSize() {
        Random rnd = new Random(52);
        int length = 150;
        for (int chunk : new int[] {1, 2, 7, 16, 63, 64, 65, 100, 149, 150, 151, 1000}) {
            check(rnd, 2, 4, 1, length, chunk, true, false);
            check(rnd, 2, 4, 5, length, chunk, false, true);
        }
    }

    @Test
    void columnsOnBothSidesOfTheMatrixProductThreshold() {
        Random rnd = new Random(53);
        for (int columns = 1; columns <= ChunkedConv.GEMM_COLUMNS + 2; columns++) {
            check(rnd, 3, 3, columns, 97, 32, true, true);
        }
        check(rnd, 1, 8, 40, 300, 128, true, true);
    }

    @Test
    void noStatesAndEmptySizes() {
        Random rnd = new Random(54);
        check(rnd, 2, 0, 3, 20, 8, true, true);
        check(rnd, 2, 3, 3, 0, 8, true, true);
        check(rnd, 0, 3, 3, 20, 8, true, true);
        check(rnd, 2, 3, 0, 20, 8, true, true);
    }

    @Test
    void chainedCallsEqualOneCall() {
        Random rnd = new Random(55);
        int groups = 2;
        int states = 5;
        for (int columns : new int[] {2, 6}) {
            Problem p = problem(rnd, groups, states, columns, true);
            int length = 230;
            float[] v = ScanTest.random(rnd, groups * columns * length);
            for (boolean vector : paths()) {
                float[] whole = new float[v.length];
                float[] hr = new float[groups * states * columns];
                float[] hi = new float[groups * states * columns];
                ChunkedConv.run(groups, states, columns, length, 40, p.aRe, p.aIm, p.wRe, p.wIm, v, whole, hr, hi, vector);
                float[] parts = new float[v.length];
                float[] cr = new float[hr.length];
                float[] ci = new float[hi.length];
                int[] cuts = {0, 1, 17, 100, 101, 229, 230};
                for (int c = 0; c + 1 < cuts.length; c++) {
                    int from = cuts[c];
                    int len = cuts[c + 1] - from;
                    // Each call sees its own piece of every row: copy it out and back.
                    float[] pv = new float[groups * columns * len];
                    float[] py = new float[pv.length];
                    for (int row = 0; row < groups * columns; row++) {
                        System.arraycopy(v, row * length + from, pv, row * len, len);
                    }
                    ChunkedConv.run(groups, states, columns, len, 40, p.aRe, p.aIm, p.wRe, p.wIm, pv, py, cr, ci, vector);
                    for (int row = 0; row < groups * columns; row++) {
                        System.arraycopy(py, row * len, parts, row * length + from, len);
                    }
                }
                double ys = 1e-3;
                for (float x : whole) {
                    ys = Math.max(ys, Math.abs(x));
                }
                for (int i = 0; i < whole.length; i++) {
                    assertEquals(whole[i], parts[i], 2e-5 * ys, "y[" + i + "]");
                }
                for (int i = 0; i < hr.length; i++) {
                    assertEquals(hr[i], cr[i], 2e-5 * ys);
                    assertEquals(hi[i], ci[i], 2e-5 * ys);
                }
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        float[] x = new float[8];
        assertThrows(IllegalArgumentException.class,
                () -> ChunkedConv.run(1, 1, 1, 8, 0, x, x, x, null, x, new float[8], null, null));
        assertThrows(IllegalArgumentException.class,
                () -> ChunkedConv.run(1, 1, 1, 9, 4, x, x, x, null, x, new float[9], null, null));
        assertThrows(IllegalArgumentException.class,
                () -> ChunkedConv.run(1, 1, 1, 8, 4, x, x, x, null, x, new float[8], new float[1], null));
        assertThrows(IllegalArgumentException.class,
                () -> ChunkedConv.run(1, 1, 1, 8, 4, x, x, x, null, x, x, null, null));
        // An impulse gives the kernel itself; a real multiplier may come without its imaginary part.
        float[] expected = {1, 0.5f, 0.25f, 0.125f, 0.0625f, 0.03125f, 0.015625f, 0.0078125f};
        for (float[] aIm : new float[][] {new float[1], null}) {
            for (int chunk : new int[] {1, 3, 8}) {
                float[] y = new float[8];
                ChunkedConv.run(1, 1, 1, 8, chunk, new float[] {0.5f}, aIm, new float[] {1f}, null,
                        new float[] {1, 0, 0, 0, 0, 0, 0, 0}, y, null, null);
                assertArrayEquals(expected, y);
            }
        }
    }

    @Test
    void randomProblemsMatchTheReference() {
        Property.forAll(80, in -> new ConvCase(integers().between(1, 3).generate(in),
                integers().between(0, 6).generate(in),
                integers().between(1, 9).generate(in),
                integers().between(0, 200).generate(in),
                integers().between(1, 250).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                longs().all().generate(in)),
                a -> randomProblemsMatchTheReference(a.groups(), a.states(), a.columns(), a.length(), a.chunk(),
                        a.complexW(), a.withState(), a.seed()));
    }

    /** One try of {@link #randomProblemsMatchTheReference()}. */
    record ConvCase(int groups, int states, int columns, int length, int chunk, boolean complexW, boolean withState,
            long seed) {
    }

    private void randomProblemsMatchTheReference(int groups, int states, int columns, int length, int chunk,
            boolean complexW, boolean withState, long seed) {
        check(new Random(seed), groups, states, columns, length, chunk, complexW, withState);
    }
}
