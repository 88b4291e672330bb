package dev.ssmc.runtime.plan;

import dev.ssmc.runtime.fft.RealFft;
import dev.ssmc.runtime.kernels.ChunkedConv;
import dev.ssmc.runtime.kernels.KernelMeter;
import dev.ssmc.runtime.kernels.Layout;
import dev.ssmc.runtime.kernels.Parallel;
import dev.ssmc.runtime.kernels.Scan;
import dev.ssmc.runtime.kernels.SsmKernels;
import java.util.function.IntUnaryOperator;

/**
 * The steps of an SSM block's plan other than pairwise contractions (which are
 * {@link dev.ssmc.runtime.kernels.Contract#pairwise}): making the kernel, the FFT and its inverse
 * along a tensor's time axis, and the convolution or correlation with the bare state kernel by
 * its recurrence. Tensors are named by their index letters, as in the plans; the time letters
 * are {@code t}, {@code s}, {@code l}, and {@code k} for frequency bins. The compiler's plan
 * executor and generated code both run plans through these.
 */
public final class PlanSteps {
    private PlanSteps() {
    }

    /** Which part of the kernel a step makes: the plain kernel's real part, or a part of the derivative kernel. */
    public enum Part {
        /** {@code Re(a^l)}. */
        KERNEL,
        /** {@code Re(l a^l)}. */
        DERIVATIVE_RE,
        /** {@code Im(l a^l)}. */
        DERIVATIVE_IM;

        boolean derivative() {
            return this != KERNEL;
        }

        SsmKernels.Component component() {
            return switch (this) {
                case KERNEL -> SsmKernels.Component.RE;
                case DERIVATIVE_RE -> SsmKernels.Component.LAG_TIMES_RE;
                case DERIVATIVE_IM -> SsmKernels.Component.LAG_TIMES_IM;
            };
        }
    }

    /**
     * The state multipliers {@code a = exp(dtA)} as their decays {@code a - 1}, made in double
     * without cancellation and rounded once ({@link SsmKernels#decayRe}): {re, im}, what
     * {@link Scan} steps with.
     */
    public static float[][] decays(float[] zRe, float[] zIm) {
        float[] dRe = new float[zRe.length];
        float[] dIm = new float[zRe.length];
        for (int s = 0; s < zRe.length; s++) {
            dRe[s] = (float) SsmKernels.decayRe(zRe[s], zIm[s]);
            dIm[s] = (float) SsmKernels.decayIm(zRe[s], zIm[s]);
        }
        return new float[][] {dRe, dIm};
    }

    /** The real kernel over time, {@code [states][length]}: {@code Re(a^l)} or a part of {@code l a^l}. */
    public static float[] kernelByPowers(float[] zRe, float[] zIm, int length, Part part) {
        return kernelByPowers(zRe, zIm, length, part, null);
    }

    /** {@link #kernelByPowers} into an array from {@code ws} (null: a new one). */
    public static float[] kernelByPowers(float[] zRe, float[] zIm, int length, Part part, Workspace ws) {
        long start = KernelMeter.start();
        float[] result = kernelByPowersUnmetered(zRe, zIm, length, part, ws);
        KernelMeter.stop("kernel", start, 6.0 * zRe.length * length); // a complex product per lag
        return result;
    }

    private static float[] kernelByPowersUnmetered(float[] zRe, float[] zIm, int length, Part part, Workspace ws) {
        int n = zRe.length;
        float[] out = Workspace.floats(ws, n * length); // every row written in full
        SsmKernels.Component component = part.component();
        Parallel.forRange(n, 1, kernelWork(n, length), (s0, s1) -> {
            for (int s = s0; s < s1; s++) {
                SsmKernels.powerRow(zRe[s], zIm == null ? 0 : zIm[s], length, component, out, s * length);
            }
        });
        return out;
    }

    /**
     * The half spectrum {@code [states][n/2+1]} at FFT size {@code n} of the real kernel of
     * {@code length} lags, made directly in frequency: half the sum of the closed forms
     * {@code sum_l q^l} (or {@code sum_l l q^l}) at {@code a} and at its conjugate. {re, im}.
     */
    public static float[][] kernelSpectrum(float[] zRe, float[] zIm, int length, int n, Part part) {
        return kernelSpectrum(zRe, zIm, length, n, part, null);
    }

    /** {@link #kernelSpectrum} into arrays from {@code ws} (null: new ones). */
    public static float[][] kernelSpectrum(float[] zRe, float[] zIm, int length, int n, Part part, Workspace ws) {
        long start = KernelMeter.start();
        float[][] result = kernelSpectrumUnmetered(zRe, zIm, length, n, part, ws);
        KernelMeter.stop("kernel", start, 0); // closed forms: divisions and powers, not counted
        return result;
    }

    private static float[][] kernelSpectrumUnmetered(float[] zRe, float[] zIm, int length, int n, Part part,
                                                     Workspace ws) {
        int states = zRe.length;
        int bins = n / 2 + 1;
        float[] re = Workspace.floats(ws, states * bins); // every bin written
        float[] im = Workspace.floats(ws, states * bins);
        for (int s = 0; s < states; s++) {
            // a in double: rounded to float, a slow state's pole would move enough to change the
            // series' sum near k = 0, 1 / (1 - a), by 1e-4 (SsmKernels.decayRe)
            double mag = Math.exp(zRe[s]);
            double ar = mag * Math.cos(zIm[s]);
            double ai = mag * Math.sin(zIm[s]);
            for (int k = 0; k < bins; k++) {
                double[] f = geometric(ar, ai, k, n, length, part.derivative());
                double[] g = geometric(ar, -ai, k, n, length, part.derivative());
                int i = s * bins + k;
                if (part != Part.DERIVATIVE_IM) {
                    re[i] = (float) ((f[0] + g[0]) / 2);
                    im[i] = (float) ((f[1] + g[1]) / 2);
                } else {
                    // (F - G) / (2i)
                    re[i] = (float) ((f[1] - g[1]) / 2);
                    im[i] = (float) (-(f[0] - g[0]) / 2);
                }
            }
        }
        return new float[][] {re, im};
    }

    /**
     * {@code sum_{l<L} q^l} or {@code sum_{l<L} l q^l} with {@code q = a exp(-2 pi i k / n)}, in
     * double: closed forms away from {@code q = 1}, the sums themselves near it.
     */
    static double[] geometric(double ar, double ai, int k, int n, int len, boolean derivative) {
        double ang = -2 * Math.PI * k / n;
        double qr = ar * Math.cos(ang) - ai * Math.sin(ang);
        double qi = ar * Math.sin(ang) + ai * Math.cos(ang);
        double dr = 1 - qr;
        double di = -qi;
        double den = dr * dr + di * di;
        if (den < 1e-10) {
            double sr = 0;
            double si = 0;
            double pr = 1;
            double pi = 0;
            for (int l = 0; l < len; l++) {
                double w = derivative ? l : 1;
                sr += w * pr;
                si += w * pi;
                double t = pr * qr - pi * qi;
                pi = pr * qi + pi * qr;
                pr = t;
            }
            return new double[] {sr, si};
        }
        double mag = Math.hypot(qr, qi);
        double arg = Math.atan2(qi, qr);
        double mL = Math.pow(mag, len);
        double qLr = mL * Math.cos(arg * len);
        double qLi = mL * Math.sin(arg * len);
        if (!derivative) {
            double nr = 1 - qLr;
            double ni = -qLi;
            return new double[] {(nr * dr + ni * di) / den, (ni * dr - nr * di) / den};
        }
        // sum l q^l = q (1 - L q^(L-1) + (L-1) q^L) / (1 - q)^2
        double mL1 = Math.pow(mag, len - 1);
        double qL1r = mL1 * Math.cos(arg * (len - 1));
        double qL1i = mL1 * Math.sin(arg * (len - 1));
        double inR = 1 - len * qL1r + (len - 1) * qLr;
        double inI = -len * qL1i + (len - 1) * qLi;
        double numR = qr * inR - qi * inI;
        double numI = qr * inI + qi * inR;
        double d2r = dr * dr - di * di;
        double d2i = 2 * dr * di;
        double den2 = d2r * d2r + d2i * d2i;
        return new double[] {(numR * d2r + numI * d2i) / den2, (numI * d2r - numR * d2i) / den2};
    }

    /** The letters of {@code idx} without its time letter. */
    public static String rows(String idx, char time) {
        return idx.replace(String.valueOf(time), "");
    }

    /** Rows per part when FFTs are split between threads: whole groups of the vectorized FFT. */
    private static final int FFT_GRAIN = 16;

    private static long fftWork(int n, int rows) {
        return (long) rows * n * (32 - Integer.numberOfLeadingZeros(n)) * 2;
    }

    /** Threads {@link #fft} and {@link #ifft} split {@code rows} transforms of size {@code n} between. */
    public static int fftParts(int n, int rows) {
        return Parallel.parts(rows, FFT_GRAIN, fftWork(n, rows));
    }

    /** Threads {@link #kernelByPowers} splits {@code states} rows of {@code length} lags between. */
    public static int kernelParts(int states, int length) {
        return Parallel.parts(states, 1, kernelWork(states, length));
    }

    private static long kernelWork(int states, int length) {
        return 4L * states * length;
    }

    /**
     * The FFT of size {@code n} along the time letter of {@code idx} ({@code length} samples,
     * zero-padded): the spectrum in order {@code rows(idx) + "k"}. {re, im}.
     */
    public static float[][] fft(String idx, char time, float[] x, int length, int n, IntUnaryOperator size) {
        return fft(idx, time, x, length, n, size, null);
    }

    /** {@link #fft} with its arrays from {@code ws} (null: new ones). */
    public static float[][] fft(String idx, char time, float[] x, int length, int n, IntUnaryOperator size,
                                Workspace ws) {
        long start = KernelMeter.start();
        String rows = rows(idx, time);
        float[] moved = map(idx, x, rows + time, size, ws);
        int nRows = Math.toIntExact(Layout.count(rows, size));
        int bins = n / 2 + 1;
        float[] re = Workspace.floats(ws, nRows * bins);
        float[] im = Workspace.floats(ws, nRows * bins);
        RealFft fft = RealFft.forSize(n);
        Parallel.forRange(nRows, FFT_GRAIN, fftWork(n, nRows), (r0, r1) ->
                fft.forward(moved, r0 * length, length, length, re, im, r0 * bins, bins, r1 - r0));
        KernelMeter.stop("fft", start, KernelMeter.fftFlops(n, nRows));
        return new float[][] {re, im};
    }

    /**
     * The inverse FFT along {@code k} of a spectrum laid out as {@code idx}: the first
     * {@code length} samples, in order {@code rows(idx) + time}.
     */
    public static float[] ifft(String idx, float[] re, float[] im, char time, int length, int n, IntUnaryOperator size) {
        return ifft(idx, re, im, time, length, n, size, null);
    }

    /** {@link #ifft} with its arrays from {@code ws} (null: new ones). */
    public static float[] ifft(String idx, float[] re, float[] im, char time, int length, int n, IntUnaryOperator size,
                               Workspace ws) {
        long start = KernelMeter.start();
        String rows = rows(idx, 'k');
        float[] r = map(idx, re, rows + "k", size, ws);
        float[] i = map(idx, im, rows + "k", size, ws);
        int nRows = Math.toIntExact(Layout.count(rows, size));
        int bins = n / 2 + 1;
        float[] y = Workspace.floats(ws, nRows * length);
        RealFft fft = RealFft.forSize(n);
        Parallel.forRange(nRows, FFT_GRAIN, fftWork(n, nRows), (r0, r1) ->
                fft.inverse(r, i, r0 * bins, bins, y, r0 * length, length, length, r1 - r0));
        KernelMeter.stop("fft", start, KernelMeter.fftFlops(n, nRows));
        return y;
    }

    /**
     * {@code x} laid out as {@code to}: {@code x} itself when the layouts are the same (the
     * caller does not change it), else a copy in an array from {@code ws} (null: a new one).
     */
    public static float[] map(String from, float[] x, String to, IntUnaryOperator size, Workspace ws) {
        if (from.equals(to)) {
            return x;
        }
        float[] out = Workspace.floats(ws, Math.toIntExact(Layout.count(to, size)));
        Layout.map(from, x, to, out, size);
        return out;
    }

    /** The complex conjugate's imaginary part. */
    public static float[] negate(float[] im) {
        return negate(im, null);
    }

    /** {@link #negate} into an array from {@code ws} (null: a new one). */
    public static float[] negate(float[] im, Workspace ws) {
        float[] out = Workspace.floats(ws, im.length);
        for (int i = 0; i < im.length; i++) {
            out[i] = -im[i];
        }
        return out;
    }

    /**
     * A convolution (or, {@code reverse}, a correlation) of a real signal with the bare state
     * kernel by its recurrence: every lane (the signal's non-time letters and the kernel's states,
     * {@code lanes}) runs {@code x_t = a x_(t-1) + v_t}, by a scan or, with {@code chunk > 0}, in
     * Toeplitz chunks. The real part (or a part of the derivative kernel's response, by a double
     * pole) is summed to {@code outIdx}, whose time letter is {@code outTime}.
     *
     * @param stateIdx the kernel's state letters, {@code aRe/aIm} laid out in that order: the
     *     multipliers' decays {@code a - 1} (see {@link #decays})
     */
    public static float[] recurrence(String sigIdx, char inTime, float[] signal, String stateIdx, float[] aRe,
                                     float[] aIm, String lanes, String outIdx, char outTime, int length,
                                     boolean reverse, int chunk, Part part, IntUnaryOperator size) {
        return recurrence(sigIdx, inTime, signal, stateIdx, aRe, aIm, lanes, outIdx, outTime, length, reverse, chunk,
                part, size, null);
    }

    /** {@link #recurrence} with its arrays from {@code ws} (null: new ones). */
    public static float[] recurrence(String sigIdx, char inTime, float[] signal, String stateIdx, float[] aRe,
                                     float[] aIm, String lanes, String outIdx, char outTime, int length,
                                     boolean reverse, int chunk, Part part, IntUnaryOperator size, Workspace ws) {
        long start = KernelMeter.start();
        float[] result = recurrenceUnmetered(sigIdx, inTime, signal, stateIdx, aRe, aIm, lanes, outIdx, outTime,
                length, reverse, chunk, part, size, ws);
        // a complex multiply-add per lane and step; a second one for the double pole of l a^l
        KernelMeter.stop("scan", start, (part.derivative() ? 16.0 : 8.0) * Layout.count(lanes, size) * length);
        return result;
    }

    private static float[] recurrenceUnmetered(String sigIdx, char inTime, float[] signal, String stateIdx,
                                               float[] aRe, float[] aIm, String lanes, String outIdx, char outTime,
                                               int length, boolean reverse, int chunk, Part part,
                                               IntUnaryOperator size, Workspace ws) {
        int nLanes = Math.toIntExact(Layout.count(lanes, size));
        float[] laneRe = map(stateIdx, aRe, lanes, size, ws);
        float[] laneIm = map(stateIdx, aIm, lanes, size, ws);
        float[] result;
        String resultIdx;
        if (chunk > 0) {
            float[] v = copyOrMap(sigIdx, signal, lanes + inTime, size, ws, reverse);
            if (reverse) {
                reverseTime(v, nLanes, length);
            }
            float[] y = Workspace.floats(ws, v.length);
            java.util.Arrays.fill(y, 0f);
            float[] ones = Workspace.floats(ws, nLanes);
            java.util.Arrays.fill(ones, 1f);
            float[] aRePlain = Workspace.floats(ws, nLanes); // the Toeplitz chunks take a itself
            for (int s = 0; s < nLanes; s++) {
                aRePlain[s] = 1f + laneRe[s];
            }
            ChunkedConv.run(nLanes, 1, 1, length, chunk, aRePlain, laneIm, ones, null, v, y, null, null);
            if (reverse) {
                reverseTime(y, nLanes, length);
            }
            result = y;
            resultIdx = lanes + outTime;
        } else {
            float[] v = map(sigIdx, signal, inTime + lanes, size, ws);
            float[] xRe = Workspace.floats(ws, nLanes);
            float[] xIm = Workspace.floats(ws, nLanes);
            java.util.Arrays.fill(xRe, 0f);
            java.util.Arrays.fill(xIm, 0f);
            float[] sRe = Workspace.floats(ws, v.length);
            // the imaginary parts are only read for the derivative kernel
            float[] sIm = part.derivative() ? Workspace.floats(ws, v.length) : null;
            Scan.run(nLanes, length, laneRe, laneIm, v, null, 0, xRe, xIm, sRe, sIm, 0, reverse);
            if (part.derivative()) {
                // l a^l is the response of a double pole: D_t = a D_(t-1) + a x_(t-1)
                float[] wRe = Workspace.floats(ws, v.length);
                float[] wIm = Workspace.floats(ws, v.length);
                for (int t = 0; t < length; t++) {
                    int prev = reverse ? t + 1 : t - 1;
                    if (prev < 0 || prev >= length) {
                        java.util.Arrays.fill(wRe, t * nLanes, (t + 1) * nLanes, 0f);
                        java.util.Arrays.fill(wIm, t * nLanes, (t + 1) * nLanes, 0f);
                        continue;
                    }
                    for (int s = 0; s < nLanes; s++) {
                        float xr = sRe[prev * nLanes + s];
                        float xi = sIm[prev * nLanes + s];
                        // a x = x + (a - 1) x, the lanes holding a - 1
                        wRe[t * nLanes + s] = xr + (laneRe[s] * xr - laneIm[s] * xi);
                        wIm[t * nLanes + s] = xi + (laneRe[s] * xi + laneIm[s] * xr);
                    }
                }
                java.util.Arrays.fill(xRe, 0);
                java.util.Arrays.fill(xIm, 0);
                Scan.run(nLanes, length, laneRe, laneIm, wRe, wIm, 0, xRe, xIm, sRe, sIm, 0, reverse);
            }
            result = part == Part.DERIVATIVE_IM ? sIm : sRe;
            resultIdx = outTime + lanes;
        }
        return map(resultIdx, result, outIdx, size, ws);
    }

    /**
     * {@link #map}, but a copy even when the layouts agree if the caller will change it
     * ({@code willChange}): the signal is the caller's and must stay as it was.
     */
    private static float[] copyOrMap(String from, float[] x, String to, IntUnaryOperator size, Workspace ws,
                                     boolean willChange) {
        if (!willChange || !from.equals(to)) {
            return map(from, x, to, size, ws);
        }
        float[] out = Workspace.floats(ws, x.length);
        System.arraycopy(x, 0, out, 0, x.length);
        return out;
    }

    private static void reverseTime(float[] v, int rows, int len) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0, k = len - 1; i < k; i++, k--) {
                float t = v[r * len + i];
                v[r * len + i] = v[r * len + k];
                v[r * len + k] = t;
            }
        }
    }
}
