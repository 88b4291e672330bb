package dev.ssmc.runtime.nn;

/**
 * The postacts ({@link PostactKind}), forward and backward, in float32.
 *
 * <p>Elementwise kinds work on {@code n} contiguous floats: {@link #forward(PostactKind, int, float[], float[])}
 * writes {@code y[i] = f(x[i])}, {@link #backward(PostactKind, int, float[], float[], float[])}
 * writes {@code dx[i] = f'(x[i]) dy[i]} from the forward's input {@code x}. The signal forms
 * ({@code batch, channels, length}, layout {@code [batch][channels][time]}) handle every kind, GLU
 * included: GLU ({@code nn.GLU(dim=1)}) splits the {@code channels} (even) of each batch element
 * into halves {@code a = x[:, :C/2]}, {@code b = x[:, C/2:]} and writes {@code y = a * sigmoid(b)}
 * with {@code C/2} channels; see {@link #outChannels}.
 *
 * <p>Definitions (those of PyTorch, subgradients included): relu {@code max(x,0)}, gradient 0 at
 * 0; relu6 {@code min(max(x,0),6)} ({@code hardtanh}), gradient 1 strictly between 0 and 6, else 0;
 * lelu {@code x > 0 ? x : 0.1x}, gradient 0.1 at 0; sigmoid; tanh; gelu the exact
 * {@code x Phi(x) = 0.5 x erfc(-x/sqrt 2)} (computed with {@link Erf#erfc} so the negative tail
 * keeps its relative accuracy), gradient {@code Phi(x) + x phi(x)}; silu {@code x sigmoid(x)}.
 * Transcendentals are evaluated in double and rounded once ({@code tanh} through {@code exp},
 * within an ulp of {@code Math.tanh} and several times faster). The piecewise-linear kinds run
 * branch-free (max/min forward, sign-bit masks backward), so random signs cost no mispredictions
 * and the JIT vectorizes the loops.
 *
 * <p>Aliasing: for elementwise kinds {@code y} may be {@code x} (inference) and {@code dx} may be
 * {@code dy}; backward needs the forward's input {@code x}, so a training forward must not
 * overwrite it. GLU must not alias (the halves move). Nothing is allocated.
 */
public final class Postact {
    private Postact() {
    }

    /** The slope of {@link PostactKind#LELU} for negative inputs ({@code nn.LeakyReLU(0.1)}). */
    public static final float LEAKY_SLOPE = 0.1f;

    private static final double SQRT1_2 = 0.70710678118654752440;
    private static final double INV_SQRT_2PI = 0.39894228040143267794;

    /** The output channel count: {@code channels / 2} for GLU (which needs an even count), else {@code channels}. */
    public static int outChannels(PostactKind kind, int channels) {
        if (kind == PostactKind.GLU) {
            if (channels % 2 != 0) {
                throw new IllegalArgumentException("glu needs an even channel count, got " + channels);
            }
            return channels / 2;
        }
        return channels;
    }

    /**
     * Applies {@code kind} to a signal {@code x[batch][channels][length]}, writing
     * {@code y[batch][outChannels(kind, channels)][length]}.
     */
    public static void forward(PostactKind kind, int batch, int channels, int length, float[] x, float[] y) {
        Checks.positive("batch", batch);
        Checks.positive("channels", channels);
        Checks.positive("length", length);
        int n = (int) Checks.volume(batch, channels, length);
        Checks.size("x", x, n);
        if (kind != PostactKind.GLU) {
            Checks.size("y", y, n);
            elementwise(kind, n, x, y, 0);
            return;
        }
        int half = outChannels(kind, channels);
        Checks.size("y", y, n / 2);
        int block = half * length;
        for (int b = 0; b < batch; b++) {
            int ao = b * 2 * block;
            int go = ao + block;
            int yo = b * block;
            for (int i = 0; i < block; i++) {
                y[yo + i] = (float) (x[ao + i] * sigmoid(x[go + i]));
            }
        }
    }

    /**
     * The gradient of {@link #forward(PostactKind, int, int, int, float[], float[])}: from the
     * forward input {@code x[batch][channels][length]} and the output gradient
     * {@code dy[batch][outChannels][length]}, writes {@code dx[batch][channels][length]}.
     */
    public static void backward(PostactKind kind, int batch, int channels, int length, float[] x, float[] dy,
                                float[] dx) {
        Checks.positive("batch", batch);
        Checks.positive("channels", channels);
        Checks.positive("length", length);
        int n = (int) Checks.volume(batch, channels, length);
        Checks.size("x", x, n);
        Checks.size("dx", dx, n);
        if (kind != PostactKind.GLU) {
            Checks.size("dy", dy, n);
            elementwiseBackward(kind, n, x, dy, dx);
            return;
        }
        int half = outChannels(kind, channels);
        Checks.size("dy", dy, n / 2);
        int block = half * length;
        for (int b = 0; b < batch; b++) {
            int ao = b * 2 * block;
            int go = ao + block;
            int yo = b * block;
            for (int i = 0; i < block; i++) {
                double s = sigmoid(x[go + i]);
                double g = dy[yo + i];
                dx[ao + i] = (float) (g * s);
                dx[go + i] = (float) (g * x[ao + i] * s * (1.0 - s));
            }
        }
    }

    /**
     * {@code y[i] = f(x[i])} for {@code i < n}, an elementwise kind (not GLU).
     *
     * @throws IllegalArgumentException for {@link PostactKind#GLU}
     */
    public static void forward(PostactKind kind, int n, float[] x, float[] y) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        Checks.size("x", x, n);
        Checks.size("y", y, n);
        elementwise(kind, n, x, y, 0);
    }

    /**
     * {@code x[off + i] = f(x[off + i])} for {@code i < n}, in place, an elementwise kind (not GLU):
     * a stream's frames in its output buffer.
     *
     * @throws IllegalArgumentException for {@link PostactKind#GLU}
     */
    public static void inPlace(PostactKind kind, float[] x, int off, int n) {
        if (n < 0 || off < 0 || off + n > x.length) {
            throw new IllegalArgumentException(n + " values from " + off + " do not fit an array of " + x.length);
        }
        elementwise(kind, n, x, x, off);
    }

    /**
     * {@code dx[i] = f'(x[i]) dy[i]} for {@code i < n}, an elementwise kind (not GLU).
     *
     * @throws IllegalArgumentException for {@link PostactKind#GLU}
     */
    public static void backward(PostactKind kind, int n, float[] x, float[] dy, float[] dx) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        Checks.size("x", x, n);
        Checks.size("dy", dy, n);
        Checks.size("dx", dx, n);
        elementwiseBackward(kind, n, x, dy, dx);
    }

    /** The value of the elementwise {@code kind} at one point (for generated scalar code and tests). */
    public static float apply(PostactKind kind, float x) {
        switch (kind) {
            case IDENTITY:
                return x;
            case RELU:
                return x > 0f ? x : 0f;
            case RELU6:
                return Math.min(Math.max(x, 0f), 6f);
            case LELU:
                return x > 0f ? x : LEAKY_SLOPE * x;
            case SIGMOID:
                return (float) sigmoid(x);
            case TANH:
                return (float) tanh(x);
            case GELU:
                return (float) gelu(x);
            case SILU:
                return (float) (x * sigmoid(x));
            default:
                throw new IllegalArgumentException(kind + " is not elementwise");
        }
    }

    /** The derivative of the elementwise {@code kind} at one point. */
    public static float derivative(PostactKind kind, float x) {
        switch (kind) {
            case IDENTITY:
                return 1f;
            case RELU:
                return x > 0f ? 1f : 0f;
            case RELU6:
                return x > 0f && x < 6f ? 1f : 0f;
            case LELU:
                return x > 0f ? 1f : LEAKY_SLOPE;
            case SIGMOID: {
                double s = sigmoid(x);
                return (float) (s * (1.0 - s));
            }
            case TANH: {
                double t = tanh(x);
                return (float) (1.0 - t * t);
            }
            case GELU:
                return (float) geluDerivative(x);
            case SILU: {
                double s = sigmoid(x);
                return (float) (s * (1.0 + x * (1.0 - s)));
            }
            default:
                throw new IllegalArgumentException(kind + " is not elementwise");
        }
    }

    /** Exact GELU in double: {@code x Phi(x)}. */
    static double gelu(double x) {
        return 0.5 * x * Erf.erfc(-x * SQRT1_2);
    }

    /** {@code d/dx x Phi(x) = Phi(x) + x phi(x)}. */
    static double geluDerivative(double x) {
        return 0.5 * Erf.erfc(-x * SQRT1_2) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x);
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /**
     * {@code tanh} via the {@code exp} intrinsic: {@code sign(x) (1 - e)/(1 + e)}, {@code e = exp(-2|x|)}.
     * The cancellation in {@code 1 - e} costs a relative {@code 1e-16/|x|}, below a float ulp for
     * {@code |x| >= 1e-8}; below that {@code tanh x = x} to double precision.
     */
    static double tanh(double x) {
        double a = Math.abs(x);
        double e = Math.exp(-2.0 * a);
        double t = Math.copySign((1.0 - e) / (1.0 + e), x);
        return a < 1e-8 ? x : t;
    }

    /** All ones when {@code v > 0} (positive NaNs included), else 0: from the bits, without a branch. */
    private static int positiveMask(float v) {
        int bits = Float.floatToRawIntBits(v);
        return ~(bits >> 31) & (-bits >> 31);
    }

    private static final int SIX_BITS = Float.floatToRawIntBits(6f);

    /**
     * {@code y[off + i] = f(x[off + i])}: one loop per kind, so each loop body is branch-free for the
     * JIT, and one offset for both arrays, so that with {@code y == x} every value is read and written
     * at the same index and the JIT still vectorizes the loops.
     */
    private static void elementwise(PostactKind kind, int n, float[] x, float[] y, int off) {
        switch (kind) {
            case IDENTITY:
                if (x != y) {
                    System.arraycopy(x, off, y, off, n);
                }
                break;
            case RELU:
                for (int i = off; i < off + n; i++) {
                    y[i] = Math.max(x[i], 0f);
                }
                break;
            case RELU6:
                for (int i = off; i < off + n; i++) {
                    y[i] = Math.min(Math.max(x[i], 0f), 6f);
                }
                break;
            case LELU:
                for (int i = off; i < off + n; i++) {
                    float v = x[i];
                    y[i] = Math.max(v, LEAKY_SLOPE * v); // v for v > 0, 0.1 v otherwise
                }
                break;
            case SIGMOID:
                for (int i = off; i < off + n; i++) {
                    y[i] = (float) sigmoid(x[i]);
                }
                break;
            case TANH:
                for (int i = off; i < off + n; i++) {
                    y[i] = (float) tanh(x[i]);
                }
                break;
            case GELU:
                for (int i = off; i < off + n; i++) {
                    y[i] = (float) gelu(x[i]);
                }
                break;
            case SILU:
                for (int i = off; i < off + n; i++) {
                    double v = x[i];
                    y[i] = (float) (v * sigmoid(v));
                }
                break;
            default:
                throw new IllegalArgumentException(kind + " is not elementwise: use the (batch, channels, length) form");
        }
    }

    private static void elementwiseBackward(PostactKind kind, int n, float[] x, float[] dy, float[] dx) {
        switch (kind) {
            case IDENTITY:
                if (dy != dx) {
                    System.arraycopy(dy, 0, dx, 0, n);
                }
                break;
            case RELU:
                for (int i = 0; i < n; i++) {
                    int keep = positiveMask(x[i]);
                    dx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[i]) & keep);
                }
                break;
            case RELU6:
                for (int i = 0; i < n; i++) {
                    int bits = Float.floatToRawIntBits(x[i]);
                    // 0 < x < 6: positive, and below 6 in the (monotone) bit order of positive floats.
                    int keep = positiveMask(x[i]) & ((bits - SIX_BITS) >> 31);
                    dx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(dy[i]) & keep);
                }
                break;
            case LELU:
                for (int i = 0; i < n; i++) {
                    int keep = positiveMask(x[i]);
                    float g = dy[i];
                    dx[i] = Float.intBitsToFloat((Float.floatToRawIntBits(g) & keep)
                            | (Float.floatToRawIntBits(LEAKY_SLOPE * g) & ~keep));
                }
                break;
            case SIGMOID:
                for (int i = 0; i < n; i++) {
                    double s = sigmoid(x[i]);
                    dx[i] = (float) (dy[i] * s * (1.0 - s));
                }
                break;
            case TANH:
                for (int i = 0; i < n; i++) {
                    double t = tanh(x[i]);
                    dx[i] = (float) (dy[i] * (1.0 - t * t));
                }
                break;
            case GELU:
                for (int i = 0; i < n; i++) {
                    dx[i] = (float) (dy[i] * geluDerivative(x[i]));
                }
                break;
            case SILU:
                for (int i = 0; i < n; i++) {
                    double v = x[i];
                    double s = sigmoid(v);
                    dx[i] = (float) (dy[i] * s * (1.0 + v * (1.0 - s)));
                }
                break;
            default:
                throw new IllegalArgumentException(kind + " is not elementwise: use the (batch, channels, length) form");
        }
    }
}
