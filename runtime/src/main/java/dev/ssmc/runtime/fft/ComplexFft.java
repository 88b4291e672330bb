package dev.ssmc.runtime.fft;

/**
 * A complex FFT plan of one size whose only prime factors are 2, 3, 5 and 7, on split
 * real/imaginary arrays: {@code Y[k] = sum_t X[t] exp(-2 pi i k t / n)} (unnormalized; the inverse
 * is the same transform with the real and imaginary arrays swapped on the way in and out).
 *
 * <p>Stockham autosort, decimation in frequency: every stage reads one buffer and writes the
 * other, so there is no bit-reversal pass and mixed radices need no index arithmetic beyond
 * {@code (length, stride)}. A stage of radix {@code p} on sub-transforms of length {@code len}
 * (there are {@code stride} of them, interleaved) computes, for {@code j < m = len/p} and
 * {@code q < stride},
 * <pre>
 *   a_r = x[q + stride*(j + r*m)],  r < p
 *   y[q + stride*(p*j + u)] = w^(j*u) * sum_r a_r exp(-2 pi i r u / p),  w = exp(-2 pi i / len)
 * </pre>
 * The inner loop runs over {@code q}, contiguous in both buffers, which is where the vector path
 * ({@link FftVector}) works once {@code stride} reaches a vector's width; the radix-4 and radix-2
 * stages come first so the stride grows by powers of two and later stages vectorize without tails.
 * There, stages run in pairs, each pair one pass over the buffers ({@link FftVector#fused}: e.g.
 * a radix-16 step made of two radix-4 stages' butterflies): the stages are memory-bound once the
 * buffers outgrow L2, and a size like 4096 then streams them 3 times instead of 6.
 * Twiddles are computed once in double and stored as float, per stage.
 */
final class ComplexFft {
    final int n;
    private final int[] radix;
    private final int[] twiddleOffset;
    private final float[] twRe;
    private final float[] twIm;

    ComplexFft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("complex FFT size must be positive, got " + n);
        }
        this.n = n;
        this.radix = factor(n);
        this.twiddleOffset = new int[radix.length];
        int total = 0;
        int len = n;
        for (int s = 0; s < radix.length; s++) {
            twiddleOffset[s] = total;
            len /= radix[s];
            total += len * (radix[s] - 1);
        }
        this.twRe = new float[total];
        this.twIm = new float[total];
        len = n;
        for (int s = 0; s < radix.length; s++) {
            int p = radix[s];
            int m = len / p;
            int off = twiddleOffset[s];
            for (int j = 0; j < m; j++) {
                for (int u = 1; u < p; u++) {
                    // Reduce j*u modulo len before scaling so the angle is exact to double precision.
                    double angle = -2.0 * Math.PI * (((long) j * u) % len) / len;
                    twRe[off + j * (p - 1) + u - 1] = (float) Math.cos(angle);
                    twIm[off + j * (p - 1) + u - 1] = (float) Math.sin(angle);
                }
            }
            len = m;
        }
    }

    /** Radices in stage order: 4s first, then at most one 2, then 3s, 5s, 7s. */
    private static int[] factor(int n) {
        int[] out = new int[32];
        int count = 0;
        int rest = n;
        while (rest % 4 == 0) {
            out[count++] = 4;
            rest /= 4;
        }
        if (rest % 2 == 0) {
            out[count++] = 2;
            rest /= 2;
        }
        for (int p : new int[] {3, 5, 7}) {
            while (rest % p == 0) {
                out[count++] = p;
                rest /= p;
            }
        }
        if (rest != 1) {
            throw new IllegalArgumentException("complex FFT size " + n + " has a prime factor other than 2, 3, 5, 7");
        }
        return java.util.Arrays.copyOf(out, count);
    }

    /**
     * Transforms the {@code n} values in {@code (re0, im0)}, using {@code (re1, im1)} as the other
     * buffer (both at least {@code n} long). Returns whether the result ended in buffer 1.
     */
    boolean forward(float[] re0, float[] im0, float[] re1, float[] im1, boolean vector) {
        return forward(re0, im0, re1, im1, 1, vector);
    }

    /**
     * Transforms {@code batch} interleaved sequences at once: element {@code e} of sequence
     * {@code b} at {@code b + batch*e} (buffers at least {@code batch*n} long). To the stages this
     * is just {@code batch} more interleaved sub-transforms, so every stage's inner loop is at
     * least {@code batch} long: with a vector's width of sequences even the first stages vectorize.
     */
    boolean forward(float[] re0, float[] im0, float[] re1, float[] im1, int batch, boolean vector) {
        float[] xr = re0;
        float[] xi = im0;
        float[] yr = re1;
        float[] yi = im1;
        int len = n;
        int stride = batch;
        boolean inOne = false;
        for (int s = 0; s < radix.length; s++) {
            int p = radix[s];
            int m = len / p;
            int tw = twiddleOffset[s];
            if (vector && s + 1 < radix.length && FftVector.fusable(stride)) {
                // Two stages in one pass over the buffers: the same results, half the traffic.
                int p2 = radix[s + 1];
                FftVector.fused(p, p2, m / p2, stride, twRe, twIm, tw, twiddleOffset[s + 1], xr, xi, yr, yi);
                s++;
                len = m / p2;
                stride *= p * p2;
            } else {
                int q0 = 0;
                if (vector && stride >= FftVector.width()) {
                    q0 = FftVector.stage(p, m, stride, twRe, twIm, tw, xr, xi, yr, yi);
                }
                if (q0 < stride) {
                    stage(p, m, stride, q0, twRe, twIm, tw, xr, xi, yr, yi);
                }
                len = m;
                stride *= p;
            }
            float[] t = xr;
            xr = yr;
            yr = t;
            t = xi;
            xi = yi;
            yi = t;
            inOne = !inOne;
        }
        return inOne;
    }

    /** One scalar stage over {@code q} in {@code [q0, stride)}; the vector path calls it for tails. */
    static void stage(int p, int m, int stride, int q0, float[] twr, float[] twi, int tw,
                      float[] xr, float[] xi, float[] yr, float[] yi) {
        switch (p) {
            case 4:
                radix4(m, stride, q0, twr, twi, tw, xr, xi, yr, yi);
                break;
            case 2:
                radix2(m, stride, q0, twr, twi, tw, xr, xi, yr, yi);
                break;
            case 3:
                radix3(m, stride, q0, twr, twi, tw, xr, xi, yr, yi);
                break;
            case 5:
                radix5(m, stride, q0, twr, twi, tw, xr, xi, yr, yi);
                break;
            case 7:
                radix7(m, stride, q0, twr, twi, tw, xr, xi, yr, yi);
                break;
            default:
                throw new IllegalStateException("radix " + p);
        }
    }

    // Butterfly constants, computed in double: cos and sin of 2 pi k / p.
    static final float C3 = -0.5f;
    static final float S3 = (float) Math.sin(2 * Math.PI / 3);
    static final float C51 = (float) Math.cos(2 * Math.PI / 5);
    static final float C52 = (float) Math.cos(4 * Math.PI / 5);
    static final float S51 = (float) Math.sin(2 * Math.PI / 5);
    static final float S52 = (float) Math.sin(4 * Math.PI / 5);
    static final float C71 = (float) Math.cos(2 * Math.PI / 7);
    static final float C72 = (float) Math.cos(4 * Math.PI / 7);
    static final float C73 = (float) Math.cos(6 * Math.PI / 7);
    static final float S71 = (float) Math.sin(2 * Math.PI / 7);
    static final float S72 = (float) Math.sin(4 * Math.PI / 7);
    static final float S73 = (float) Math.sin(6 * Math.PI / 7);

    private static void radix2(int m, int st, int q0, float[] twr, float[] twi, int tw,
                               float[] xr, float[] xi, float[] yr, float[] yi) {
        int sm = st * m;
        for (int j = 0; j < m; j++) {
            float w1r = twr[tw + j];
            float w1i = twi[tw + j];
            int in = st * j;
            int out = 2 * st * j;
            for (int q = q0; q < st; q++) {
                int i0 = in + q;
                float a0r = xr[i0];
                float a0i = xi[i0];
                float a1r = xr[i0 + sm];
                float a1i = xi[i0 + sm];
                float b1r = a0r - a1r;
                float b1i = a0i - a1i;
                int o = out + q;
                yr[o] = a0r + a1r;
                yi[o] = a0i + a1i;
                yr[o + st] = b1r * w1r - b1i * w1i;
                yi[o + st] = b1r * w1i + b1i * w1r;
            }
        }
    }

    private static void radix4(int m, int st, int q0, float[] twr, float[] twi, int tw,
                               float[] xr, float[] xi, float[] yr, float[] yi) {
        int sm = st * m;
        for (int j = 0; j < m; j++) {
            int t = tw + 3 * j;
            float w1r = twr[t];
            float w1i = twi[t];
            float w2r = twr[t + 1];
            float w2i = twi[t + 1];
            float w3r = twr[t + 2];
            float w3i = twi[t + 2];
            int in = st * j;
            int out = 4 * st * j;
            for (int q = q0; q < st; q++) {
                int i0 = in + q;
                float a0r = xr[i0];
                float a0i = xi[i0];
                float a1r = xr[i0 + sm];
                float a1i = xi[i0 + sm];
                float a2r = xr[i0 + 2 * sm];
                float a2i = xi[i0 + 2 * sm];
                float a3r = xr[i0 + 3 * sm];
                float a3i = xi[i0 + 3 * sm];
                float t0r = a0r + a2r;
                float t0i = a0i + a2i;
                float t1r = a0r - a2r;
                float t1i = a0i - a2i;
                float t2r = a1r + a3r;
                float t2i = a1i + a3i;
                // (a1 - a3) * (-i)
                float t3r = a1i - a3i;
                float t3i = a3r - a1r;
                float b1r = t1r + t3r;
                float b1i = t1i + t3i;
                float b2r = t0r - t2r;
                float b2i = t0i - t2i;
                float b3r = t1r - t3r;
                float b3i = t1i - t3i;
                int o = out + q;
                yr[o] = t0r + t2r;
                yi[o] = t0i + t2i;
                yr[o + st] = b1r * w1r - b1i * w1i;
                yi[o + st] = b1r * w1i + b1i * w1r;
                yr[o + 2 * st] = b2r * w2r - b2i * w2i;
                yi[o + 2 * st] = b2r * w2i + b2i * w2r;
                yr[o + 3 * st] = b3r * w3r - b3i * w3i;
                yi[o + 3 * st] = b3r * w3i + b3i * w3r;
            }
        }
    }

    private static void radix3(int m, int st, int q0, float[] twr, float[] twi, int tw,
                               float[] xr, float[] xi, float[] yr, float[] yi) {
        int sm = st * m;
        for (int j = 0; j < m; j++) {
            int t = tw + 2 * j;
            float w1r = twr[t];
            float w1i = twi[t];
            float w2r = twr[t + 1];
            float w2i = twi[t + 1];
            int in = st * j;
            int out = 3 * st * j;
            for (int q = q0; q < st; q++) {
                int i0 = in + q;
                float a0r = xr[i0];
                float a0i = xi[i0];
                float a1r = xr[i0 + sm];
                float a1i = xi[i0 + sm];
                float a2r = xr[i0 + 2 * sm];
                float a2i = xi[i0 + 2 * sm];
                float t1r = a1r + a2r;
                float t1i = a1i + a2i;
                float t2r = a0r + C3 * t1r;
                float t2i = a0i + C3 * t1i;
                float t3r = S3 * (a1r - a2r);
                float t3i = S3 * (a1i - a2i);
                // b1 = t2 - i t3, b2 = t2 + i t3
                float b1r = t2r + t3i;
                float b1i = t2i - t3r;
                float b2r = t2r - t3i;
                float b2i = t2i + t3r;
                int o = out + q;
                yr[o] = a0r + t1r;
                yi[o] = a0i + t1i;
                yr[o + st] = b1r * w1r - b1i * w1i;
                yi[o + st] = b1r * w1i + b1i * w1r;
                yr[o + 2 * st] = b2r * w2r - b2i * w2i;
                yi[o + 2 * st] = b2r * w2i + b2i * w2r;
            }
        }
    }

    private static void radix5(int m, int st, int q0, float[] twr, float[] twi, int tw,
                               float[] xr, float[] xi, float[] yr, float[] yi) {
        int sm = st * m;
        for (int j = 0; j < m; j++) {
            int t = tw + 4 * j;
            float w1r = twr[t];
            float w1i = twi[t];
            float w2r = twr[t + 1];
            float w2i = twi[t + 1];
            float w3r = twr[t + 2];
            float w3i = twi[t + 2];
            float w4r = twr[t + 3];
            float w4i = twi[t + 3];
            int in = st * j;
            int out = 5 * st * j;
            for (int q = q0; q < st; q++) {
                int i0 = in + q;
                float a0r = xr[i0];
                float a0i = xi[i0];
                float a1r = xr[i0 + sm];
                float a1i = xi[i0 + sm];
                float a2r = xr[i0 + 2 * sm];
                float a2i = xi[i0 + 2 * sm];
                float a3r = xr[i0 + 3 * sm];
                float a3i = xi[i0 + 3 * sm];
                float a4r = xr[i0 + 4 * sm];
                float a4i = xi[i0 + 4 * sm];
                float s1r = a1r + a4r;
                float s1i = a1i + a4i;
                float s2r = a2r + a3r;
                float s2i = a2i + a3i;
                float d1r = a1r - a4r;
                float d1i = a1i - a4i;
                float d2r = a2r - a3r;
                float d2i = a2i - a3i;
                float r1r = a0r + C51 * s1r + C52 * s2r;
                float r1i = a0i + C51 * s1i + C52 * s2i;
                float r2r = a0r + C52 * s1r + C51 * s2r;
                float r2i = a0i + C52 * s1i + C51 * s2i;
                float i1r = S51 * d1r + S52 * d2r;
                float i1i = S51 * d1i + S52 * d2i;
                float i2r = S52 * d1r - S51 * d2r;
                float i2i = S52 * d1i - S51 * d2i;
                // b1 = r1 - i i1, b4 = r1 + i i1, b2 = r2 - i i2, b3 = r2 + i i2
                float b1r = r1r + i1i;
                float b1i = r1i - i1r;
                float b4r = r1r - i1i;
                float b4i = r1i + i1r;
                float b2r = r2r + i2i;
                float b2i = r2i - i2r;
                float b3r = r2r - i2i;
                float b3i = r2i + i2r;
                int o = out + q;
                yr[o] = a0r + s1r + s2r;
                yi[o] = a0i + s1i + s2i;
                yr[o + st] = b1r * w1r - b1i * w1i;
                yi[o + st] = b1r * w1i + b1i * w1r;
                yr[o + 2 * st] = b2r * w2r - b2i * w2i;
                yi[o + 2 * st] = b2r * w2i + b2i * w2r;
                yr[o + 3 * st] = b3r * w3r - b3i * w3i;
                yi[o + 3 * st] = b3r * w3i + b3i * w3r;
                yr[o + 4 * st] = b4r * w4r - b4i * w4i;
                yi[o + 4 * st] = b4r * w4i + b4i * w4r;
            }
        }
    }

    private static void radix7(int m, int st, int q0, float[] twr, float[] twi, int tw,
                               float[] xr, float[] xi, float[] yr, float[] yi) {
        int sm = st * m;
        for (int j = 0; j < m; j++) {
            int t = tw + 6 * j;
            int in = st * j;
            int out = 7 * st * j;
            for (int q = q0; q < st; q++) {
                int i0 = in + q;
                float a0r = xr[i0];
                float a0i = xi[i0];
                float s1r = xr[i0 + sm] + xr[i0 + 6 * sm];
                float s1i = xi[i0 + sm] + xi[i0 + 6 * sm];
                float d1r = xr[i0 + sm] - xr[i0 + 6 * sm];
                float d1i = xi[i0 + sm] - xi[i0 + 6 * sm];
                float s2r = xr[i0 + 2 * sm] + xr[i0 + 5 * sm];
                float s2i = xi[i0 + 2 * sm] + xi[i0 + 5 * sm];
                float d2r = xr[i0 + 2 * sm] - xr[i0 + 5 * sm];
                float d2i = xi[i0 + 2 * sm] - xi[i0 + 5 * sm];
                float s3r = xr[i0 + 3 * sm] + xr[i0 + 4 * sm];
                float s3i = xi[i0 + 3 * sm] + xi[i0 + 4 * sm];
                float d3r = xr[i0 + 3 * sm] - xr[i0 + 4 * sm];
                float d3i = xi[i0 + 3 * sm] - xi[i0 + 4 * sm];
                float r1r = a0r + C71 * s1r + C72 * s2r + C73 * s3r;
                float r1i = a0i + C71 * s1i + C72 * s2i + C73 * s3i;
                float r2r = a0r + C72 * s1r + C73 * s2r + C71 * s3r;
                float r2i = a0i + C72 * s1i + C73 * s2i + C71 * s3i;
                float r3r = a0r + C73 * s1r + C71 * s2r + C72 * s3r;
                float r3i = a0i + C73 * s1i + C71 * s2i + C72 * s3i;
                float i1r = S71 * d1r + S72 * d2r + S73 * d3r;
                float i1i = S71 * d1i + S72 * d2i + S73 * d3i;
                float i2r = S72 * d1r - S73 * d2r - S71 * d3r;
                float i2i = S72 * d1i - S73 * d2i - S71 * d3i;
                float i3r = S73 * d1r - S71 * d2r + S72 * d3r;
                float i3i = S73 * d1i - S71 * d2i + S72 * d3i;
                int o = out + q;
                yr[o] = a0r + s1r + s2r + s3r;
                yi[o] = a0i + s1i + s2i + s3i;
                // b_u = r_u - i i_u, b_(7-u) = r_u + i i_u
                twiddle(yr, yi, o + st, r1r + i1i, r1i - i1r, twr[t], twi[t]);
                twiddle(yr, yi, o + 2 * st, r2r + i2i, r2i - i2r, twr[t + 1], twi[t + 1]);
                twiddle(yr, yi, o + 3 * st, r3r + i3i, r3i - i3r, twr[t + 2], twi[t + 2]);
                twiddle(yr, yi, o + 4 * st, r3r - i3i, r3i + i3r, twr[t + 3], twi[t + 3]);
                twiddle(yr, yi, o + 5 * st, r2r - i2i, r2i + i2r, twr[t + 4], twi[t + 4]);
                twiddle(yr, yi, o + 6 * st, r1r - i1i, r1i + i1r, twr[t + 5], twi[t + 5]);
            }
        }
    }

    private static void twiddle(float[] yr, float[] yi, int o, float br, float bi, float wr, float wi) {
        yr[o] = br * wr - bi * wi;
        yi[o] = br * wi + bi * wr;
    }
}
