package dev.ssmc.compiler.exec;

import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.Weights;
import java.util.HashMap;
import java.util.Map;

/**
 * An SSM layer's stored parameters turned into the operands of its contraction (see
 * {@code centaurus-reference.md}, section 1): {@code dtA = dt * (-softplus(A_re) + i A_im)} over the
 * kernel's states, and the weights with {@code dt} folded in where the reference folds it
 * ({@code Bhat = B dt} for s5 and neck, {@code Ehat = E dt} for dws and full; neck's E and every C
 * as stored). In float32, as the runtime computes.
 *
 * @param weights the weight operands by name ("B", "C", "E"), in the spec's index order
 * @param dt      the time step of every kernel state (broadcast to the kernel's state indices)
 */
public record Discretized(Map<String, float[]> weights, float[] dtARe, float[] dtAIm, float[] dt) {

    public static Discretized of(SsmLayer layer, Weights w) {
        float[] a = w.tensor(layer.param("A")).data();
        float[] logDt = w.tensor(layer.param("log_dt")).data();
        int cin = layer.inChannels();
        int cout = layer.ssmOutChannels();
        int n = layer.states();
        int j = layer.blocks();
        int states = switch (layer.mode()) {
            case DWS -> cin * n;
            case S5 -> j * n;
            case NECK -> j * n;
            case FULL -> cout * cin * n;
        };
        float[] dt = new float[states];
        for (int s = 0; s < states; s++) {
            int dtIndex = switch (layer.mode()) {
                case DWS, S5 -> s;
                case NECK -> s / n;
                case FULL -> (s / (cin * n)) * n + s % n; // log_dt[d, n], shared over c
            };
            dt[s] = (float) Math.exp(logDt[dtIndex]);
        }
        float[] re = new float[states];
        float[] im = new float[states];
        for (int s = 0; s < states; s++) {
            re[s] = (float) (dt[s] * -softplus(a[2 * s]));
            im[s] = dt[s] * a[2 * s + 1];
        }
        Map<String, float[]> weights = new HashMap<>();
        switch (layer.mode()) {
            case DWS, FULL -> weights.put("E", times(w.tensor(layer.param("E")).data(), dt));
            case S5 -> {
                weights.put("B", scaleRows(w.tensor(layer.param("B")).data(), dt, cin));
                weights.put("C", w.tensor(layer.param("C")).data());
            }
            case NECK -> {
                float[] blockDt = new float[j];
                for (int b = 0; b < j; b++) {
                    blockDt[b] = dt[b * n];
                }
                weights.put("B", scaleRows(w.tensor(layer.param("B")).data(), blockDt, cin));
                weights.put("C", w.tensor(layer.param("C")).data());
                weights.put("E", w.tensor(layer.param("E")).data());
            }
        }
        return new Discretized(weights, re, im, dt);
    }

    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    private static float[] times(float[] x, float[] y) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * y[i];
        }
        return out;
    }

    /** Row r of a [rows][cols] matrix times s[r]. */
    private static float[] scaleRows(float[] x, float[] s, int cols) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * s[i / cols];
        }
        return out;
    }
}
