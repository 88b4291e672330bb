package dev.ssmc.runtime.kernels;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Making SSM kernels: the powers of each state's multiplier in time, or their sum directly in
 * frequency.
 *
 * <ul>
 *   <li>{@link #powers}: {@code out[s*length + l] = a[s]^l} (a Vandermonde row per state).
 *   <li>{@link #powersFromExponent}: {@code out[s*length + l] = exp(z[s] * l)}, the same for
 *       {@code a = exp(z)} given the exponent {@code z = dt*A} (more accurate: no rounding of
 *       {@code a} to float first).
 *   <li>{@link #closedFormSpectrum}: {@code out[s*(n/2+1) + k] = sum_{l<length} a[s]^l w^(-k l)},
 *       {@code w = exp(2 pi i / n)}, {@code k = 0..n/2}: the spectrum of a state's kernel
 *       zero-padded to {@code n}, from the geometric series
 *       {@code (1 - a^L w^(-kL)) / (1 - a w^(-k))} without making the kernel or an FFT.
 * </ul>
 * Complex values are split arrays; a null imaginary input is a real one, a null imaginary output
 * is not written (what reaches a network's outputs is the real part).
 *
 * <p>Accuracy, not speed, decides the algorithms (these run once per weight update, not per
 * sample). Repeated multiplication in float would drift by about {@code l} ulps at lag {@code l};
 * here each block of 64 powers restarts from {@code exp(l0 * log a)} evaluated in double and
 * continues by multiplication in double, so every power is within a few float ulps of exact for
 * any length. The closed form is evaluated in double with exact table roots of unity; where the
 * denominator nearly vanishes (a pole of the series on the unit circle) it switches to
 * {@code expm1(L g) / expm1(g)} with {@code g = log a - 2 pi i k / n}, which has no cancellation.
 */
public final class SsmKernels {
    /**
     * Powers between restarts from the exact value. A product of n doubles drifts by about
     * n * 1.1e-16 relative, so 1024 multiplications stay a million times below a float's ulp;
     * restarting more often only costs an exp, a cos and a sin per restart (at 64 they were most
     * of the time of a long kernel).
     */
    private static final int BLOCK = 1024;
    /** Below this |1 - a w^-k| the closed form's plain quotient loses digits; use expm1. */
    private static final double NEAR_POLE = 1e-6;
    private static final ConcurrentHashMap<Integer, double[]> ROOTS = new ConcurrentHashMap<>();

    private SsmKernels() {
    }

    /**
     * {@code Re(a - 1)} for {@code a = exp(zRe + i zIm)}, without cancellation:
     * {@code expm1(zRe) cos(zIm) - 2 sin^2(zIm / 2)}. Recurrences step {@code x += (a - 1) x + v}
     * with it: a slow state's {@code a} rounded to float moves its pole by an ulp, {@code 6e-8},
     * which changes the state's gain by {@code 6e-8 / (1 - |a|)}, 1e-4 for {@code dt Re A = -5e-4};
     * {@code a - 1} in float is exact to 6e-8 of itself, so the pole moves by {@code 3e-11}.
     */
    public static double decayRe(double zRe, double zIm) {
        double h = Math.sin(zIm / 2);
        return Math.expm1(zRe) * Math.cos(zIm) - 2 * h * h;
    }

    /** {@code Im(a - 1) = Im a = exp(zRe) sin(zIm)}; see {@link #decayRe}. */
    public static double decayIm(double zRe, double zIm) {
        return Math.exp(zRe) * Math.sin(zIm);
    }

    /** {@code out[s*length + l] = a[s]^l} for {@code s < states}, {@code l < length} ({@code 0^0 = 1}). */
    public static void powers(int states, int length, float[] aRe, float[] aIm, float[] outRe, float[] outIm) {
        powers(states, length, aRe, aIm, 0, outRe, outIm, 0);
    }

    /** {@link #powers} reading {@code a[aOff + s]} and writing {@code out[outOff + s*length + l]}. */
    public static void powers(int states, int length, float[] aRe, float[] aIm, int aOff,
                              float[] outRe, float[] outIm, int outOff) {
        check(states, length);
        Parallel.forRange(states, 1, 4L * states * length, (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                double ar = aRe[aOff + s];
                double ai = aIm == null ? 0 : aIm[aOff + s];
                int o = outOff + s * length;
                if (ar == 0 && ai == 0) {
                    for (int l = 0; l < length; l++) {
                        put(outRe, outIm, o + l, l == 0 ? 1 : 0, 0);
                    }
                    continue;
                }
                fill(length, Math.log(Math.hypot(ar, ai)), Math.atan2(ai, ar), ar, ai, outRe, outIm, o);
            }
        });
    }

    /** {@code out[s*length + l] = exp(z[s] * l)} for {@code s < states}, {@code l < length}. */
    public static void powersFromExponent(int states, int length, float[] zRe, float[] zIm,
                                          float[] outRe, float[] outIm) {
        check(states, length);
        Parallel.forRange(states, 1, 4L * states * length, (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                powerRow(zRe[s], zIm == null ? 0 : zIm[s], length, outRe, outIm, s * length);
            }
        });
    }

    /** {@code out[o + l] = exp(z l)} for {@code l < length}: one state's row of {@link #powersFromExponent}. */
    public static void powerRow(double zRe, double zIm, int length, float[] outRe, float[] outIm, int o) {
        double mag = Math.exp(zRe);
        fill(length, zRe, zIm, mag * Math.cos(zIm), mag * Math.sin(zIm), outRe, outIm, o);
    }

    /** Which value of {@code exp(z l)} a row of {@link #powerRow(double, double, int, Component, float[], int)} holds. */
    public enum Component {
        /** {@code Re exp(z l)}. */
        RE(false, false),
        /** {@code Im exp(z l)}. */
        IM(true, false),
        /** {@code l Re exp(z l)}, the derivative of the real part in {@code Re z}. */
        LAG_TIMES_RE(false, true),
        /** {@code l Im exp(z l)}. */
        LAG_TIMES_IM(true, true);

        final boolean imaginary;
        final boolean timesLag;
        /** The same as factors of 0 or 1, for code that chooses by arithmetic ({@link PowerRowVector}). */
        final double takeRe;
        final double takeIm;
        final double lagScale;

        Component(boolean imaginary, boolean timesLag) {
            this.imaginary = imaginary;
            this.timesLag = timesLag;
            this.takeRe = imaginary ? 0 : 1;
            this.takeIm = imaginary ? 1 : 0;
            this.lagScale = timesLag ? 1 : 0;
        }
    }

    /**
     * {@code out[o + l]} = one component of {@code exp(z l)}, {@code l < length}, rounded once from
     * double: the row a kernel by powers, or its derivative, needs, written where it belongs
     * without a complex row in between.
     */
    public static void powerRow(double zRe, double zIm, int length, Component part, float[] out, int o) {
        powerRow(zRe, zIm, length, part, out, o, VectorSupport.enabled());
    }

    /** {@link #powerRow(double, double, int, Component, float[], int)} on the path the caller chooses (tests run both). */
    static void powerRow(double zRe, double zIm, int length, Component part, float[] out, int o, boolean vector) {
        int l = 0;
        if (vector && PowerRowVector.applies()) {
            l = PowerRowVector.powerRow(zRe, zIm, length, BLOCK, part.takeRe, part.takeIm, part.lagScale, out, o);
            for (; l < length; l++) { // fewer lags than a vector: each exactly
                double mag = Math.exp(l * zRe);
                double v = mag * (part.imaginary ? Math.sin(l * zIm) : Math.cos(l * zIm));
                out[o + l] = (float) (part.timesLag ? l * v : v);
            }
            return;
        }
        float[] re = new float[length];
        float[] im = part.imaginary ? new float[length] : null;
        powerRow(zRe, zIm, length, re, im, 0);
        float[] p = part.imaginary ? im : re;
        for (; l < length; l++) {
            out[o + l] = part.timesLag ? (float) ((double) l * p[l]) : p[l];
        }
    }

    /**
     * Writes {@code exp(l (logMag + i arg))} for {@code l < length} at {@code out[o + l]}: exact
     * restarts every BLOCK lags, multiplication by {@code step} (the same number) in between, in
     * four interleaved chains (lags {@code l, l+1, l+2, l+3} each times {@code step^4}) because
     * one chain waits on the latency of every multiply.
     */
    private static void fill(int length, double logMag, double arg, double stepRe, double stepIm,
                             float[] outRe, float[] outIm, int o) {
        double s2r = stepRe * stepRe - stepIm * stepIm;
        double s2i = 2 * stepRe * stepIm;
        double s4r = s2r * s2r - s2i * s2i;
        double s4i = 2 * s2r * s2i;
        for (int l0 = 0; l0 < length; l0 += BLOCK) {
            double mag = Math.exp(l0 * logMag);
            double p0r = mag * Math.cos(l0 * arg);
            double p0i = mag * Math.sin(l0 * arg);
            double p1r = p0r * stepRe - p0i * stepIm;
            double p1i = p0r * stepIm + p0i * stepRe;
            double p2r = p0r * s2r - p0i * s2i;
            double p2i = p0r * s2i + p0i * s2r;
            double p3r = p1r * s2r - p1i * s2i;
            double p3i = p1r * s2i + p1i * s2r;
            int end = Math.min(length, l0 + BLOCK);
            int l = l0;
            for (; l + 4 <= end; l += 4) {
                outRe[o + l] = (float) p0r;
                outRe[o + l + 1] = (float) p1r;
                outRe[o + l + 2] = (float) p2r;
                outRe[o + l + 3] = (float) p3r;
                if (outIm != null) {
                    outIm[o + l] = (float) p0i;
                    outIm[o + l + 1] = (float) p1i;
                    outIm[o + l + 2] = (float) p2i;
                    outIm[o + l + 3] = (float) p3i;
                }
                double t;
                t = p0r * s4r - p0i * s4i;
                p0i = p0r * s4i + p0i * s4r;
                p0r = t;
                t = p1r * s4r - p1i * s4i;
                p1i = p1r * s4i + p1i * s4r;
                p1r = t;
                t = p2r * s4r - p2i * s4i;
                p2i = p2r * s4i + p2i * s4r;
                p2r = t;
                t = p3r * s4r - p3i * s4i;
                p3i = p3r * s4i + p3i * s4r;
                p3r = t;
            }
            // up to three lags are left, and p0, p1, p2 hold exactly them
            if (l < end) {
                put(outRe, outIm, o + l++, p0r, p0i);
            }
            if (l < end) {
                put(outRe, outIm, o + l++, p1r, p1i);
            }
            if (l < end) {
                put(outRe, outIm, o + l, p2r, p2i);
            }
        }
    }

    private static void put(float[] outRe, float[] outIm, int i, double re, double im) {
        outRe[i] = (float) re;
        if (outIm != null) {
            outIm[i] = (float) im;
        }
    }

    /**
     * {@code out[s*(n/2+1) + k] = sum_{l<length} a[s]^l exp(-2 pi i k l / n)}, {@code k = 0..n/2}:
     * the real FFT bins (size {@code n}) of each state's complex kernel {@code a^l}, {@code l < length}.
     * Meant for stable states ({@code |a| <= 1}); {@code n} need not be a fast size.
     */
    public static void closedFormSpectrum(int states, int length, int n, float[] aRe, float[] aIm,
                                          float[] outRe, float[] outIm) {
        check(states, length);
        if (n < 1) {
            throw new IllegalArgumentException("spectrum size must be positive, got " + n);
        }
        int bins = n / 2 + 1;
        double[] roots = roots(n);
        for (int s = 0; s < states; s++) {
            int o = s * bins;
            double ar = aRe[s];
            double ai = aIm == null ? 0 : aIm[s];
            if (length == 0 || (ar == 0 && ai == 0)) {
                // Empty sum, or only the lag-0 term.
                float v = length == 0 ? 0f : 1f;
                for (int k = 0; k < bins; k++) {
                    outRe[o + k] = v;
                    if (outIm != null) {
                        outIm[o + k] = 0f;
                    }
                }
                continue;
            }
            double logMag = Math.log(Math.hypot(ar, ai));
            double arg = Math.atan2(ai, ar);
            double magL = Math.exp(length * logMag);
            double aLr = magL * Math.cos(length * arg);
            double aLi = magL * Math.sin(length * arg);
            for (int k = 0; k < bins; k++) {
                // w^-k = (cos, -sin) of 2 pi k / n, from the table.
                double cr = roots[2 * k];
                double ci = -roots[2 * k + 1];
                double dr = 1 - (ar * cr - ai * ci);
                double di = -(ar * ci + ai * cr);
                double sr;
                double si;
                if (Math.abs(dr) + Math.abs(di) > NEAR_POLE) {
                    int idx = (int) ((long) k * length % n);
                    double er = roots[2 * idx];
                    double ei = -roots[2 * idx + 1];
                    double nr = 1 - (aLr * er - aLi * ei);
                    double ni = -(aLr * ei + aLi * er);
                    double den = dr * dr + di * di;
                    sr = (nr * dr + ni * di) / den;
                    si = (ni * dr - nr * di) / den;
                } else {
                    // g = log(a w^-k), imaginary part reduced to (-pi, pi]; the series is
                    // expm1(L g) / expm1(g), exactly L at g = 0.
                    double gr = logMag;
                    double gi = Math.IEEEremainder(arg - 2 * Math.PI * k / n, 2 * Math.PI);
                    if (gr == 0 && gi == 0) {
                        sr = length;
                        si = 0;
                    } else {
                        double[] num = expm1(length * gr, length * gi);
                        double[] den = expm1(gr, gi);
                        double d2 = den[0] * den[0] + den[1] * den[1];
                        sr = (num[0] * den[0] + num[1] * den[1]) / d2;
                        si = (num[1] * den[0] - num[0] * den[1]) / d2;
                    }
                }
                outRe[o + k] = (float) sr;
                if (outIm != null) {
                    outIm[o + k] = (float) si;
                }
            }
        }
    }

    /** {@code exp(x + iy) - 1} without cancellation near 0. */
    private static double[] expm1(double x, double y) {
        double h = Math.sin(0.5 * y);
        return new double[] {Math.expm1(x) * Math.cos(y) - 2 * h * h, Math.exp(x) * Math.sin(y)};
    }

    /** {@code cos, sin} of {@code 2 pi j / n}, interleaved, {@code j < n}; cached per size. */
    private static double[] roots(int n) {
        double[] table = ROOTS.get(n);
        if (table != null) {
            return table;
        }
        return ROOTS.computeIfAbsent(n, size -> {
            double[] t = new double[2 * size];
            for (int j = 0; j < size; j++) {
                double angle = 2 * Math.PI * j / size;
                t[2 * j] = Math.cos(angle);
                t[2 * j + 1] = Math.sin(angle);
            }
            return t;
        });
    }

    private static void check(int states, int length) {
        if (states < 0 || length < 0) {
            throw new IllegalArgumentException("negative size: states=" + states + ", length=" + length);
        }
    }
}
