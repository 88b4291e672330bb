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
 * @param weights   the weight operands by name ("B", "C", "E"), in the spec's index order
 * @param dt        the time step of every kernel state (broadcast to the kernel's state indices)
 * @param stateDt   for every kernel state, its entry of {@code log_dt}
 * @param folded    the weight {@code dt} is folded into ("B" or "E"), or null (never: every mode folds one)
 * @param foldedDt  for every element of the folded weight, the entry of {@code log_dt} it was scaled by
 */
public record Discretized(Map<String, float[]> weights, float[] dtARe, float[] dtAIm, float[] dt, int[] stateDt,
                          String folded, int[] foldedDt) {

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
        int[] stateDt = new int[states];
        for (int s = 0; s < states; s++) {
            stateDt[s] = switch (layer.mode()) {
                case DWS, S5 -> s;
                case NECK -> s / n;
                case FULL -> (s / (cin * n)) * n + s % n; // log_dt[d, n], shared over c
            };
            dt[s] = (float) Math.exp(logDt[stateDt[s]]);
        }
        float[] re = new float[states];
        float[] im = new float[states];
        for (int s = 0; s < states; s++) {
            re[s] = (float) (dt[s] * -softplus(a[2 * s]));
            im[s] = dt[s] * a[2 * s + 1];
        }
        Map<String, float[]> weights = new HashMap<>();
        String folded = layer.mode() == dev.ssmc.compiler.ir.SsmMode.DWS || layer.mode() == dev.ssmc.compiler.ir.SsmMode.FULL
                ? "E" : "B";
        int[] foldedDt = new int[w.tensor(layer.param(folded)).size()];
        for (int i = 0; i < foldedDt.length; i++) {
            foldedDt[i] = folded.equals("E") ? stateDt[i] : stateDt[(i / cin) * (layer.mode() == dev.ssmc.compiler.ir.SsmMode.NECK ? n : 1)];
        }
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
        return new Discretized(weights, re, im, dt, stateDt, folded, foldedDt);
    }

    /**
     * The gradients of the stored parameters from those of the contraction's operands: the
     * weight operands' gradients (by name, {@code dt} folded in as in {@link #of}) and the complex
     * gradient {@code S} of the dynamics, whose real part is the gradient by {@code Re(dtA)} and
     * whose imaginary part is minus the gradient by {@code Im(dtA)}.
     */
    public Map<String, float[]> parameterGradients(SsmLayer layer, Weights w, Map<String, float[]> operandGrads,
                                                   float[] sRe, float[] sIm) {
        float[] a = w.tensor(layer.param("A")).data();
        float[] logDt = w.tensor(layer.param("log_dt")).data();
        double[] gDt = new double[logDt.length];
        float[] gA = new float[a.length];
        for (int s = 0; s < dtARe.length; s++) {
            double re = -softplus(a[2 * s]);
            double im = a[2 * s + 1];
            double gx = sRe[s];
            double gy = -sIm[s];
            double sigmoid = 1 / (1 + Math.exp(-a[2 * s]));
            gA[2 * s] = (float) (gx * dt[s] * -sigmoid);
            gA[2 * s + 1] = (float) (gy * dt[s]);
            gDt[stateDt[s]] += gx * re + gy * im;
        }
        Map<String, float[]> out = new HashMap<>();
        for (Map.Entry<String, float[]> e : operandGrads.entrySet()) {
            float[] g = e.getValue();
            if (e.getKey().equals(folded)) {
                float[] raw = w.tensor(layer.param(folded)).data();
                float[] gw = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    double step = Math.exp(logDt[foldedDt[i]]);
                    gw[i] = (float) (g[i] * step);
                    gDt[foldedDt[i]] += g[i] * raw[i];
                }
                out.put(layer.param(folded), gw);
            } else {
                out.put(layer.param(e.getKey()), g.clone());
            }
        }
        float[] gLogDt = new float[logDt.length];
        for (int i = 0; i < logDt.length; i++) {
            gLogDt[i] = (float) (gDt[i] * Math.exp(logDt[i]));
        }
        out.put(layer.param("A"), gA);
        out.put(layer.param("log_dt"), gLogDt);
        return out;
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
