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
    /** The stored parameters (null where the mode has none): the backward pass distributes to them. */
    private final double[] a;
    private final double[] logDt;
    private final double[] bw;
    private final double[] cw;
    private final double[] e;
    private final List<State> states = new ArrayList<>();
    private final ActivationOp inputAct;
    private final double[][] pointwise;
    private final ActivationOp outputAct;

    /**
     * One diagonal state: its discretized multiplier exponent and its input and output weights;
     * {@code index} is its complex number's row in {@code A} (and its row in {@code E}, or in
     * {@code B} and column in {@code C} for s5), {@code dtIndex} its entry of {@code log_dt}.
     */
    private record State(Complex dtA, double[] in, double[] out, int index, int dtIndex) {
    }

    SsmOp(SsmLayer layer, Weights w, NormJitter jitter) {
        this.layer = layer;
        int cin = layer.inChannels();
        int cout = layer.ssmOutChannels();
        int n = layer.states();
        int j = layer.blocks();
        a = w.doubles(layer.param("A"));
        logDt = w.doubles(layer.param("log_dt"));
        boolean bottleneck = layer.mode() == SsmMode.S5 || layer.mode() == SsmMode.NECK;
        bw = bottleneck ? w.doubles(layer.param("B")) : null;
        cw = bottleneck ? w.doubles(layer.param("C")) : null;
        e = layer.mode() == SsmMode.S5 ? null : w.doubles(layer.param("E"));
        switch (layer.mode()) {
            case DWS -> {
                for (int c = 0; c < cin; c++) {
                    for (int s = 0; s < n; s++) {
                        int cs = c * n + s;
                        double dt = Math.exp(logDt[cs]);
                        states.add(new State(dtA(a, cs, dt), unit(cin, c), scaledUnit(cin, c, e[cs] * dt), cs, cs));
                    }
                }
                ssmOut = cin;
            }
            case S5 -> {
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
                    states.add(new State(dtA(a, s, dt), in, out, s, s));
                }
                ssmOut = cout;
            }
            case NECK -> {
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
                        states.add(new State(dtA(a, b * n + m, dt), in, out, b * n + m, b));
                    }
                }
                ssmOut = cout;
            }
            case FULL -> {
                for (int d = 0; d < cout; d++) {
                    for (int c = 0; c < cin; c++) {
                        for (int s = 0; s < n; s++) {
                            double dt = Math.exp(logDt[d * n + s]);
                            int dcs = (d * cin + c) * n + s;
                            states.add(new State(dtA(a, dcs, dt), unit(cin, c), scaledUnit(cout, d, e[dcs] * dt), dcs,
                                    d * n + s));
                        }
                    }
                }
                ssmOut = cout;
            }
            default -> throw new IllegalStateException("unknown mode " + layer.mode());
        }
        if (layer.mode() == SsmMode.DWS) {
            inputAct = new ActivationOp(layer.act(), layer.inputNormKey(), cin, w, jitter);
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
        outputAct = layer.activations() ? new ActivationOp(layer.act(), layer.outputNormKey(), cout, w, jitter) : null;
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
        return mix(convolve(u));
    }

    /** The SSM alone (before the mixer) over a whole sequence: the direct causal convolution of each state. */
    private double[][][] convolve(double[][][] u) {
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
        return y;
    }

    @Override
    public double[][][] backward(double[][][] u, double[][][] gy, ParamGradients grads) {
        return convolveBackward(u, mixBackward(convolve(u), gy, grads), grads);
    }

    /**
     * The backward pass of {@link #convolve} at {@code u}, given {@code g}, the gradient by its output.
     *
     * <p>With {@code v_s = sum_c in_s[c] u[c]}, {@code w_s = sum_d out_s[d] g[d]} and the kernel
     * {@code K_s[l] = Re(exp(dtA_s l))}, the loss is
     * {@code sum_s sum_{b,t} w_s[t] sum_{l<=t} K_s[l] v_s[t-l] = sum_s sum_l K_s[l] h_s[l]} with the lag
     * profile {@code h_s[l] = sum_{b,t} w_s[t+l] v_s[t]}. So, state by state:
     * <ul>
     * <li>by {@code u[c,t]}: {@code in_s[c] * back_s[t]}, where {@code back_s[t] = sum_l K_s[l] w_s[t+l]};
     * <li>by {@code in_s[c]}: {@code sum_{b,t} u[c,t] back_s[t]};
     * <li>by {@code out_s[d]}: {@code sum_{b,t} g[d,t] fwd_s[t]}, where {@code fwd_s = K_s * v_s};
     * <li>by {@code dtA_s = x + iy}: {@code dK[l]/dx = Re(l exp(dtA l))}, {@code dK[l]/dy = Re(i l exp(dtA l))
     * = -Im(l exp(dtA l))}, each summed against {@code h_s[l]}.
     * </ul>
     * {@link #distribute} then takes these to the stored parameters.
     */
    private double[][][] convolveBackward(double[][][] u, double[][][] g, ParamGradients grads) {
        int batch = u.length;
        int cin = layer.inChannels();
        int length = Signals.length(u);
        double[][][] gu = Signals.zeros(batch, cin, length);
        double[] gDt = new double[logDt.length];
        double[] kernelRe = new double[length];
        double[] kernelIm = new double[length];
        double[] v = new double[length];
        double[] w = new double[length];
        double[] fwd = new double[length];
        double[] back = new double[length];
        for (State s : states) {
            for (int l = 0; l < length; l++) {
                Complex k = s.dtA.multiply(l).exp();
                kernelRe[l] = k.getReal();
                kernelIm[l] = k.getImaginary();
            }
            double[] gIn = new double[cin];
            double[] gOut = new double[ssmOut];
            double gRe = 0;
            double gIm = 0;
            for (int b = 0; b < batch; b++) {
                project(s.in, u[b], v, length);
                project(s.out, g[b], w, length);
                for (int t = 0; t < length; t++) {
                    double acc = 0;
                    for (int l = 0; l <= t; l++) {
                        acc += kernelRe[l] * v[t - l];
                    }
                    fwd[t] = acc;
                    acc = 0;
                    for (int l = 0; t + l < length; l++) {
                        acc += kernelRe[l] * w[t + l];
                    }
                    back[t] = acc;
                }
                for (int l = 0; l < length; l++) {
                    double h = 0;
                    for (int t = 0; t + l < length; t++) {
                        h += w[t + l] * v[t];
                    }
                    gRe += h * l * kernelRe[l];
                    gIm -= h * l * kernelIm[l];
                }
                for (int c = 0; c < cin; c++) {
                    for (int t = 0; t < length; t++) {
                        gIn[c] += u[b][c][t] * back[t];
                        gu[b][c][t] += s.in[c] * back[t];
                    }
                }
                for (int d = 0; d < ssmOut; d++) {
                    for (int t = 0; t < length; t++) {
                        gOut[d] += g[b][d][t] * fwd[t];
                    }
                }
            }
            distribute(s, gIn, gOut, gRe, gIm, gDt, grads);
        }
        // dt = exp(log_dt)
        double[] gLogDt = grads.of(layer.param("log_dt"), logDt.length);
        for (int i = 0; i < logDt.length; i++) {
            gLogDt[i] += gDt[i] * Math.exp(logDt[i]);
        }
        return gu;
    }

    /**
     * Takes one state's gradients by its input weights, output weights and {@code dtA = x + iy} to
     * the stored parameters, following the constructor's formulas: {@code x = dt * -softplus(A[.,0])},
     * {@code y = dt * A[.,1]}; dt also enters the folded weight ({@code Ehat = E dt} on the output for
     * dws and full, {@code Bhat = B dt} on the input for s5 and neck). Gradients by dt collect in
     * {@code gDt}, indexed like {@code log_dt}.
     */
    private void distribute(State s, double[] gIn, double[] gOut, double gRe, double gIm, double[] gDt,
                            ParamGradients grads) {
        int i = s.index;
        int di = s.dtIndex;
        double dt = Math.exp(logDt[di]);
        double re = -softplus(a[2 * i]);
        double im = a[2 * i + 1];
        double[] gA = grads.of(layer.param("A"), a.length);
        gA[2 * i] += gRe * dt * -sigmoid(a[2 * i]);
        gA[2 * i + 1] += gIm * dt;
        gDt[di] += gRe * re + gIm * im;
        int cin = layer.inChannels();
        switch (layer.mode()) {
            case DWS, FULL -> {
                // out_s[d] = E[i] * dt at the state's one output channel d (dws: its channel; full: its d)
                int d = layer.mode() == SsmMode.DWS ? i / layer.states() : i / (cin * layer.states());
                double[] gE = grads.of(layer.param("E"), e.length);
                gE[i] += gOut[d] * dt;
                gDt[di] += gOut[d] * e[i];
            }
            case S5 -> {
                // in_s[c] = B[i,c] * dt, out_s[d] = C[d,i]
                int total = states.size();
                double[] gB = grads.of(layer.param("B"), bw.length);
                double[] gC = grads.of(layer.param("C"), cw.length);
                for (int c = 0; c < cin; c++) {
                    gB[i * cin + c] += gIn[c] * dt;
                    gDt[di] += gIn[c] * bw[i * cin + c];
                }
                for (int d = 0; d < ssmOut; d++) {
                    gC[d * total + i] += gOut[d];
                }
            }
            case NECK -> {
                // in_s[c] = B[j,c] * dt[j] * E[j,m] with j = di and i = j*N + m, out_s[d] = C[d,j]
                int j = di;
                double[] gB = grads.of(layer.param("B"), bw.length);
                double[] gC = grads.of(layer.param("C"), cw.length);
                double[] gE = grads.of(layer.param("E"), e.length);
                for (int c = 0; c < cin; c++) {
                    gB[j * cin + c] += gIn[c] * dt * e[i];
                    gE[i] += gIn[c] * bw[j * cin + c] * dt;
                    gDt[di] += gIn[c] * bw[j * cin + c] * e[i];
                }
                for (int d = 0; d < ssmOut; d++) {
                    gC[d * layer.blocks() + j] += gOut[d];
                }
            }
            default -> throw new IllegalStateException("unknown mode " + layer.mode());
        }
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
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
        double[][][] y = inputAct == null ? z : pointwise(inputAct.full(z));
        return outputAct == null ? y : outputAct.full(y);
    }

    /** dws: the pointwise conv {@code y[d,t] = sum_c W[d,c] a[c,t]}. */
    private double[][][] pointwise(double[][][] a) {
        int length = Signals.length(a);
        double[][][] y = Signals.zeros(a.length, pointwise.length, length);
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
        return y;
    }

    /** The backward pass of {@link #mix} at the SSM output {@code z}, given {@code gy}: the gradient by {@code z}. */
    private double[][][] mixBackward(double[][][] z, double[][][] gy, ParamGradients grads) {
        if (inputAct == null) {
            return outputAct == null ? gy : outputAct.backward(z, gy, grads);
        }
        double[][][] a = inputAct.full(z);
        double[][][] gp = outputAct == null ? gy : outputAct.backward(pointwise(a), gy, grads);
        int length = Signals.length(a);
        int mixIn = pointwise[0].length;
        double[] gW = grads.of(layer.pointwiseKey(), pointwise.length * mixIn);
        double[][][] ga = Signals.zeros(a.length, mixIn, length);
        for (int b = 0; b < a.length; b++) {
            for (int d = 0; d < pointwise.length; d++) {
                for (int c = 0; c < mixIn; c++) {
                    for (int t = 0; t < length; t++) {
                        gW[d * mixIn + c] += gp[b][d][t] * a[b][c][t];
                        ga[b][c][t] += pointwise[d][c] * gp[b][d][t];
                    }
                }
            }
        }
        return inputAct.backward(z, ga, grads);
    }

    SsmLayer layer() {
        return layer;
    }
}
