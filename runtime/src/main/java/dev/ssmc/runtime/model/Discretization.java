package dev.ssmc.runtime.model;

import java.util.HashMap;
import java.util.Map;

/**
 * An SSM block's stored parameters turned into the operands of its contraction (see
 * {@code centaurus-reference.md}, section 1): {@code dtA = dt * (-softplus(A_re) + i A_im)} over the
 * kernel's states, and the weights with {@code dt} folded in where the reference folds it
 * ({@code Bhat = B dt} for s5 and neck, {@code Ehat = E dt} for dws and full; neck's E and every C
 * as stored); and back, the gradients of the stored parameters from those of the operands.
 *
 * @param weights  the weight operands by name ("B", "C", "E"), in the contraction's index order
 * @param dt       the time step of every kernel state
 * @param stateDt  for every kernel state, its entry of {@code log_dt}
 * @param folded   the weight {@code dt} is folded into ("B" or "E")
 * @param foldedDt for every element of the folded weight, the entry of {@code log_dt} it is scaled by
 */
public record Discretization(BlockShape shape, Map<String, float[]> weights, float[] dtARe, float[] dtAIm, float[] dt,
                             int[] stateDt, String folded, int[] foldedDt) {

    /**
     * Discretizes; {@code params} holds the block's stored tensors by their local names
     * ({@code A}, {@code log_dt}, {@code B}, {@code C}, {@code E}).
     */
    public static Discretization of(BlockShape shape, Map<String, float[]> params) {
        float[] a = params.get("A");
        float[] logDt = params.get("log_dt");
        int cin = shape.inChannels();
        int n = shape.states();
        int states = shape.kernelStates();
        float[] dt = new float[states];
        int[] stateDt = new int[states];
        for (int s = 0; s < states; s++) {
            stateDt[s] = switch (shape.mode()) {
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
        boolean weighted = shape.mode() == BlockMode.DWS || shape.mode() == BlockMode.FULL;
        String folded = weighted ? "E" : "B";
        int[] foldedDt = new int[params.get(folded).length];
        for (int i = 0; i < foldedDt.length; i++) {
            foldedDt[i] = weighted ? stateDt[i] : stateDt[(i / cin) * (shape.mode() == BlockMode.NECK ? n : 1)];
        }
        Map<String, float[]> weights = new HashMap<>();
        float[] raw = params.get(folded);
        float[] hat = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            hat[i] = (float) (raw[i] * Math.exp(logDt[foldedDt[i]]));
        }
        weights.put(folded, hat);
        if (!weighted) {
            weights.put("C", params.get("C"));
            if (shape.mode() == BlockMode.NECK) {
                weights.put("E", params.get("E"));
            }
        }
        return new Discretization(shape, weights, re, im, dt, stateDt, folded, foldedDt);
    }

    public static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    /**
     * The gradients of the stored parameters (by local name) from those of the operands: the
     * weight operands' gradients (by name) and the complex gradient {@code S} of the dynamics,
     * whose real part is the gradient by {@code Re(dtA)} and whose imaginary part is minus the
     * gradient by {@code Im(dtA)}.
     */
    public Map<String, float[]> parameterGradients(Map<String, float[]> params, Map<String, float[]> operandGrads,
                                                   float[] sRe, float[] sIm) {
        float[] a = params.get("A");
        float[] logDt = params.get("log_dt");
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
                float[] raw = params.get(folded);
                float[] gw = new float[g.length];
                for (int i = 0; i < g.length; i++) {
                    gw[i] = (float) (g[i] * Math.exp(logDt[foldedDt[i]]));
                    gDt[foldedDt[i]] += (double) g[i] * raw[i];
                }
                out.put(folded, gw);
            } else {
                out.put(e.getKey(), g.clone());
            }
        }
        float[] gLogDt = new float[logDt.length];
        for (int i = 0; i < logDt.length; i++) {
            gLogDt[i] = (float) (gDt[i] * Math.exp(logDt[i]));
        }
        out.put("A", gA);
        out.put("log_dt", gLogDt);
        return out;
    }
}
