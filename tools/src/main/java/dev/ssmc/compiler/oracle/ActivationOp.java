package dev.ssmc.compiler.oracle;

import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Keys;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Weights;
import org.apache.commons.math3.special.Erf;

/**
 * {@code act(F)} in eval mode: the norm of {@code centaurus-reference.md} section 3 (BatchNorm with
 * its running statistics), then the postact. Dropout is the identity in eval mode.
 *
 * <p>Streaming applies the activation to each chunk as it arrives. For the norms whose statistics
 * span time (layer, group, instance) that is what the reference does too, and it differs from the
 * full-sequence result.
 */
final class ActivationOp implements OracleOp {
    static final double NORM_EPS = 1e-5;
    /** PyTorch's RMSNorm default eps: the float32 machine epsilon. */
    static final double RMS_EPS = Math.ulp(1.0f);

    private final NormKind norm;
    private final Postact postact;
    private final String normKey;
    private final int features;
    private final double[] weight;
    private final double[] bias;
    private final double[] runningMean;
    private final double[] runningVar;
    /** Added to the norm's input in {@link #full}; none without a norm. */
    private final NormJitter jitter;

    ActivationOp(Activation act, String normKey, int features, Weights w, NormJitter jitter) {
        this(act.norm(), act.postact(), normKey, features, w, jitter);
    }

    ActivationOp(NormKind norm, Postact postact, String normKey, int features, Weights w) {
        this(norm, postact, normKey, features, w, NormJitter.NONE);
    }

    ActivationOp(NormKind norm, Postact postact, String normKey, int features, Weights w, NormJitter jitter) {
        this.norm = norm.isIdentityOn(features) ? NormKind.NONE : norm;
        this.jitter = this.norm == NormKind.NONE ? NormJitter.NONE : jitter;
        this.postact = postact;
        this.normKey = normKey;
        this.features = features;
        switch (this.norm) {
            case BATCH -> {
                weight = w.doubles(Keys.join(normKey, "weight"));
                bias = w.doubles(Keys.join(normKey, "bias"));
                runningMean = w.doubles(Keys.join(normKey, "running_mean"));
                runningVar = w.doubles(Keys.join(normKey, "running_var"));
            }
            case RMS -> {
                weight = w.doubles(Keys.join(normKey, "rms_norm.weight"));
                bias = null;
                runningMean = null;
                runningVar = null;
            }
            case LAYER_FEATURE, LAYER, GROUP, INSTANCE -> {
                weight = w.doubles(Keys.join(normKey, "weight"));
                bias = w.doubles(Keys.join(normKey, "bias"));
                runningMean = null;
                runningVar = null;
            }
            default -> {
                weight = null;
                bias = null;
                runningMean = null;
                runningVar = null;
            }
        }
    }

    @Override
    public double[][][] full(double[][][] x) {
        return postact(norm(jitter.apply(x)));
    }

    @Override
    public StreamOp stream(int batch) {
        return this::full;
    }

    @Override
    public double[][][] backward(double[][][] x, double[][][] gy, ParamGradients grads) {
        return normBackward(x, postactBackward(norm(x), gy), grads);
    }

    double[][][] norm(double[][][] x) {
        int batch = x.length;
        int length = Signals.length(x);
        double[][][] y = Signals.zeros(batch, features, length);
        for (int b = 0; b < batch; b++) {
            switch (norm) {
                case NONE -> {
                    for (int c = 0; c < features; c++) {
                        y[b][c] = x[b][c].clone();
                    }
                }
                case BATCH -> {
                    for (int c = 0; c < features; c++) {
                        double scale = weight[c] / Math.sqrt(runningVar[c] + NORM_EPS);
                        for (int t = 0; t < length; t++) {
                            y[b][c][t] = (x[b][c][t] - runningMean[c]) * scale + bias[c];
                        }
                    }
                }
                case LAYER_FEATURE -> {
                    for (int t = 0; t < length; t++) {
                        double mean = 0;
                        for (int c = 0; c < features; c++) {
                            mean += x[b][c][t];
                        }
                        mean /= features;
                        double var = 0;
                        for (int c = 0; c < features; c++) {
                            var += (x[b][c][t] - mean) * (x[b][c][t] - mean);
                        }
                        var /= features;
                        double inv = 1 / Math.sqrt(var + NORM_EPS);
                        for (int c = 0; c < features; c++) {
                            y[b][c][t] = (x[b][c][t] - mean) * inv * weight[c] + bias[c];
                        }
                    }
                }
                case RMS -> {
                    for (int t = 0; t < length; t++) {
                        double ms = 0;
                        for (int c = 0; c < features; c++) {
                            ms += x[b][c][t] * x[b][c][t];
                        }
                        double inv = 1 / Math.sqrt(ms / features + RMS_EPS);
                        for (int c = 0; c < features; c++) {
                            y[b][c][t] = x[b][c][t] * inv * weight[c];
                        }
                    }
                }
                case LAYER -> {
                    if (length != weight.length) {
                        throw new IllegalArgumentException("norm 'layer' normalizes over time with " + weight.length
                                + " weights (PyTorch's LayerNorm on the last axis), so it needs sequences of exactly "
                                + weight.length + " samples, not " + length);
                    }
                    for (int c = 0; c < features; c++) {
                        double mean = 0;
                        for (int t = 0; t < length; t++) {
                            mean += x[b][c][t];
                        }
                        mean /= length;
                        double var = 0;
                        for (int t = 0; t < length; t++) {
                            var += (x[b][c][t] - mean) * (x[b][c][t] - mean);
                        }
                        var /= length;
                        double inv = 1 / Math.sqrt(var + NORM_EPS);
                        for (int t = 0; t < length; t++) {
                            y[b][c][t] = (x[b][c][t] - mean) * inv * weight[t] + bias[t];
                        }
                    }
                }
                case GROUP, INSTANCE -> {
                    int groups = norm == NormKind.GROUP ? 4 : features;
                    int per = features / groups;
                    for (int g = 0; g < groups; g++) {
                        double mean = 0;
                        for (int c = g * per; c < (g + 1) * per; c++) {
                            for (int t = 0; t < length; t++) {
                                mean += x[b][c][t];
                            }
                        }
                        mean /= (double) per * length;
                        double var = 0;
                        for (int c = g * per; c < (g + 1) * per; c++) {
                            for (int t = 0; t < length; t++) {
                                var += (x[b][c][t] - mean) * (x[b][c][t] - mean);
                            }
                        }
                        var /= (double) per * length;
                        double inv = 1 / Math.sqrt(var + NORM_EPS);
                        for (int c = g * per; c < (g + 1) * per; c++) {
                            for (int t = 0; t < length; t++) {
                                y[b][c][t] = (x[b][c][t] - mean) * inv * weight[c] + bias[c];
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    /**
     * The backward pass of {@link #norm} at {@code x}, given {@code gy}, the gradient by its output:
     * the gradient by {@code x}; the gradients by the norm's weight and bias go to {@code grads}.
     * Every norm but batch (fixed running statistics in eval mode) standardizes a group of values
     * by their own mean and variance, whose backward is {@link #standardizeBackward}.
     */
    double[][][] normBackward(double[][][] x, double[][][] gy, ParamGradients grads) {
        int batch = x.length;
        int length = Signals.length(x);
        double[][][] gx = Signals.zeros(batch, features, length);
        double[] gw = weight == null ? null : grads.of(weightKey(), weight.length);
        double[] gb = bias == null ? null : grads.of(Keys.join(normKey, "bias"), bias.length);
        for (int b = 0; b < batch; b++) {
            switch (norm) {
                case NONE -> {
                    for (int c = 0; c < features; c++) {
                        gx[b][c] = gy[b][c].clone();
                    }
                }
                case BATCH -> {
                    for (int c = 0; c < features; c++) {
                        double inv = 1 / Math.sqrt(runningVar[c] + NORM_EPS);
                        for (int t = 0; t < length; t++) {
                            gx[b][c][t] = gy[b][c][t] * weight[c] * inv;
                            gw[c] += gy[b][c][t] * (x[b][c][t] - runningMean[c]) * inv;
                            gb[c] += gy[b][c][t];
                        }
                    }
                }
                case LAYER_FEATURE -> {
                    // one group per time step: the channels
                    double[] xs = new double[features];
                    double[] gxhat = new double[features];
                    for (int t = 0; t < length; t++) {
                        for (int c = 0; c < features; c++) {
                            xs[c] = x[b][c][t];
                        }
                        double[] xhat = standardize(xs);
                        for (int c = 0; c < features; c++) {
                            gxhat[c] = gy[b][c][t] * weight[c];
                            gw[c] += gy[b][c][t] * xhat[c];
                            gb[c] += gy[b][c][t];
                        }
                        double[] gs = standardizeBackward(xs, gxhat);
                        for (int c = 0; c < features; c++) {
                            gx[b][c][t] = gs[c];
                        }
                    }
                }
                case RMS -> {
                    // y = x * inv * w with inv = (mean_c x^2 + eps)^-1/2, so d inv / d x[c] = -inv^3 x[c] / F
                    for (int t = 0; t < length; t++) {
                        double ms = 0;
                        for (int c = 0; c < features; c++) {
                            ms += x[b][c][t] * x[b][c][t];
                        }
                        double inv = 1 / Math.sqrt(ms / features + RMS_EPS);
                        double dot = 0;
                        for (int c = 0; c < features; c++) {
                            gw[c] += gy[b][c][t] * x[b][c][t] * inv;
                            dot += gy[b][c][t] * weight[c] * x[b][c][t];
                        }
                        for (int c = 0; c < features; c++) {
                            gx[b][c][t] = gy[b][c][t] * weight[c] * inv - x[b][c][t] * inv * inv * inv * dot / features;
                        }
                    }
                }
                case LAYER -> {
                    // one group per channel: the time steps, with per-time weight and bias
                    double[] gxhat = new double[length];
                    for (int c = 0; c < features; c++) {
                        double[] xs = x[b][c];
                        double[] xhat = standardize(xs);
                        for (int t = 0; t < length; t++) {
                            gxhat[t] = gy[b][c][t] * weight[t];
                            gw[t] += gy[b][c][t] * xhat[t];
                            gb[t] += gy[b][c][t];
                        }
                        gx[b][c] = standardizeBackward(xs, gxhat);
                    }
                }
                case GROUP, INSTANCE -> {
                    // one group per channel group: its channels at every time step, value i = (c - first) * length + t
                    int groups = norm == NormKind.GROUP ? 4 : features;
                    int per = features / groups;
                    double[] xs = new double[per * length];
                    double[] gxhat = new double[per * length];
                    for (int g = 0; g < groups; g++) {
                        for (int i = 0; i < per; i++) {
                            for (int t = 0; t < length; t++) {
                                xs[i * length + t] = x[b][g * per + i][t];
                            }
                        }
                        double[] xhat = standardize(xs);
                        for (int i = 0; i < per; i++) {
                            int c = g * per + i;
                            for (int t = 0; t < length; t++) {
                                gxhat[i * length + t] = gy[b][c][t] * weight[c];
                                gw[c] += gy[b][c][t] * xhat[i * length + t];
                                gb[c] += gy[b][c][t];
                            }
                        }
                        double[] gs = standardizeBackward(xs, gxhat);
                        for (int i = 0; i < per; i++) {
                            for (int t = 0; t < length; t++) {
                                gx[b][g * per + i][t] = gs[i * length + t];
                            }
                        }
                    }
                }
            }
        }
        return gx;
    }

    private String weightKey() {
        return Keys.join(normKey, norm == NormKind.RMS ? "rms_norm.weight" : "weight");
    }

    /** {@code xhat = (x - mean) / sqrt(var + eps)} over all of {@code xs} (biased variance, as the forward). */
    private static double[] standardize(double[] xs) {
        double[] stats = meanAndInverseSigma(xs);
        double[] xhat = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            xhat[i] = (xs[i] - stats[0]) * stats[1];
        }
        return xhat;
    }

    /** {mean, 1 / sqrt(var + eps)} of {@code xs}, the biased variance: what standardizing divides by. */
    private static double[] meanAndInverseSigma(double[] xs) {
        int n = xs.length;
        double mean = 0;
        for (double v : xs) {
            mean += v;
        }
        mean /= n;
        double var = 0;
        for (double v : xs) {
            var += (v - mean) * (v - mean);
        }
        var /= n;
        return new double[] {mean, 1 / Math.sqrt(var + NORM_EPS)};
    }

    /**
     * The backward pass of {@link #standardize}: given {@code gxhat}, the gradient by {@code xhat},
     * the gradient by {@code xs} is {@code inv * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat))}.
     */
    private static double[] standardizeBackward(double[] xs, double[] gxhat) {
        int n = xs.length;
        double[] stats = meanAndInverseSigma(xs);
        double mean = stats[0];
        double inv = stats[1];
        double meanG = 0;
        double meanGx = 0;
        for (int i = 0; i < n; i++) {
            double xhat = (xs[i] - mean) * inv;
            meanG += gxhat[i];
            meanGx += gxhat[i] * xhat;
        }
        meanG /= n;
        meanGx /= n;
        double[] gx = new double[n];
        for (int i = 0; i < n; i++) {
            double xhat = (xs[i] - mean) * inv;
            gx[i] = inv * (gxhat[i] - meanG - xhat * meanGx);
        }
        return gx;
    }

    /** The backward pass of {@link #postact} at its input {@code x}, given {@code gy}, the gradient by its output. */
    double[][][] postactBackward(double[][][] x, double[][][] gy) {
        int length = Signals.length(x);
        double[][][] gx = Signals.zeros(x.length, features, length);
        for (int b = 0; b < x.length; b++) {
            if (postact == Postact.GLU) {
                // y[c] = x[c] * sigmoid(x[c + half])
                int half = features / 2;
                for (int c = 0; c < half; c++) {
                    for (int t = 0; t < length; t++) {
                        double s = sigmoid(x[b][c + half][t]);
                        gx[b][c][t] = gy[b][c][t] * s;
                        gx[b][c + half][t] = gy[b][c][t] * x[b][c][t] * s * (1 - s);
                    }
                }
            } else {
                for (int c = 0; c < features; c++) {
                    for (int t = 0; t < length; t++) {
                        gx[b][c][t] = gy[b][c][t] * derivative(postact, x[b][c][t]);
                    }
                }
            }
        }
        return gx;
    }

    /** The backward pass of {@link #applyPostact} at {@code z}, given {@code gy}, the gradient by its output. */
    static double[] postactBackward(Postact p, double[] z, double[] gy) {
        // as in applyPostact: the features as the channels of one time step
        double[][][] x = new double[1][z.length][1];
        double[][][] g = new double[1][p.outFeatures(z.length)][1];
        for (int i = 0; i < z.length; i++) {
            x[0][i][0] = z[i];
        }
        for (int i = 0; i < gy.length; i++) {
            g[0][i][0] = gy[i];
        }
        double[][][] gx = new ActivationOp(NormKind.NONE, p, "", z.length, null).postactBackward(x, g);
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = gx[0][i][0];
        }
        return out;
    }

    /**
     * The derivative of a pointwise postact at {@code v}; at the kinks, PyTorch's choice (relu: 0 at
     * 0, relu6: 0 at 0 and 6, leaky relu: the slope for {@code v <= 0}).
     */
    static double derivative(Postact p, double v) {
        return switch (p) {
            case IDENTITY -> 1;
            case RELU -> v > 0 ? 1 : 0;
            case RELU6 -> v > 0 && v < 6 ? 1 : 0;
            case LELU -> v > 0 ? 1 : 0.1;
            case SIGMOID -> sigmoid(v) * (1 - sigmoid(v));
            case TANH -> 1 - Math.tanh(v) * Math.tanh(v);
            // d/dv v Phi(v) = Phi(v) + v phi(v)
            case GELU -> 0.5 * (1 + Erf.erf(v / Math.sqrt(2))) + v * Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
            // d/dv v s(v) = s + v s (1 - s)
            case SILU -> sigmoid(v) + v * sigmoid(v) * (1 - sigmoid(v));
            case GLU -> throw new IllegalArgumentException("glu acts on channel pairs, not on one value");
        };
    }

    double[][][] postact(double[][][] x) {
        if (postact == Postact.GLU) {
            int half = features / 2;
            int length = Signals.length(x);
            double[][][] y = Signals.zeros(x.length, half, length);
            for (int b = 0; b < x.length; b++) {
                for (int c = 0; c < half; c++) {
                    for (int t = 0; t < length; t++) {
                        y[b][c][t] = x[b][c][t] * sigmoid(x[b][c + half][t]);
                    }
                }
            }
            return y;
        }
        for (double[][] xb : x) {
            for (double[] xc : xb) {
                for (int t = 0; t < xc.length; t++) {
                    xc[t] = pointwise(postact, xc[t]);
                }
            }
        }
        return x;
    }

    /** A postact on one vector of features (the classifier head's). */
    static double[] applyPostact(Postact p, double[] z) {
        double[][][] x = {{z}};
        if (p == Postact.GLU) {
            // glu acts across features: lay them out as channels of one time step.
            double[][][] asChannels = new double[1][z.length][1];
            for (int i = 0; i < z.length; i++) {
                asChannels[0][i][0] = z[i];
            }
            double[][][] y = new ActivationOp(NormKind.NONE, p, "", z.length, null).postact(asChannels);
            double[] out = new double[y[0].length];
            for (int i = 0; i < out.length; i++) {
                out[i] = y[0][i][0];
            }
            return out;
        }
        for (int i = 0; i < z.length; i++) {
            x[0][0][i] = pointwise(p, z[i]);
        }
        return x[0][0];
    }

    /** A pointwise postact (every one but glu). */
    static double pointwise(Postact p, double v) {
        return switch (p) {
            case IDENTITY -> v;
            case RELU -> Math.max(v, 0);
            case RELU6 -> Math.min(Math.max(v, 0), 6);
            case LELU -> v < 0 ? 0.1 * v : v;
            case SIGMOID -> sigmoid(v);
            case TANH -> Math.tanh(v);
            case GELU -> 0.5 * v * (1 + Erf.erf(v / Math.sqrt(2)));
            case SILU -> v * sigmoid(v);
            case GLU -> throw new IllegalArgumentException("glu acts on channel pairs, not on one value");
        };
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
