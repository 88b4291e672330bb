package dev.ssmc.compiler.exec;

import dev.ssmc.runtime.model.Discretization;
import dev.ssmc.compiler.ir.SsmLayer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent double-precision evaluation of an SSM block and of every gradient, written as a
 * sum over states (each with {@code z = dtA}, input weights and output weights), for checking the
 * plan executor. Gradients come from the same sums, differentiated by hand.
 */
final class SsmReference {
    record State(double zr, double zi, double[] in, double[] out, int[] source) {
    }

    final SsmLayer layer;
    final List<State> states = new ArrayList<>();
    final int cin;
    final int outCh;
    final Discretization d;

    SsmReference(SsmLayer layer, Discretization d) {
        this.layer = layer;
        this.d = d;
        this.cin = layer.inChannels();
        int cout = layer.ssmOutChannels();
        this.outCh = layer.mode() == dev.ssmc.compiler.ir.SsmMode.DWS ? cin : cout;
        int n = layer.states();
        int j = layer.blocks();
        Map<String, float[]> w = d.weights();
        switch (layer.mode()) {
            case DWS -> {
                for (int c = 0; c < cin; c++) {
                    for (int m = 0; m < n; m++) {
                        int s = c * n + m;
                        double[] in = new double[cin];
                        in[c] = 1;
                        double[] out = new double[cin];
                        out[c] = w.get("E")[s];
                        states.add(new State(d.dtARe()[s], d.dtAIm()[s], in, out, new int[] {c, m}));
                    }
                }
            }
            case S5 -> {
                int total = j * n;
                for (int s = 0; s < total; s++) {
                    double[] in = new double[cin];
                    for (int c = 0; c < cin; c++) {
                        in[c] = w.get("B")[s * cin + c];
                    }
                    double[] out = new double[cout];
                    for (int dd = 0; dd < cout; dd++) {
                        out[dd] = w.get("C")[dd * total + s];
                    }
                    states.add(new State(d.dtARe()[s], d.dtAIm()[s], in, out, new int[] {s}));
                }
            }
            case NECK -> {
                for (int b = 0; b < j; b++) {
                    for (int m = 0; m < n; m++) {
                        int s = b * n + m;
                        double[] in = new double[cin];
                        for (int c = 0; c < cin; c++) {
                            in[c] = w.get("B")[b * cin + c] * w.get("E")[s];
                        }
                        double[] out = new double[cout];
                        for (int dd = 0; dd < cout; dd++) {
                            out[dd] = w.get("C")[dd * j + b];
                        }
                        states.add(new State(d.dtARe()[s], d.dtAIm()[s], in, out, new int[] {b, m}));
                    }
                }
            }
            case FULL -> {
                for (int dd = 0; dd < cout; dd++) {
                    for (int c = 0; c < cin; c++) {
                        for (int m = 0; m < n; m++) {
                            int s = (dd * cin + c) * n + m;
                            double[] in = new double[cin];
                            in[c] = 1;
                            double[] out = new double[cout];
                            out[dd] = w.get("E")[s];
                            states.add(new State(d.dtARe()[s], d.dtAIm()[s], in, out, new int[] {dd, c, m}));
                        }
                    }
                }
            }
        }
    }

    /** Re(exp(z l)) or, with derivative, l exp(z l) as (re, im). */
    static double[] kernel(State s, int l, boolean derivative) {
        double mag = Math.exp(s.zr * l);
        double re = mag * Math.cos(s.zi * l);
        double im = mag * Math.sin(s.zi * l);
        return derivative ? new double[] {l * re, l * im} : new double[] {re, 0};
    }

    /** v_s[b][t] = sum_c in_s[c] u[b][c][t]. */
    private double[][] project(State s, float[] u, int batch, int len) {
        double[][] v = new double[batch][len];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < cin; c++) {
                if (s.in[c] != 0) {
                    for (int t = 0; t < len; t++) {
                        v[b][t] += s.in[c] * u[(b * cin + c) * len + t];
                    }
                }
            }
        }
        return v;
    }

    /** w_s[b][t] = sum_d out_s[d] g[b][d][t]. */
    private double[][] gather(State s, float[] g, int batch, int len) {
        double[][] w = new double[batch][len];
        for (int b = 0; b < batch; b++) {
            for (int dd = 0; dd < outCh; dd++) {
                if (s.out[dd] != 0) {
                    for (int t = 0; t < len; t++) {
                        w[b][t] += s.out[dd] * g[(b * outCh + dd) * len + t];
                    }
                }
            }
        }
        return w;
    }

    double[] forward(float[] u, int batch, int len) {
        double[] y = new double[batch * outCh * len];
        for (State s : states) {
            double[][] v = project(s, u, batch, len);
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < len; t++) {
                    double acc = 0;
                    for (int l = 0; l <= t; l++) {
                        acc += kernel(s, l, false)[0] * v[b][t - l];
                    }
                    for (int dd = 0; dd < outCh; dd++) {
                        y[(b * outCh + dd) * len + t] += s.out[dd] * acc;
                    }
                }
            }
        }
        return y;
    }

    double[] gradInput(float[] g, int batch, int len) {
        double[] gu = new double[batch * cin * len];
        for (State s : states) {
            double[][] w = gather(s, g, batch, len);
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < len; t++) {
                    double acc = 0;
                    for (int l = 0; t + l < len; l++) {
                        acc += kernel(s, l, false)[0] * w[b][t + l];
                    }
                    for (int c = 0; c < cin; c++) {
                        gu[(b * cin + c) * len + t] += s.in[c] * acc;
                    }
                }
            }
        }
        return gu;
    }

    /** h_s[l] = sum_{b,t} w_s[b][t+l] v_s[b][t]: the loss is sum_s sum_l h_s[l] K_s[l]. */
    private double[] lagProfile(State s, float[] u, float[] g, int batch, int len) {
        double[][] v = project(s, u, batch, len);
        double[][] w = gather(s, g, batch, len);
        double[] h = new double[len];
        for (int b = 0; b < batch; b++) {
            for (int l = 0; l < len; l++) {
                for (int t = 0; t + l < len; t++) {
                    h[l] += w[b][t + l] * v[b][t];
                }
            }
        }
        return h;
    }

    /** Gradients of sum(y * g) by the weight operands ("B", "C", "E") and by dtA (re, im). */
    Map<String, double[]> gradients(float[] u, float[] g, int batch, int len) {
        Map<String, double[]> out = new HashMap<>();
        for (String name : d.weights().keySet()) {
            out.put(name, new double[d.weights().get(name).length]);
        }
        double[] gzRe = new double[d.dtARe().length];
        double[] gzIm = new double[d.dtARe().length];
        int idx = 0;
        for (State s : states) {
            double[] h = lagProfile(s, u, g, batch, len);
            double[] dIn = new double[cin];
            double[] dOut = new double[outCh];
            // d/d in_s[c] = sum_{b,t,l} w_s[b][t+l] K[l] u[b][c][t]; d/d out_s[d] = sum g[b][d][t+l] K[l] v_s[b][t]
            double[][] v = project(s, u, batch, len);
            double[][] w = gather(s, g, batch, len);
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < len; t++) {
                    double fwd = 0;
                    for (int l = 0; l <= t; l++) {
                        fwd += kernel(s, l, false)[0] * v[b][t - l];
                    }
                    double bwd = 0;
                    for (int l = 0; t + l < len; l++) {
                        bwd += kernel(s, l, false)[0] * w[b][t + l];
                    }
                    for (int c = 0; c < cin; c++) {
                        dIn[c] += bwd * u[(b * cin + c) * len + t];
                    }
                    for (int dd = 0; dd < outCh; dd++) {
                        dOut[dd] += fwd * g[(b * outCh + dd) * len + t];
                    }
                }
            }
            for (int l = 0; l < len; l++) {
                double[] k = kernel(s, l, true);
                gzRe[idx] += h[l] * k[0];
                gzIm[idx] += h[l] * k[1];
            }
            distribute(s, idx, dIn, dOut, out);
            idx++;
        }
        out.put("dtA.re", gzRe);
        out.put("dtA.im", gzIm);
        return out;
    }

    private void distribute(State s, int idx, double[] dIn, double[] dOut, Map<String, double[]> out) {
        Map<String, float[]> w = d.weights();
        int n = layer.states();
        switch (layer.mode()) {
            case DWS -> out.get("E")[idx] += dOut[s.source[0]];
            case FULL -> out.get("E")[idx] += dOut[s.source[0]];
            case S5 -> {
                for (int c = 0; c < cin; c++) {
                    out.get("B")[idx * cin + c] += dIn[c];
                }
                int total = states.size();
                for (int dd = 0; dd < outCh; dd++) {
                    out.get("C")[dd * total + idx] += dOut[dd];
                }
            }
            case NECK -> {
                int b = s.source[0];
                int m = s.source[1];
                int j = layer.blocks();
                for (int c = 0; c < cin; c++) {
                    out.get("B")[b * cin + c] += w.get("E")[b * n + m] * dIn[c];
                    out.get("E")[b * n + m] += w.get("B")[b * cin + c] * dIn[c];
                }
                for (int dd = 0; dd < outCh; dd++) {
                    out.get("C")[dd * j + b] += dOut[dd];
                }
            }
        }
    }
}
