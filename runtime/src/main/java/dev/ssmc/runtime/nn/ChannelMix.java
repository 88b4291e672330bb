package dev.ssmc.runtime.nn;

import dev.ssmc.runtime.kernels.Gemm;
import dev.ssmc.runtime.kernels.Parallel;

/**
 * A pointwise (kernel 1) convolution across channels, {@code y[b,d,t] = bias[d] + sum_c w[d,c] x[b,c,t]}:
 * the dws mixer's {@code Conv1d(Cin, Cout, 1, bias=False)} ({@code weight[Cout][Cin][1]}, stored
 * as {@code [Cout][Cin]}) and any other 1x1 conv. Signals are {@code x[batch][cin][length]},
 * {@code y[batch][cout][length]}.
 *
 * <p>One matrix product per batch element ({@link Gemm}): forward {@code Y = W X}, backward
 * {@code dX = W^T dY} (written; {@code dx == null} skips it) and {@code dW += dY X^T},
 * {@code dBias += sum_t dY} (null to skip). Batch elements are split between threads, the
 * parameter gradients made per element and added in batch order ({@link BatchShares}); outputs
 * must not alias inputs.
 */
public final class ChannelMix {
    private ChannelMix() {
    }

    /** {@code y = W x} with no bias. */
    public static void forward(int batch, int cin, int cout, int length, float[] x, float[] y, float[] w) {
        forward(batch, cin, cout, length, x, y, w, null);
    }

    /**
     * {@code y = W x + bias}.
     *
     * @param w    {@code [cout][cin]}
     * @param bias {@code [cout]} or null for none
     */
    public static void forward(int batch, int cin, int cout, int length, float[] x, float[] y, float[] w,
                               float[] bias) {
        check(batch, cin, cout, length, w);
        Checks.size("x", x, Checks.volume(batch, cin, length));
        Checks.size("y", y, Checks.volume(batch, cout, length));
        Checks.sizeOrNull("bias", bias, cout);
        long work = (long) batch * cin * cout * length;
        if (Parallel.splits(batch, 1, work)) {
            Parallel.forRange(batch, 1, work, (b0, b1) -> forwardBatches(b0, b1, cin, cout, length, x, y, w, bias));
        } else {
            forwardBatches(0, batch, cin, cout, length, x, y, w, bias); // allocates nothing
        }
    }

    private static void forwardBatches(int b0, int b1, int cin, int cout, int length, float[] x, float[] y, float[] w,
                                       float[] bias) {
        for (int b = b0; b < b1; b++) {
            int yo = b * cout * length;
            Gemm.gemm(cout, length, cin, w, 0, cin, x, b * cin * length, length, y, yo, length, false);
            if (bias != null) {
                for (int d = 0; d < cout; d++) {
                    float v = bias[d];
                    int o = yo + d * length;
                    for (int t = 0; t < length; t++) {
                        y[o + t] += v;
                    }
                }
            }
        }
    }

    /**
     * The gradient: writes {@code dx} (unless null), adds to {@code dW} ({@code [cout][cin]}) and
     * {@code dBias} (unless null).
     *
     * @param x the forward's input (read only for {@code dW})
     */
    public static void backward(int batch, int cin, int cout, int length, float[] x, float[] dy, float[] dx,
                                float[] w, float[] dW, float[] dBias) {
        check(batch, cin, cout, length, w);
        Checks.size("dy", dy, Checks.volume(batch, cout, length));
        Checks.sizeOrNull("dx", dx, Checks.volume(batch, cin, length));
        Checks.sizeOrNull("dW", dW, (long) cout * cin);
        Checks.sizeOrNull("dBias", dBias, cout);
        if (dW != null) {
            Checks.size("x", x, Checks.volume(batch, cin, length));
        }
        float[] weightShares = BatchShares.allocate(dW, batch, cout * cin);
        float[] biasShares = BatchShares.allocate(dBias, batch, cout);
        Parallel.forRange(batch, 1, (long) batch * cin * cout * length, (b0, b1) -> {
            for (int b = b0; b < b1; b++) {
                int xo = b * cin * length;
                int yo = b * cout * length;
                if (dx != null) {
                    // dX[c][t] = sum_d W[d][c] dY[d][t]  (W^T stored as [cout][cin])
                    Gemm.gemmTransA(cin, length, cout, w, 0, cin, dy, yo, length, dx, xo, length, false);
                }
                if (weightShares != null) {
                    // dW[d][c] (share of b) = sum_t dY[d][t] X[c][t]  (X^T stored as [cin][length])
                    Gemm.gemmTransB(cout, cin, length, dy, yo, length, x, xo, length, weightShares, b * cout * cin,
                            cin, false);
                }
                Resampling.sumRows(cout, length, dy, yo, biasShares, b * cout);
            }
        });
        BatchShares.addTo(dW, batch, cout * cin, weightShares);
        BatchShares.addTo(dBias, batch, cout, biasShares);
    }

    private static void check(int batch, int cin, int cout, int length, float[] w) {
        Checks.positive("batch", batch);
        Checks.positive("cin", cin);
        Checks.positive("cout", cout);
        Checks.positive("length", length);
        Checks.size("w", w, (long) cout * cin);
    }
}
