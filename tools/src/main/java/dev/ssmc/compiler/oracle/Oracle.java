package dev.ssmc.compiler.oracle;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.Head;
import dev.ssmc.compiler.ir.Keys;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.Weights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The executable specification: a plain interpreter of the IR in double precision that follows
 * {@code centaurus-reference.md} directly. Full sequences go through a direct causal convolution
 * with each state's kernel; streaming goes through the recurrence, for any chunk sizes down to one
 * sample. It shares no kernels with the runtime: it is slow and obviously right, and every fast
 * path is tested against it. Eval mode: BatchNorm uses its running statistics, dropout is off.
 *
 * <p>The backward pass ({@link #gradients}) differentiates each op's direct formulas by hand, in
 * the same plain style: each op recomputes what its forward computed from its input, then walks
 * its formulas backwards.
 */
public final class Oracle {
    private final Network network;
    private final NetworkShapes shapes;
    private final List<OracleOp> body;
    private final Optional<Head> head;
    private final List<double[][]> headWeights = new ArrayList<>();
    private final List<double[]> headBiases = new ArrayList<>();

    public Oracle(Network network, Weights weights) {
        this(network, weights, NormJitter.NONE);
    }

    /** The oracle with {@code jitter} added to every norm's input in forward passes (see {@link NormJitter}). */
    public Oracle(Network network, Weights weights, NormJitter jitter) {
        this.shapes = ShapeInference.infer(network);
        this.network = network;
        this.body = ops(network.body(), weights, jitter);
        this.head = network.head();
        head.ifPresent(h -> {
            for (Dense d : h.layers()) {
                double[] w = weights.doubles(Keys.join(d.key(), "weight"));
                double[][] m = new double[d.out()][d.in()];
                for (int o = 0; o < d.out(); o++) {
                    System.arraycopy(w, o * d.in(), m[o], 0, d.in());
                }
                headWeights.add(m);
                headBiases.add(weights.doubles(Keys.join(d.key(), "bias")));
            }
        });
    }

    /** The output of a full-sequence pass: the body's output, and the head's (null without a head). */
    public record Result(double[][][] features, double[][] logits) {
    }

    /**
     * Runs {@code input[batch][channel][time]} through the network: each shortening node drops an
     * incomplete last window; a body whose skip additions span resampling runs on the input padded
     * with zeros to whole windows, and its output is cut back ({@link NetworkShapes#outputLength}).
     */
    public Result forward(double[][][] input) {
        checkInput(input);
        int length = Signals.length(input);
        double[][][] x = padded(input, shapes.paddedLength(length));
        for (OracleOp op : body) {
            x = op.full(x);
        }
        x = cut(x, shapes.outputLength(length));
        return new Result(x, head.isPresent() ? applyHead(mean(x)) : null);
    }

    /** {@code x} with zeros appended up to {@code length} samples. */
    private static double[][][] padded(double[][][] x, int length) {
        return Signals.concat(x, Signals.zeros(x.length, x[0].length, length - Signals.length(x)));
    }

    /** The first {@code length} samples of {@code x}. */
    private static double[][][] cut(double[][][] x, int length) {
        return Signals.slice(x, 0, length);
    }

    /**
     * The gradients of {@code sum(features * gFeatures) + sum(logits * gLogits)} in eval mode: by the
     * input, and by every trainable parameter that reaches the loss (checkpoint key to values
     * flattened like the stored tensor; a parameter the loss does not reach may be missing).
     */
    public record Gradients(double[][][] input, Map<String, double[]> parameters) {
    }

    /**
     * The backward pass of {@link #forward} at {@code input}: see {@link Gradients}. Either gradient
     * may be null (zero); {@code gLogits} needs a head.
     */
    public Gradients gradients(double[][][] input, double[][][] gFeatures, double[][] gLogits) {
        checkInput(input);
        int inputLength = Signals.length(input);
        List<double[][][]> trace = OracleOp.trace(body, padded(input, shapes.paddedLength(inputLength)));
        double[][][] features = cut(trace.get(trace.size() - 1), shapes.outputLength(inputLength));
        int batch = features.length;
        int channels = features[0].length;
        int length = Signals.length(features);
        double[][][] g = Signals.zeros(batch, channels, length);
        if (gFeatures != null) {
            checkShape("gFeatures", gFeatures, batch, channels, length);
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < channels; c++) {
                    System.arraycopy(gFeatures[b][c], 0, g[b][c], 0, length);
                }
            }
        }
        ParamGradients grads = new ParamGradients();
        if (gLogits != null) {
            if (head.isEmpty()) {
                throw new IllegalArgumentException("network '" + network.name() + "' has no head, so no logits to differentiate");
            }
            // the mean over time spreads the features' gradient evenly over the samples
            double[][] gMean = headBackward(mean(features), gLogits, grads);
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < channels; c++) {
                    for (int t = 0; t < length; t++) {
                        g[b][c][t] += gMean[b][c] / length;
                    }
                }
            }
        }
        double[][][] gInput = OracleOp.backward(body, trace, padded(g, Signals.length(trace.get(trace.size() - 1))), grads);
        return new Gradients(cut(gInput, inputLength), grads.asMap());
    }

    private static void checkShape(String name, double[][][] x, int batch, int channels, int length) {
        if (x.length != batch || x[0].length != channels || Signals.length(x) != length) {
            throw new IllegalArgumentException(name + " must have the features' shape [" + batch + ", " + channels
                    + ", " + length + "], got [" + x.length + ", " + x[0].length + ", " + Signals.length(x) + "]");
        }
    }

    /**
     * The backward pass of {@link #applyHead} at {@code features}, given {@code gy}, the gradient by
     * the logits: the gradient by the features; the dense layers' gradients go to {@code grads}.
     */
    private double[][] headBackward(double[][] features, double[][] gy, ParamGradients grads) {
        List<Dense> layers = head.orElseThrow().layers();
        // forward again, keeping each dense layer's input and pre-activation
        List<double[][]> inputs = new ArrayList<>();
        List<double[][]> pre = new ArrayList<>();
        double[][] x = features;
        for (int i = 0; i < layers.size(); i++) {
            double[][] w = headWeights.get(i);
            double[] bias = headBiases.get(i);
            double[][] z = new double[x.length][w.length];
            double[][] y = new double[x.length][];
            for (int b = 0; b < x.length; b++) {
                for (int o = 0; o < w.length; o++) {
                    double s = bias[o];
                    for (int k = 0; k < w[o].length; k++) {
                        s += w[o][k] * x[b][k];
                    }
                    z[b][o] = s;
                }
                y[b] = ActivationOp.applyPostact(layers.get(i).after(), z[b].clone());
            }
            inputs.add(x);
            pre.add(z);
            x = y;
        }
        if (gy.length != x.length || gy[0].length != x[0].length) {
            throw new IllegalArgumentException("gLogits must have the logits' shape [" + x.length + ", " + x[0].length
                    + "], got [" + gy.length + ", " + gy[0].length + "]");
        }
        double[][] g = gy;
        for (int i = layers.size() - 1; i >= 0; i--) {
            Dense d = layers.get(i);
            double[][] w = headWeights.get(i);
            double[][] in = inputs.get(i);
            double[] gw = grads.of(Keys.join(d.key(), "weight"), d.out() * d.in());
            double[] gb = grads.of(Keys.join(d.key(), "bias"), d.out());
            double[][] gIn = new double[in.length][d.in()];
            for (int b = 0; b < in.length; b++) {
                double[] gz = ActivationOp.postactBackward(d.after(), pre.get(i)[b], g[b]);
                for (int o = 0; o < d.out(); o++) {
                    gb[o] += gz[o];
                    for (int k = 0; k < d.in(); k++) {
                        gw[o * d.in() + k] += gz[o] * in[b][k];
                        gIn[b][k] += w[o][k] * gz[o];
                    }
                }
            }
            g = gIn;
        }
        return g;
    }

    /** A stream over {@code batch} sequences fed chunk by chunk. */
    public Stream newStream(int batch) {
        return new Stream(body.stream().map(op -> op.stream(batch)).toList());
    }

    /** One set of sequences fed in chunks; the body's outputs concatenate to the full-sequence features. */
    public final class Stream {
        private final List<OracleOp.StreamOp> ops;
        private double[][] featureSum;
        private long featureCount;

        private Stream(List<OracleOp.StreamOp> ops) {
            this.ops = ops;
        }

        /** Feeds {@code chunk[batch][channel][time]}; returns the body output samples now determined. */
        public double[][][] process(double[][][] chunk) {
            checkInput(chunk);
            double[][][] x = chunk;
            for (OracleOp.StreamOp op : ops) {
                x = op.process(x);
            }
            accumulate(x);
            return x;
        }

        /** The head's output for everything fed so far (the mean of all features), or null without a head. */
        public double[][] logits() {
            if (head.isEmpty() || featureCount == 0) {
                return null;
            }
            double[][] m = new double[featureSum.length][featureSum[0].length];
            for (int b = 0; b < m.length; b++) {
                for (int c = 0; c < m[b].length; c++) {
                    m[b][c] = featureSum[b][c] / featureCount;
                }
            }
            return applyHead(m);
        }

        private void accumulate(double[][][] x) {
            if (featureSum == null) {
                featureSum = new double[x.length][x[0].length];
            }
            for (int b = 0; b < x.length; b++) {
                for (int c = 0; c < x[b].length; c++) {
                    for (double v : x[b][c]) {
                        featureSum[b][c] += v;
                    }
                }
            }
            featureCount += Signals.length(x);
        }
    }

    private void checkInput(double[][][] x) {
        if (x.length == 0 || x[0].length != network.inChannels()) {
            throw new IllegalArgumentException("network '" + network.name() + "' takes input [batch, "
                    + network.inChannels() + ", time], got " + (x.length == 0 ? "an empty batch" : "[" + x.length + ", "
                    + x[0].length + ", time]"));
        }
    }

    private static double[][] mean(double[][][] x) {
        double[][] m = new double[x.length][x[0].length];
        for (int b = 0; b < x.length; b++) {
            for (int c = 0; c < x[b].length; c++) {
                double s = 0;
                for (double v : x[b][c]) {
                    s += v;
                }
                m[b][c] = s / x[b][c].length;
            }
        }
        return m;
    }

    private double[][] applyHead(double[][] features) {
        double[][] x = features;
        List<Dense> layers = head.orElseThrow().layers();
        for (int i = 0; i < layers.size(); i++) {
            double[][] w = headWeights.get(i);
            double[] bias = headBiases.get(i);
            double[][] y = new double[x.length][];
            for (int b = 0; b < x.length; b++) {
                double[] z = new double[w.length];
                for (int o = 0; o < w.length; o++) {
                    double s = bias[o];
                    for (int k = 0; k < w[o].length; k++) {
                        s += w[o][k] * x[b][k];
                    }
                    z[o] = s;
                }
                y[b] = ActivationOp.applyPostact(layers.get(i).after(), z);
            }
            x = y;
        }
        return x;
    }

    static List<OracleOp> ops(List<Node> nodes, Weights w, NormJitter jitter) {
        List<OracleOp> ops = new ArrayList<>();
        for (Node n : nodes) {
            if (n instanceof SsmLayer s) {
                ops.add(new SsmOp(s, w, jitter));
            } else if (n instanceof ActLayer a) {
                ops.add(new ActivationOp(a.act(), a.normKey(), a.inChannels(), w, jitter));
            } else if (n instanceof Resample r) {
                ops.add(new ResampleOp(r, w));
            } else if (n instanceof Residual r) {
                ops.add(new ResidualOp(r, w, jitter));
            } else {
                throw new IllegalStateException("no oracle for " + n);
            }
        }
        return ops;
    }
}
