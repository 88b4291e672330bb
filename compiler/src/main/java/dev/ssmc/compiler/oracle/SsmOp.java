package dev.ssmc.compiler.oracle;

import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.ir.Weights;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.complex.Complex;

/**
 * An SSM layer and its mixer, following {@code centaurus-reference.md} section 2.
 *
 * <p>Each mode's output is a sum over its diagonal states of the same thing: a state {@code s}
 * with multiplier {@code a_s = exp(dtA_s)} reads the input through weights {@code in_s[c]}, and
 * reaches output channel {@code d} through {@code out_s[d]}:
 * <pre>  y[d,t] = sum_s out_s[d] * sum_{l<=t} Re(exp(dtA_s * l)) * sum_c in_s[c] u[c,t-l]</pre>
 * The constructor writes down {@code dtA_s}, {@code in_s} and {@code out_s} for each mode exactly
 * as the reference's formulas define them (dws: {@code Ehat} on the output; s5: {@code Bhat} in,
 * {@code C} out; neck: {@code Bhat*E} in, {@code C} out; full: one state per (d, c, n)). The full
 * sequence is then a direct causal convolution with the kernel, and streaming is the recurrence
 * {@code x_t = a x_{t-1} + v_t}, {@code y_t = Re(sum out * x_t)}.
 */
final class SsmOp implements OracleOp {
    private final SsmLayer layer;
    private final int ssmOut;
    private final List<State> states = new ArrayList<>();
    private final ActivationOp inputAct;
    private final double[][] pointwise;
    private final ActivationOp outputAct;

    /** One diagonal state: its discretized multiplier exponent and its input and output weights. */
    private record State(Complex dtA, double[] in, double[] out) {
    }

    SsmOp(SsmLayer layer, Weights w) {
        this.layer = layer;
        int cin = layer.inChannels();
        int cout = layer.ssmOutChannels();
        int n = layer.states();
        int j = layer.blocks();
        double[] a = w.doubles(layer.param("A"));
        double[] logDt = w.doubles(layer.param("log_dt"));
        switch (layer.mode()) {
            case DWS -> {
                double[] e = w.doubles(layer.param("E"));
                for (int c = 0; c < cin; c++) {
                    for (int s = 0; s < n; s++) {
                        int cs = c * n + s;
                        double dt = Math.exp(logDt[cs]);
                        states.add(new State(dtA(a, cs, dt), unit(cin, c), scaledUnit(cin, c, e[cs] * dt)));
                    }
                }
                ssmOut = cin;
            }
            case S5 -> {
                double[] bw = w.doubles(layer.param("B"));
                double[] cw = w.doubles(layer.param("C"));
                int total = j * n;
                for (int s = 0; s < total; s++) {
                    double dt = Math.exp(logDt[s]);
                    double[] in = new double[cin];
                    for (int c = 0; c < cin; c++) {
                        in[c] = bw[s * cin + c] * dt;
                    }
                    double[] out = new double[cout];
                    for (int d = 0; d < cout; d++) {
                        out[d] = cw[d * total + s];
                    }
                    states.add(new State(dtA(a, s, dt), in, out));
                }
                ssmOut = cout;
            }
            case NECK -> {
                double[] bw = w.doubles(layer.param("B"));
                double[] cw = w.doubles(layer.param("C"));
                double[] e = w.doubles(layer.param("E"));
                for (int b = 0; b < j; b++) {
                    double dt = Math.exp(logDt[b]);
                    double[] out = new double[cout];
                    for (int d = 0; d < cout; d++) {
                        out[d] = cw[d * j + b];
                    }
                    for (int m = 0; m < n; m++) {
                        double[] in = new double[cin];
                        for (int c = 0; c < cin; c++) {
                            in[c] = bw[b * cin + c] * dt * e[b * n + m];
                        }
                        states.add(new State(dtA(a, b * n + m, dt), in, out));
                    }
                }
                ssmOut = cout;
            }
            case FULL -> {
                double[] e = w.doubles(layer.param("E"));
                for (int d = 0; d < cout; d++) {
                    for (int c = 0; c < cin; c++) {
                        for (int s = 0; s < n; s++) {
                            double dt = Math.exp(logDt[d * n + s]);
                            int dcs = (d * cin + c) * n + s;
                            states.add(new State(dtA(a, dcs, dt), unit(cin, c), scaledUnit(cout, d, e[dcs] * dt)));
                        }
                    }
                }
                ssmOut = cout;
            }
            default -> throw new IllegalStateException("unknown mode " + layer.mode());
        }
        if (layer.mode() == SsmMode.DWS) {
            inputAct = new ActivationOp(layer.act(), layer.inputNormKey(), cin, w);
            int mixIn = layer.mixerInChannels();
            double[] pw = w.doubles(layer.pointwiseKey());
            pointwise = new double[cout][mixIn];
            for (int d = 0; d < cout; d++) {
                System.arraycopy(pw, d * mixIn, pointwise[d], 0, mixIn);
            }
        } else {
            inputAct = null;
            pointwise = null;
        }
        outputAct = layer.activations() ? new ActivationOp(layer.act(), layer.outputNormKey(), cout, w) : null;
    }

    /** {@code dt * (-softplus(A[i,0]) + i*A[i,1])}. */
    private static Complex dtA(double[] a, int index, double dt) {
        double re = -softplus(a[2 * index]);
        double im = a[2 * index + 1];
        return new Complex(dt * re, dt * im);
    }

    static double softplus(double x) {
        return x > 30 ? x : Math.log1p(Math.exp(x));
    }

    private static double[] unit(int size, int at) {
        return scaledUnit(size, at, 1);
    }

    private static double[] scaledUnit(int size, int at, double value) {
        double[] v = new double[size];
        v[at] = value;
        return v;
    }

    @Override
    public double[][][] full(double[][][] u) {
        int batch = u.length;
        int length = Signals.length(u);
        double[][][] y = Signals.zeros(batch, ssmOut, length);
        double[] kernel = new double[length];
        double[] v = new double[length];
        for (State s : states) {
            for (int l = 0; l < length; l++) {
                kernel[l] = s.dtA.multiply(l).exp().getReal();
            }
            for (int b = 0; b < batch; b++) {
                project(s.in, u[b], v, length);
                for (int t = 0; t < length; t++) {
                    double acc = 0;
                    for (int l = 0; l <= t; l++) {
                        acc += kernel[l] * v[t - l];
                    }
                    for (int d = 0; d < ssmOut; d++) {
                        y[b][d][t] += s.out[d] * acc;
                    }
                }
            }
        }
        return mix(y);
    }

    @Override
    public StreamOp stream(int batch) {
        List<Complex> multipliers = states.stream().map(s -> s.dtA.exp()).toList();
        Complex[][] x = new Complex[batch][states.size()];
        for (Complex[] xb : x) {
            java.util.Arrays.fill(xb, Complex.ZERO);
        }
        return chunk -> {
            int length = Signals.length(chunk);
            double[][][] y = Signals.zeros(batch, ssmOut, length);
            double[] v = new double[length];
            for (int si = 0; si < states.size(); si++) {
                State s = states.get(si);
                Complex a = multipliers.get(si);
                for (int b = 0; b < batch; b++) {
                    project(s.in, chunk[b], v, length);
                    Complex state = x[b][si];
                    for (int t = 0; t < length; t++) {
                        state = a.multiply(state).add(v[t]);
                        double re = state.getReal();
                        for (int d = 0; d < ssmOut; d++) {
                            y[b][d][t] += s.out[d] * re;
                        }
                    }
                    x[b][si] = state;
                }
            }
            return mix(y);
        };
    }

    /** v[t] = sum_c in[c] u[c][t]. */
    private static void project(double[] in, double[][] u, double[] v, int length) {
        java.util.Arrays.fill(v, 0, length, 0);
        for (int c = 0; c < in.length; c++) {
            if (in[c] != 0) {
                for (int t = 0; t < length; t++) {
                    v[t] += in[c] * u[c][t];
                }
            }
        }
    }

    /** The mixer: dws applies act(Cin), the pointwise conv, then act(Cout) if enabled; the other modes act(Cout) if enabled. */
    private double[][][] mix(double[][][] z) {
        double[][][] y = z;
        if (inputAct != null) {
            double[][][] a = inputAct.full(z);
            int length = Signals.length(a);
            y = Signals.zeros(a.length, pointwise.length, length);
            for (int b = 0; b < a.length; b++) {
                for (int d = 0; d < pointwise.length; d++) {
                    for (int c = 0; c < pointwise[d].length; c++) {
                        double wdc = pointwise[d][c];
                        for (int t = 0; t < length; t++) {
                            y[b][d][t] += wdc * a[b][c][t];
                        }
                    }
                }
            }
        }
        return outputAct == null ? y : outputAct.full(y);
    }

    SsmLayer layer() {
        return layer;
    }
}
