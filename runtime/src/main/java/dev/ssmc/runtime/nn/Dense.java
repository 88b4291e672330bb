package dev.ssmc.runtime.nn;

import dev.ssmc.runtime.kernels.Gemm;

/**
 * A fully connected layer ({@code nn.Linear(in, out)}) of the classifier head:
 * {@code y[b,o] = bias[o] + sum_i w[o,i] x[b,i]} with {@code w[out][in]}, {@code bias[out]},
 * {@code x[batch][in]}, {@code y[batch][out]}.
 *
 * <p>Forward {@code Y = X W^T}, backward {@code dX = dY W} (written; {@code dx == null} skips it),
 * {@code dW += dY^T X}, {@code dBias += sum_b dY} (null to skip), each one {@link Gemm} call.
 * Nothing is allocated; outputs must not alias inputs.
 */
public final class Dense {
    private Dense() {
    }

    /**
     * {@code y = x W^T + bias}.
     *
     * @param bias {@code [out]}, or null for a layer without bias
     */
    public static void forward(int batch, int in, int out, float[] x, float[] y, float[] w, float[] bias) {
        check(batch, in, out, w);
        Checks.size("x", x, (long) batch * in);
        Checks.size("y", y, (long) batch * out);
        Checks.sizeOrNull("bias", bias, out);
        // Y[b][o] = sum_i X[b][i] W[o][i]  (W^T stored as [out][in])
        Gemm.gemmTransB(batch, out, in, x, 0, in, w, 0, in, y, 0, out, false);
        if (bias != null) {
            for (int b = 0; b < batch; b++) {
                int o = b * out;
                for (int j = 0; j < out; j++) {
                    y[o + j] += bias[j];
                }
            }
        }
    }

    /**
     * The gradient: writes {@code dx} (unless null), adds to {@code dW} ({@code [out][in]}) and
     * {@code dBias} (unless null).
     *
     * @param x the forward's input (read only for {@code dW})
     */
    public static void backward(int batch, int in, int out, float[] x, float[] dy, float[] dx, float[] w,
                                float[] dW, float[] dBias) {
        check(batch, in, out, w);
        Checks.size("dy", dy, (long) batch * out);
        Checks.sizeOrNull("dx", dx, (long) batch * in);
        Checks.sizeOrNull("dW", dW, (long) out * in);
        Checks.sizeOrNull("dBias", dBias, out);
        if (dW != null) {
            Checks.size("x", x, (long) batch * in);
        }
        if (dx != null) {
            // dX[b][i] = sum_o dY[b][o] W[o][i]
            Gemm.gemm(batch, in, out, dy, 0, out, w, 0, in, dx, 0, in, false);
        }
        if (dW != null) {
            // dW[o][i] += sum_b dY[b][o] X[b][i]  (dY^T stored as [batch][out])
            Gemm.gemmTransA(out, in, batch, dy, 0, out, x, 0, in, dW, 0, in, true);
        }
        if (dBias != null) {
            for (int j = 0; j < out; j++) {
                double s = 0;
                for (int b = 0; b < batch; b++) {
                    s += dy[b * out + j];
                }
                dBias[j] += (float) s;
            }
        }
    }

    private static void check(int batch, int in, int out, float[] w) {
        Checks.positive("batch", batch);
        Checks.positive("in", in);
        Checks.positive("out", out);
        Checks.size("w", w, (long) out * in);
    }
}
