package dev.ssmc.runtime.nn;

import dev.ssmc.runtime.kernels.Gemm;
import dev.ssmc.runtime.kernels.Parallel;
import java.util.Arrays;

/**
 * Temporal resampling between layers ({@link ResampleKind}), forward and backward, in float32, on
 * signals {@code x[batch][cin][lengthIn]} to {@code y[batch][cout][outLength]} (layout
 * {@code [batch][channels][time]}).
 *
 * <p>With ratio {@code r} and {@code To = }{@link #outLength}:
 * <ul>
 * <li>{@code subsampling}: {@code y[c,t] = x[c, t*r + r-1]}, {@code To = floor(T/r)};
 * <li>{@code average}: {@code y[c,t] = mean_k x[c, t*r+k]}, {@code To = floor(T/r)};
 * <li>{@code repeat}: {@code y[c, t*r+k] = x[c,t]};
 * <li>{@code downsampling(_with_bias)}: {@code y[d,t] = bias[d] + sum_{c,k} w[d,c,k] x[c, t*r+k]},
 *     {@code weight[cout][cin][r]}, {@code bias[cout]}, {@code To = floor(T/r)} (PyTorch's
 *     {@code Conv1d(kernel r, stride r)} drops the tail);
 * <li>{@code downsampling_dw}: {@code y[c,t] = sum_k w[c,k] x[c, t*r+k]}, {@code weight[c][r]},
 *     {@code To = floor(T/r)};
 * <li>{@code upsampling(_with_bias)}: {@code y[d, t*r+k] = bias[d] + sum_c x[c,t] w[c,d,k]},
 *     {@code weight[cin][cout][r]}, {@code bias[cout]};
 * <li>{@code downshaping}: {@code y[c*r+k, t] = x[c, t*r+k]} ({@code cout = cin*r},
 *     {@code To = floor(T/r)}); {@code upshaping}: {@code y[c, t*r+k] = x[c*r+k, t]}
 *     ({@code cin = cout*r}).
 * </ul>
 * Channel-preserving modes need {@code cin == cout}. Ratio 1 is the identity for the modes without a
 * weight and a learned pointwise (1x1) convolution for those with one, as the language defines
 * {@code downsample conv 1 to C}; the reference's networks never build a ratio-1 pooling (its
 * {@code pool_temporal} would be the identity), so the importer writes none. Every shortening
 * mode drops an incomplete last window, as the reference's strided convolution does (its einops
 * patterns for average, downsampling_dw and downshaping refuse such lengths instead).
 *
 * <p>{@link #backward} takes the forward's input {@code x} (read only by the modes with a
 * weight), writes {@code dx} (zero on any dropped tail; {@code dx == null} skips it) and ADDS to
 * {@code dWeight}/{@code dBias} (null to skip). The strided convolutions are {@code r} strided
 * matrix products per batch element ({@link Gemm#gemmStrided}), everything else plain loops.
 * Batch elements are split between threads ({@link Parallel}); the backward pass makes each
 * element's share of the parameter gradients apart ({@link BatchShares}), so results do not depend
 * on the thread count. Outputs must not alias inputs.
 */
public final class Resampling {
    private Resampling() {
    }

    /** The output length: {@code T*r} for the upsampling modes, {@code floor(T/r)} for the others. */
    public static int outLength(ResampleKind mode, int ratio, int lengthIn) {
        Checks.positive("ratio", ratio);
        if (lengthIn < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + lengthIn);
        }
        if (mode.isUpsampling()) {
            return Math.multiplyExact(lengthIn, ratio);
        }
        return lengthIn / ratio;
    }

    /** Floats of the weight ({@code cout*cin*r}, {@code cin*r} for downsampling_dw, 0 without weight). */
    public static int weightSize(ResampleKind mode, int ratio, int cin, int cout) {
        if (!mode.hasWeight()) {
            return 0;
        }
        if (mode == ResampleKind.DOWNSAMPLING_DW) {
            return Math.multiplyExact(cin, ratio);
        }
        return Math.toIntExact((long) cin * cout * ratio);
    }

    /** Floats of the bias ({@code cout} for the {@code _with_bias} modes, else 0). */
    public static int biasSize(ResampleKind mode, int ratio, int cin, int cout) {
        return mode.hasBias() ? cout : 0;
    }

    /** Checks that {@code cin -> cout} is a valid channel change for {@code mode} at {@code ratio}. */
    public static void checkChannels(ResampleKind mode, int ratio, int cin, int cout) {
        Checks.positive("ratio", ratio);
        Checks.positive("cin", cin);
        Checks.positive("cout", cout);
        boolean ok = switch (mode) {
            case DOWNSAMPLING, DOWNSAMPLING_WITH_BIAS, UPSAMPLING, UPSAMPLING_WITH_BIAS -> true;
            case DOWNSHAPING -> (long) cin * ratio == cout;
            case UPSHAPING -> (long) cout * ratio == cin;
            default -> cin == cout;
        };
        if (!ok) {
            throw new IllegalArgumentException(mode + " with ratio " + ratio + " cannot map " + cin + " channels to "
                    + cout);
        }
    }

    /**
     * Resamples {@code x[batch][cin][lengthIn]} into {@code y[batch][cout][outLength]}.
     *
     * @param weight {@link #weightSize} floats (null when 0)
     * @param bias   {@link #biasSize} floats (null when 0)
     */
    public static void forward(ResampleKind mode, int ratio, int batch, int cin, int cout, int lengthIn,
                               float[] x, float[] y, float[] weight, float[] bias) {
        int lo = check(mode, ratio, batch, cin, cout, lengthIn, x, "y", y, weight, bias);
        int r = ratio;
        int t0 = lengthIn;
        if (r == 1 && !mode.hasWeight()) {
            System.arraycopy(x, 0, y, 0, batch * cin * t0);
            return;
        }
        long work = work(mode, batch, cin, cout, t0, r);
        if (Parallel.splits(batch, 1, work)) {
            Parallel.forRange(batch, 1, work,
                    (b0, b1) -> forwardBatches(mode, r, b0, b1, cin, cout, t0, lo, x, y, weight, bias));
        } else {
            forwardBatches(mode, r, 0, batch, cin, cout, t0, lo, x, y, weight, bias); // allocates nothing
        }
    }

    /** {@link #forward} of batch elements {@code [b0, b1)}. */
    private static void forwardBatches(ResampleKind mode, int r, int b0, int b1, int cin, int cout, int t0, int lo,
                                       float[] x, float[] y, float[] weight, float[] bias) {
        switch (mode) {
            case SUBSAMPLING:
                for (int row = b0 * cin; row < b1 * cin; row++) {
                    int xo = row * t0 + r - 1;
                    int yo = row * lo;
                    for (int t = 0; t < lo; t++) {
                        y[yo + t] = x[xo + t * r];
                    }
                }
                break;
            case AVERAGE: {
                float inv = 1f / r;
                for (int row = b0 * cin; row < b1 * cin; row++) {
                    int xo = row * t0;
                    int yo = row * lo;
                    for (int t = 0; t < lo; t++) {
                        float s = 0f;
                        for (int k = 0; k < r; k++) {
                            s += x[xo + t * r + k];
                        }
                        y[yo + t] = s * inv;
                    }
                }
                break;
            }
            case REPEAT:
                for (int row = b0 * cin; row < b1 * cin; row++) {
                    int xo = row * t0;
                    int yo = row * lo;
                    for (int t = 0; t < t0; t++) {
                        Arrays.fill(y, yo + t * r, yo + t * r + r, x[xo + t]);
                    }
                }
                break;
            case DOWNSAMPLING:
            case DOWNSAMPLING_WITH_BIAS:
                for (int b = b0; b < b1; b++) {
                    int xo = b * cin * t0;
                    int yo = b * cout * lo;
                    for (int k = 0; k < r; k++) {
                        // Y[d][t] (+)= sum_c W[d][c][k] X[c][t*r+k]
                        Gemm.gemmStrided(cout, lo, cin, 1f, weight, k, cin * r, r, x, xo + k, t0, r,
                                y, yo, lo, 1, k > 0);
                    }
                    addBias(cout, lo, bias, y, yo);
                }
                break;
            case DOWNSAMPLING_DW:
                for (int b = b0; b < b1; b++) {
                    for (int c = 0; c < cin; c++) {
                        int xo = (b * cin + c) * t0;
                        int yo = (b * cin + c) * lo;
                        float w0 = weight[c * r];
                        for (int t = 0; t < lo; t++) {
                            y[yo + t] = w0 * x[xo + t * r];
                        }
                        for (int k = 1; k < r; k++) {
                            float wk = weight[c * r + k];
                            for (int t = 0; t < lo; t++) {
                                y[yo + t] += wk * x[xo + t * r + k];
                            }
                        }
                    }
                }
                break;
            case UPSAMPLING:
            case UPSAMPLING_WITH_BIAS:
                for (int b = b0; b < b1; b++) {
                    int xo = b * cin * t0;
                    int yo = b * cout * lo;
                    for (int k = 0; k < r; k++) {
                        // Y[d][t*r+k] = sum_c W[c][d][k] X[c][t]
                        Gemm.gemmStrided(cout, t0, cin, 1f, weight, k, r, cout * r, x, xo, t0, 1,
                                y, yo + k, lo, r, false);
                    }
                    addBias(cout, lo, bias, y, yo);
                }
                break;
            case DOWNSHAPING:
                for (int b = b0; b < b1; b++) {
                    for (int c = 0; c < cin; c++) {
                        int xo = (b * cin + c) * t0;
                        for (int k = 0; k < r; k++) {
                            int yo = (b * cout + c * r + k) * lo;
                            for (int t = 0; t < lo; t++) {
                                y[yo + t] = x[xo + t * r + k];
                            }
                        }
                    }
                }
                break;
            case UPSHAPING:
                for (int b = b0; b < b1; b++) {
                    for (int c = 0; c < cout; c++) {
                        int yo = (b * cout + c) * lo;
                        for (int k = 0; k < r; k++) {
                            int xo = (b * cin + c * r + k) * t0;
                            for (int t = 0; t < t0; t++) {
                                y[yo + t * r + k] = x[xo + t];
                            }
                        }
                    }
                }
                break;
            default:
                throw new AssertionError(mode);
        }
    }

    /**
     * The gradient of {@link #forward}: writes {@code dx[batch][cin][lengthIn]} (unless null) from
     * {@code dy[batch][cout][outLength]} and adds the parameter gradients to {@code dWeight} and
     * {@code dBias} (null to skip).
     *
     * @param x the forward's input (read only by the modes with a weight, and only for {@code dWeight})
     */
    public static void backward(ResampleKind mode, int ratio, int batch, int cin, int cout, int lengthIn,
                                float[] x, float[] dy, float[] dx, float[] weight, float[] dWeight, float[] dBias) {
        int lo = outLength(mode, ratio, lengthIn);
        Checks.positive("batch", batch);
        checkChannels(mode, ratio, cin, cout);
        int t0 = lengthIn;
        int r = ratio;
        int nIn = (int) Checks.volume(batch, cin, t0);
        Checks.size("dy", dy, Checks.volume(batch, cout, lo));
        Checks.sizeOrNull("dx", dx, nIn);
        int ws = weightSize(mode, ratio, cin, cout);
        Checks.size("weight", weight, ws);
        Checks.sizeOrNull("dWeight", dWeight, ws);
        Checks.sizeOrNull("dBias", dBias, biasSize(mode, ratio, cin, cout));
        if (ws > 0 && dWeight != null) {
            Checks.size("x", x, nIn);
        }
        if (r == 1 && !mode.hasWeight()) {
            if (dx != null) {
                System.arraycopy(dy, 0, dx, 0, nIn);
            }
            return;
        }
        float[] weightShares = BatchShares.allocate(dWeight, batch, ws);
        float[] biasShares = BatchShares.allocate(dBias, batch, cout);
        Parallel.forRange(batch, 1, work(mode, batch, cin, cout, t0, r), (b0, b1) -> backwardBatches(mode, r, b0, b1,
                cin, cout, t0, lo, ws, x, dy, dx, weight, weightShares, biasShares));
        BatchShares.addTo(dWeight, batch, ws, weightShares);
        BatchShares.addTo(dBias, batch, cout, biasShares);
    }

    /**
     * {@link #backward} of batch elements {@code [b0, b1)}, writing element {@code b}'s share of
     * the parameter gradients at {@code dWeight[b * ws ..]} and {@code dBias[b * cout ..]}.
     */
    private static void backwardBatches(ResampleKind mode, int r, int b0, int b1, int cin, int cout, int t0, int lo,
                                        int ws, float[] x, float[] dy, float[] dx, float[] weight, float[] dWeight,
                                        float[] dBias) {
        if (dx != null && !mode.isUpsampling() && lo * r < t0) {
            for (int row = b0 * cin; row < b1 * cin; row++) {
                Arrays.fill(dx, row * t0 + lo * r, (row + 1) * t0, 0f); // the dropped tail
            }
        }
        switch (mode) {
            case SUBSAMPLING:
                if (dx != null) {
                    Arrays.fill(dx, b0 * cin * t0, b1 * cin * t0, 0f);
                    for (int row = b0 * cin; row < b1 * cin; row++) {
                        int xo = row * t0 + r - 1;
                        int yo = row * lo;
                        for (int t = 0; t < lo; t++) {
                            dx[xo + t * r] = dy[yo + t];
                        }
                    }
                }
                break;
            case AVERAGE:
                if (dx != null) {
                    float inv = 1f / r;
                    for (int row = b0 * cin; row < b1 * cin; row++) {
                        int xo = row * t0;
                        int yo = row * lo;
                        for (int t = 0; t < lo; t++) {
                            Arrays.fill(dx, xo + t * r, xo + t * r + r, dy[yo + t] * inv);
                        }
                    }
                }
                break;
            case REPEAT:
                if (dx != null) {
                    for (int row = b0 * cin; row < b1 * cin; row++) {
                        int xo = row * t0;
                        int yo = row * lo;
                        for (int t = 0; t < t0; t++) {
                            float s = 0f;
                            for (int k = 0; k < r; k++) {
                                s += dy[yo + t * r + k];
                            }
                            dx[xo + t] = s;
                        }
                    }
                }
                break;
            case DOWNSAMPLING:
            case DOWNSAMPLING_WITH_BIAS:
                for (int b = b0; b < b1; b++) {
                    int xo = b * cin * t0;
                    int yo = b * cout * lo;
                    for (int k = 0; k < r; k++) {
                        if (dx != null) {
                            // dX[c][t*r+k] = sum_d W[d][c][k] dY[d][t]
                            Gemm.gemmStrided(cin, lo, cout, 1f, weight, k, r, cin * r, dy, yo, lo, 1,
                                    dx, xo + k, t0, r, false);
                        }
                        if (dWeight != null) {
                            // dW[d][c][k] += sum_t dY[d][t] X[c][t*r+k]
                            Gemm.gemmStrided(cout, cin, lo, 1f, dy, yo, lo, 1, x, xo + k, r, t0,
                                    dWeight, b * ws + k, cin * r, r, false);
                        }
                    }
                    sumRows(cout, lo, dy, yo, dBias, b * cout);
                }
                break;
            case DOWNSAMPLING_DW:
                for (int b = b0; b < b1; b++) {
                    for (int c = 0; c < cin; c++) {
                        int xo = (b * cin + c) * t0;
                        int yo = (b * cin + c) * lo;
                        for (int k = 0; k < r; k++) {
                            if (dx != null) {
                                float wk = weight[c * r + k];
                                for (int t = 0; t < lo; t++) {
                                    dx[xo + t * r + k] = wk * dy[yo + t];
                                }
                            }
                            if (dWeight != null) {
                                double s = 0;
                                for (int t = 0; t < lo; t++) {
                                    s += dy[yo + t] * x[xo + t * r + k];
                                }
                                dWeight[b * ws + c * r + k] = (float) s;
                            }
                        }
                    }
                }
                break;
            case UPSAMPLING:
            case UPSAMPLING_WITH_BIAS:
                for (int b = b0; b < b1; b++) {
                    int xo = b * cin * t0;
                    int yo = b * cout * lo;
                    for (int k = 0; k < r; k++) {
                        if (dx != null) {
                            // dX[c][t] (+)= sum_d W[c][d][k] dY[d][t*r+k]
                            Gemm.gemmStrided(cin, t0, cout, 1f, weight, k, cout * r, r, dy, yo + k, lo, r,
                                    dx, xo, t0, 1, k > 0);
                        }
                        if (dWeight != null) {
                            // dW[c][d][k] += sum_t X[c][t] dY[d][t*r+k]
                            Gemm.gemmStrided(cin, cout, t0, 1f, x, xo, t0, 1, dy, yo + k, r, lo,
                                    dWeight, b * ws + k, cout * r, r, false);
                        }
                    }
                    sumRows(cout, lo, dy, yo, dBias, b * cout);
                }
                break;
            case DOWNSHAPING:
                if (dx != null) {
                    for (int b = b0; b < b1; b++) {
                        for (int c = 0; c < cin; c++) {
                            int xo = (b * cin + c) * t0;
                            for (int k = 0; k < r; k++) {
                                int yo = (b * cout + c * r + k) * lo;
                                for (int t = 0; t < lo; t++) {
                                    dx[xo + t * r + k] = dy[yo + t];
                                }
                            }
                        }
                    }
                }
                break;
            case UPSHAPING:
                if (dx != null) {
                    for (int b = b0; b < b1; b++) {
                        for (int c = 0; c < cout; c++) {
                            int yo = (b * cout + c) * lo;
                            for (int k = 0; k < r; k++) {
                                int xo = (b * cin + c * r + k) * t0;
                                for (int t = 0; t < t0; t++) {
                                    dx[xo + t] = dy[yo + t * r + k];
                                }
                            }
                        }
                    }
                }
                break;
            default:
                throw new AssertionError(mode);
        }
    }

    /** Operations of a pass, roughly: what decides whether splitting the batch between threads pays. */
    private static long work(ResampleKind mode, int batch, int cin, int cout, int t0, int r) {
        long perSample = (long) cin * t0;
        if (mode.hasWeight() && mode != ResampleKind.DOWNSAMPLING_DW) {
            perSample *= mode.isUpsampling() ? (long) cout * r : cout;
        }
        return batch * perSample;
    }

    private static int check(ResampleKind mode, int ratio, int batch, int cin, int cout, int lengthIn, float[] x,
                             String outName, float[] out, float[] weight, float[] bias) {
        int lo = outLength(mode, ratio, lengthIn);
        Checks.positive("batch", batch);
        checkChannels(mode, ratio, cin, cout);
        Checks.size("x", x, Checks.volume(batch, cin, lengthIn));
        Checks.size(outName, out, Checks.volume(batch, cout, lo));
        Checks.size("weight", weight, weightSize(mode, ratio, cin, cout));
        Checks.size("bias", bias, biasSize(mode, ratio, cin, cout));
        return lo;
    }

    private static void addBias(int rows, int n, float[] bias, float[] y, int off) {
        if (bias == null) {
            return;
        }
        for (int d = 0; d < rows; d++) {
            float v = bias[d];
            int o = off + d * n;
            for (int t = 0; t < n; t++) {
                y[o + t] += v;
            }
        }
    }

    /** {@code acc[accOff + d] += sum_t a[off + d*n + t]} (no-op when {@code acc} is null). */
    static void sumRows(int rows, int n, float[] a, int off, float[] acc, int accOff) {
        if (acc == null) {
            return;
        }
        for (int d = 0; d < rows; d++) {
            double s = 0;
            int o = off + d * n;
            for (int t = 0; t < n; t++) {
                s += a[o + t];
            }
            acc[accOff + d] += (float) s;
        }
    }
}
