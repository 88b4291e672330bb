package dev.ssmc.runtime.nn;

import java.util.Arrays;
import java.util.Random;

/** Helpers of the nn tests: random data, double copies, tolerant comparisons and central finite differences. */
final class NnTesting {
    private NnTesting() {
    }

    /** A computation of a scalar from arrays the caller perturbs in place. */
    interface Objective {
        double value();
    }

    static float[] randn(Random rnd, int n, double scale, double offset) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (offset + scale * rnd.nextGaussian());
        }
        return a;
    }

    static float[] randn(Random rnd, int n) {
        return randn(rnd, n, 1, 0);
    }

    static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** {@code sum(y * g)}. */
    static double dot(double[] y, double[] g) {
        double s = 0;
        for (int i = 0; i < y.length; i++) {
            s += y[i] * g[i];
        }
        return s;
    }

    /**
     * Asserts {@code |actual[i] - expected[i]| <= rel * max|expected| + abs} for every {@code i < expected.length}
     * (a tolerance relative to the largest magnitude, as float rounding of sums scales with it).
     */
    static void assertClose(String what, double[] expected, float[] actual, double rel, double abs) {
        double tol = rel * maxAbs(expected) + abs;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            if (!(Math.abs(actual[i] - e) <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + e
                        + " (tolerance " + tol + ")\n  expected " + head(expected) + "\n  actual   " + head(actual));
            }
        }
    }

    static void assertClose(String what, double[] expected, double[] actual, double rel, double abs) {
        double tol = rel * maxAbs(expected) + abs;
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]
                        + " (tolerance " + tol + ")");
            }
        }
    }

    private static String head(double[] a) {
        return Arrays.toString(Arrays.copyOf(a, Math.min(a.length, 12)));
    }

    private static String head(float[] a) {
        return Arrays.toString(Arrays.copyOf(a, Math.min(a.length, 12)));
    }

    /**
     * The central-difference gradient of {@code f} with respect to every element of {@code p},
     * perturbing {@code p} in place (and restoring it).
     */
    static double[] finiteDifferences(double[] p, Objective f) {
        double[] grad = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            double v = p[i];
            double h = 1e-5 * Math.max(1.0, Math.abs(v));
            p[i] = v + h;
            double plus = f.value();
            p[i] = v - h;
            double minus = f.value();
            p[i] = v;
            grad[i] = (plus - minus) / (2 * h);
        }
        return grad;
    }

    /**
     * Asserts that {@code analytic[i] (- start[i])} matches the central difference of {@code f} with
     * respect to {@code p[i]} for {@code count} random indices (for problems too big to difference
     * completely).
     */
    static void assertSampledGradient(String what, Random rnd, int count, double[] p, float[] analytic, float[] start,
                                      Objective f, double scale) {
        for (int j = 0; j < count; j++) {
            int i = rnd.nextInt(p.length);
            double v = p[i];
            double h = 1e-5 * Math.max(1.0, Math.abs(v));
            p[i] = v + h;
            double plus = f.value();
            p[i] = v - h;
            double minus = f.value();
            p[i] = v;
            double fd = (plus - minus) / (2 * h);
            double got = start == null ? analytic[i] : (double) analytic[i] - start[i];
            if (!(Math.abs(got - fd) <= 1e-4 * scale)) {
                throw new AssertionError(what + "[" + i + "] = " + got + ", finite differences give " + fd);
            }
        }
    }

    /** Random start values for accumulated gradients, so tests see that backward adds instead of overwriting. */
    static float[] prefill(Random rnd, int n) {
        return randn(rnd, n, 0.5, 0);
    }

    /**
     * Asserts that a float gradient agrees with double finite differences: {@code analytic} is
     * checked as written when {@code start} is null, else as {@code analytic - start} (what an
     * accumulating backward added).
     */
    static void assertGradient(String what, double[] fd, float[] analytic, float[] start) {
        assertGradient(what, fd, analytic, start, 0);
    }

    /**
     * {@link #assertGradient(String, double[], float[], float[])} with an extra absolute tolerance,
     * for gradients that are small differences of much larger float terms.
     */
    static void assertGradient(String what, double[] fd, float[] analytic, float[] start, double extraAbs) {
        double[] got = new double[fd.length];
        for (int i = 0; i < fd.length; i++) {
            got[i] = start == null ? analytic[i] : (double) analytic[i] - start[i];
        }
        assertClose(what, fd, got, 5e-4, 1e-5 + extraAbs);
    }
}
