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
    private final int features;
    private final double[] weight;
    private final double[] bias;
    private final double[] runningMean;
    private final double[] runningVar;

    ActivationOp(Activation act, String normKey, int features, Weights w) {
        this(act.norm(), act.postact(), normKey, features, w);
    }

    ActivationOp(NormKind norm, Postact postact, String normKey, int features, Weights w) {
        this.norm = norm.isIdentityOn(features) ? NormKind.NONE : norm;
        this.postact = postact;
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
        return postact(norm(x));
    }

    @Override
    public StreamOp stream(int batch) {
        return this::full;
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
