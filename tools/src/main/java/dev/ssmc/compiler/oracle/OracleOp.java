package dev.ssmc.compiler.oracle;

import java.util.ArrayList;
import java.util.List;

/** One node of the network as the oracle executes it. */
interface OracleOp {
    /** The node applied to a whole sequence. */
    double[][][] full(double[][][] x);

    /**
     * The backward pass of {@link #full} at input {@code x} (eval mode): given {@code gy}, the
     * gradient of a scalar loss by {@code full(x)}, returns the loss's gradient by {@code x} and adds
     * its gradients by the node's trainable parameters to {@code grads}. Whatever the forward
     * computed on the way is recomputed from {@code x}: plain over fast.
     */
    double[][][] backward(double[][][] x, double[][][] gy, ParamGradients grads);

    /** The inputs of each op when {@code x} runs through {@code ops} in turn, followed by the last op's output. */
    static List<double[][][]> trace(List<OracleOp> ops, double[][][] x) {
        List<double[][][]> signals = new ArrayList<>();
        signals.add(x);
        for (OracleOp op : ops) {
            signals.add(op.full(signals.get(signals.size() - 1)));
        }
        return signals;
    }

    /**
     * The backward pass through {@code ops} applied in turn, given their {@link #trace}: returns the
     * gradient by the first op's input.
     */
    static double[][][] backward(List<OracleOp> ops, List<double[][][]> trace, double[][][] gy, ParamGradients grads) {
        double[][][] g = gy;
        for (int i = ops.size() - 1; i >= 0; i--) {
            g = ops.get(i).backward(trace.get(i), g, grads);
        }
        return g;
    }

    /** A fresh streaming state for {@code batch} sequences. */
    StreamOp stream(int batch);

    /**
     * A node fed chunk by chunk: each call returns the output samples that the input so far
     * determines (possibly none), so that the concatenated outputs equal {@link #full} of the
     * concatenated inputs.
     */
    interface StreamOp {
        double[][][] process(double[][][] chunk);
    }

    /**
     * The streaming form of a node that maps every whole block of {@code block} input samples to
     * output samples on its own: input is buffered until whole blocks are available.
     */
    static StreamOp blockwise(OracleOp op, int block) {
        return new StreamOp() {
            private double[][][] pending;

            @Override
            public double[][][] process(double[][][] chunk) {
                double[][][] x = pending == null ? chunk : Signals.concat(pending, chunk);
                int whole = Signals.length(x) / block * block;
                pending = Signals.slice(x, whole, Signals.length(x));
                return op.full(Signals.slice(x, 0, whole));
            }
        };
    }
}
