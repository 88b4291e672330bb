package dev.ssmc.runtime.fft;

import dev.ssmc.runtime.kernels.VectorSupport;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real-input FFT of a fast size {@code n} (prime factors 2, 3, 5, 7 only), many rows per call.
 *
 * <p>Forward: {@code X[k] = sum_{t<n} x[t] exp(-2 pi i k t / n)} for {@code k = 0..n/2}
 * ({@link #bins()} values; the others follow from {@code X[n-k] = conj X[k]}), where each row's
 * {@code len <= n} samples are zero-padded to {@code n}. Inverse: the real signal
 * {@code x[t] = (1/n) sum_{k<n} X[k] exp(2 pi i k t / n)} of a half spectrum, extended as
 * Hermitian; the imaginary parts of bin 0 (and of bin {@code n/2} when {@code n} is even) are
 * ignored, which is the same as taking the real part of the full inverse.
 *
 * <p>Layouts: row {@code r} of the signal is {@code x[xOff + r*xStride + t]}, of the spectrum
 * {@code re/im[outOff + r*outStride + k]} (split real/imaginary arrays, as everywhere in the
 * runtime), so rows may be packed ({@code stride = n} or {@code bins()}) or spread.
 *
 * <p>Algorithm: for even {@code n} the {@code n} real samples are packed as {@code n/2} complex
 * ones {@code z[j] = x[2j] + i x[2j+1]}, transformed with a half-size complex FFT
 * ({@link ComplexFft}: mixed radix 4, 2, 3, 5, 7, Stockham) and separated into the even/odd
 * halves' spectra with one twiddle per bin: half the work of a complex FFT of size {@code n}.
 * The inverse runs the same steps backwards. Odd {@code n} (no factor 2) uses a full complex
 * FFT. On the vector path rows are transformed a vector's width at a time, interleaved, so that
 * the first stages (whose sub-transforms are too few to fill a vector) vectorize across rows,
 * and so do the packing and separating steps around them ({@link RealFftVector}).
 * Plans are immutable and cached per size; each thread keeps its own work buffers, so calls
 * allocate nothing once a thread has seen the size. Accuracy: float arithmetic with twiddles
 * computed in double; errors grow like {@code log n} (about 1e-6 of the signal's scale at
 * {@code n = 65536}).
 */
public final class RealFft {
    private static final ConcurrentHashMap<Integer, RealFft> PLANS = new ConcurrentHashMap<>();
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][0]);
    /**
     * Fewest rows left over from whole groups that go through the vector path as one partial
     * group (its other lanes computed and dropped) rather than one by one: measured at n = 8000,
     * a group of 16 rows took about as long as 5 single rows.
     */
    private static final int MIN_PARTIAL_GROUP = 6;
    /** Largest interleaved buffer (floats) for transforming rows together. */
    private static final long MAX_BATCH_FLOATS = 1 << 20;

    final int n;
    final boolean even;
    final ComplexFft complex;
    /** For even n: {@code exp(-2 pi i k / n)}, k = 0..n/4. */
    final float[] wRe;
    final float[] wIm;

    private RealFft(int n) {
        this.n = n;
        this.even = n % 2 == 0;
        this.complex = new ComplexFft(even ? n / 2 : n);
        int half = n / 2;
        int count = even ? half / 2 + 1 : 0;
        this.wRe = new float[count];
        this.wIm = new float[count];
        for (int k = 0; k < count; k++) {
            double angle = -2.0 * Math.PI * k / n;
            wRe[k] = (float) Math.cos(angle);
            wIm[k] = (float) Math.sin(angle);
        }
    }

    /** Whether {@code n >= 1} has no prime factor other than 2, 3, 5 and 7. */
    public static boolean isFastSize(int n) {
        if (n < 1) {
            return false;
        }
        for (int p = 2; p <= 7; p++) {
            while (n % p == 0) {
                n /= p;
            }
        }
        return n == 1;
    }

    /** The smallest fast size {@code >= atLeast} (1 for {@code atLeast <= 1}). */
    public static int nextFastSize(int atLeast) {
        if (atLeast <= 1) {
            return 1;
        }
        // Fast sizes are dense (consecutive ones differ by a few percent at most), so a scan is cheap.
        for (long m = atLeast; m <= Integer.MAX_VALUE; m++) {
            if (isFastSize((int) m)) {
                return (int) m;
            }
        }
        throw new IllegalArgumentException("no fast FFT size >= " + atLeast + " fits in an int");
    }

    /** The plan for size {@code n}, built once and shared. */
    public static RealFft forSize(int n) {
        if (!isFastSize(n)) {
            throw new IllegalArgumentException("FFT size " + n + " is not a fast size (prime factors 2, 3, 5, 7 only);"
                    + " the next fast size is " + nextFastSize(n));
        }
        RealFft plan = PLANS.get(n);
        return plan != null ? plan : PLANS.computeIfAbsent(n, RealFft::new);
    }

    /** The transform size {@code n}. */
    public int size() {
        return n;
    }

    /** The number of spectrum values per row, {@code n/2 + 1}. */
    public int bins() {
        return n / 2 + 1;
    }

    /**
     * Transforms {@code rows} rows of {@code len} real samples each (zero-padded to {@link #size()})
     * into {@link #bins()} complex values each. See the class comment for layouts.
     */
    public void forward(float[] x, int xOff, int xStride, int len,
                        float[] re, float[] im, int outOff, int outStride, int rows) {
        forward(x, xOff, xStride, len, re, im, outOff, outStride, rows, VectorSupport.enabled());
    }

    /**
     * The real signal (scaled by {@code 1/n}) of {@code rows} half spectra, writing the first
     * {@code len} samples of each row. See the class comment for layouts.
     */
    public void inverse(float[] re, float[] im, int inOff, int inStride,
                        float[] y, int yOff, int yStride, int len, int rows) {
        inverse(re, im, inOff, inStride, y, yOff, yStride, len, rows, VectorSupport.enabled());
    }

    /** {@link #forward} with the path chosen by the caller (tests run both). */
    void forward(float[] x, int xOff, int xStride, int len,
                 float[] re, float[] im, int outOff, int outStride, int rows, boolean vector) {
        check(len, rows);
        int batch = batch(vector);
        int r = 0;
        if (batch > 1) {
            float[][] buf = scratch((complex.n + 1) * batch);
            for (; r + batch <= rows; r += batch) {
                RealFftVector.forwardGroup(this, x, xOff, xStride, len, re, im, outOff, outStride, r, batch, buf);
            }
            if (rows - r >= MIN_PARTIAL_GROUP) {
                RealFftVector.forwardGroup(this, x, xOff, xStride, len, re, im, outOff, outStride, r, rows - r, buf);
                r = rows;
            }
        }
        for (; r < rows; r++) {
            forwardRow(x, xOff, xStride, len, re, im, outOff, outStride, r, vector);
        }
    }

    /** {@link #inverse} with the path chosen by the caller (tests run both). */
    void inverse(float[] re, float[] im, int inOff, int inStride,
                 float[] y, int yOff, int yStride, int len, int rows, boolean vector) {
        check(len, rows);
        int batch = batch(vector);
        int r = 0;
        if (batch > 1) {
            float[][] buf = scratch((complex.n + 1) * batch);
            for (; r + batch <= rows; r += batch) {
                RealFftVector.inverseGroup(this, re, im, inOff, inStride, y, yOff, yStride, len, r, batch, buf);
            }
            if (rows - r >= MIN_PARTIAL_GROUP) {
                RealFftVector.inverseGroup(this, re, im, inOff, inStride, y, yOff, yStride, len, r, rows - r, buf);
                r = rows;
            }
        }
        for (; r < rows; r++) {
            inverseRow(re, im, inOff, inStride, y, yOff, yStride, len, r, vector);
        }
    }

    /**
     * How many rows to transform together, interleaved: a vector's width on the vector path (so
     * the first stages, whose own strides are shorter than a vector, vectorize across rows: two to
     * five times faster per row), unless the interleaved buffers would get too big.
     */
    private int batch(boolean vector) {
        if (!vector) {
            return 1;
        }
        int width = FftVector.width();
        return (long) complex.n * width <= MAX_BATCH_FLOATS ? width : 1;
    }

    /**
     * One row: the scalar path, and the vector path's rows left over from groups; groups of rows
     * go to {@link RealFftVector}, whose results are the same.
     */
    private void forwardRow(float[] x, int xOff, int xStride, int len, float[] re, float[] im,
                            int outOff, int outStride, int row, boolean vector) {
        int cn = complex.n;
        float[][] buf = scratch(cn);
        float[] r0 = buf[0];
        float[] i0 = buf[1];
        float[] r1 = buf[2];
        float[] i1 = buf[3];
        // Elements set; the rest of the buffers is the zero padding.
        int used = even ? (len + 1) / 2 : len;
        int xo = xOff + row * xStride;
        if (even) {
            int pairs = len / 2;
            for (int j = 0; j < pairs; j++) {
                r0[j] = x[xo + 2 * j];
                i0[j] = x[xo + 2 * j + 1];
            }
            if ((len & 1) == 1) {
                r0[pairs] = x[xo + len - 1];
                i0[pairs] = 0f;
            }
        } else {
            System.arraycopy(x, xo, r0, 0, len);
        }
        java.util.Arrays.fill(r0, used, cn, 0f);
        java.util.Arrays.fill(i0, even ? used : 0, cn, 0f);
        boolean inOne = complex.forward(r0, i0, r1, i1, 1, vector);
        float[] zr = inOne ? r1 : r0;
        float[] zi = inOne ? i1 : i0;
        int o = outOff + row * outStride;
        if (even) {
            separate(zr, zi, re, im, o);
        } else {
            System.arraycopy(zr, 0, re, o, bins());
            System.arraycopy(zi, 0, im, o, bins());
            im[o] = 0f;
        }
    }

    private void inverseRow(float[] re, float[] im, int inOff, int inStride, float[] y, int yOff, int yStride,
                            int len, int row, boolean vector) {
        int cn = complex.n;
        float[][] buf = scratch(cn);
        float[] r0 = buf[0];
        float[] i0 = buf[1];
        float[] r1 = buf[2];
        float[] i1 = buf[3];
        int in = inOff + row * inStride;
        if (even) {
            combine(re, im, in, r0, i0);
        } else {
            r0[0] = re[in];
            i0[0] = 0f;
            for (int k = 1, bins = bins(); k < bins; k++) {
                float xr = re[in + k];
                float xi = im[in + k];
                r0[k] = xr;
                i0[k] = xi;
                r0[n - k] = xr;
                i0[n - k] = -xi;
            }
        }
        // The inverse is the forward transform with real and imaginary parts swapped.
        boolean inOne = complex.forward(i0, r0, i1, r1, 1, vector);
        float[] zr = inOne ? r1 : r0;
        float[] zi = inOne ? i1 : i0;
        float scale = 1f / n;
        int yo = yOff + row * yStride;
        if (even) {
            int pairs = len / 2;
            for (int j = 0; j < pairs; j++) {
                y[yo + 2 * j] = zr[j] * scale;
                y[yo + 2 * j + 1] = zi[j] * scale;
            }
            if ((len & 1) == 1) {
                y[yo + len - 1] = zr[pairs] * scale;
            }
        } else {
            for (int t = 0; t < len; t++) {
                y[yo + t] = zr[t] * scale;
            }
        }
    }

    /**
     * The spectrum of the real signal from the half-size transform {@code Z} of
     * {@code z[j] = x[2j] + i x[2j+1]}: with {@code E[k] = (Z[k] + conj Z[m-k])/2} and
     * {@code O[k] = (Z[k] - conj Z[m-k])/(2i)} the spectra of the even and odd samples,
     * {@code X[k] = E[k] + W^k O[k]} and {@code X[m-k] = conj(E[k]) - conj(W^k) conj(O[k])},
     * so each pair (k, m-k) is made from the same two inputs.
     */
    private void separate(float[] zr, float[] zi, float[] re, float[] im, int o) {
        int m = n / 2;
        re[o] = zr[0] + zi[0];
        im[o] = 0f;
        re[o + m] = zr[0] - zi[0];
        im[o + m] = 0f;
        for (int k = 1, kc = m - 1; k <= kc; k++, kc--) {
            float ar = zr[k];
            float ai = zi[k];
            float br = zr[kc];
            float bi = zi[kc];
            float er = 0.5f * (ar + br);
            float ei = 0.5f * (ai - bi);
            float or = 0.5f * (ai + bi);
            float oi = 0.5f * (br - ar);
            float wr = wRe[k];
            float wi = wIm[k];
            float pr = wr * or - wi * oi;
            float pi = wr * oi + wi * or;
            re[o + k] = er + pr;
            im[o + k] = ei + pi;
            re[o + kc] = er - pr;
            im[o + kc] = pi - ei;
        }
    }

    /**
     * The inverse of {@link #separate}: {@code Z[k] = E'[k] + i O'[k]} with
     * {@code E' = X[k] + conj X[m-k]} and {@code O' = (X[k] - conj X[m-k]) conj(W^k)} (twice the
     * even/odd spectra, which with the unnormalized inverse gives {@code n} times the samples).
     */
    private void combine(float[] re, float[] im, int in, float[] zr, float[] zi) {
        int m = n / 2;
        float x0 = re[in];
        float xm = re[in + m];
        zr[0] = x0 + xm;
        zi[0] = x0 - xm;
        for (int k = 1, kc = m - 1; k <= kc; k++, kc--) {
            float ar = re[in + k];
            float ai = im[in + k];
            float br = re[in + kc];
            float bi = im[in + kc];
            float er = ar + br;
            float ei = ai - bi;
            float dr = ar - br;
            float di = ai + bi;
            float wr = wRe[k];
            float wi = wIm[k];
            float or = dr * wr + di * wi;
            float oi = di * wr - dr * wi;
            zr[k] = er - oi;
            zi[k] = ei + or;
            zr[kc] = er + oi;
            zi[kc] = or - ei;
        }
    }

    private void check(int len, int rows) {
        if (len < 0 || len > n) {
            throw new IllegalArgumentException("row length " + len + " is outside 0.." + n + " for an FFT of size " + n);
        }
        if (rows < 0) {
            throw new IllegalArgumentException("negative row count " + rows);
        }
    }

    private static float[][] scratch(int size) {
        float[][] buf = SCRATCH.get();
        if (buf[0].length < size) {
            for (int i = 0; i < 4; i++) {
                buf[i] = new float[size];
            }
        }
        return buf;
    }
}
