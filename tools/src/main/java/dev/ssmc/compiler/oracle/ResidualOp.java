package dev.ssmc.compiler.oracle;

import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.Weights;
import java.util.List;

/**
 * {@code postact(x + norm(body(x)))}, or for a mask {@code x * sigmoid(norm(body(x)))} (its postact
 * the sigmoid). Streaming keeps the input samples whose body output has not arrived yet (a body
 * that pools emits later than it reads) and combines them with it as the body catches up.
 */
final class ResidualOp implements OracleOp {
    private final List<OracleOp> body;
    private final ActivationOp bodyNorm;
    private final ActivationOp post;
    private final boolean mask;

    ResidualOp(Residual node, Weights w, NormJitter jitter) {
        this.body = Oracle.ops(node.body(), w, jitter);
        int channels = node.inChannels();
        this.bodyNorm = new ActivationOp(node.norm(), dev.ssmc.compiler.ir.Postact.IDENTITY, node.normKey(), channels, w,
                jitter);
        this.post = new ActivationOp(dev.ssmc.compiler.ir.NormKind.NONE, node.postact(), "", channels, w);
        this.mask = node.mask();
    }

    @Override
    public double[][][] full(double[][][] x) {
        double[][][] h = x;
        for (OracleOp op : body) {
            h = op.full(h);
        }
        return combine(x, bodyNorm.full(h), Signals.length(h));
    }

    /** The block's output over the first {@code length} samples of x, given its body's normalized output. */
    private double[][][] combine(double[][][] x, double[][][] normed, int length) {
        return mask ? multiply(x, post.full(normed), length) : post.full(add(x, normed, length));
    }

    @Override
    public double[][][] backward(double[][][] x, double[][][] gy, ParamGradients grads) {
        List<double[][][]> trace = OracleOp.trace(body, x);
        double[][][] h = trace.get(trace.size() - 1);
        int length = Signals.length(h);
        double[][][] normed = bodyNorm.full(h);
        double[][][] direct; // the gradient by the input where it enters the combination
        double[][][] gNormed;
        if (mask) {
            // y = x * g with g = sigmoid(normed): dy/dx = g, dy/dg = x
            direct = multiply(gy, post.full(normed), length);
            gNormed = post.backward(normed, multiply(gy, x, length), grads);
        } else {
            direct = post.backward(add(x, normed, length), gy, grads);
            gNormed = direct;
        }
        // the gradient reaches the input twice: through the body and directly
        double[][][] gx = OracleOp.backward(body, trace, bodyNorm.backward(h, gNormed, grads), grads);
        for (int b = 0; b < x.length; b++) {
            for (int c = 0; c < x[0].length; c++) {
                for (int t = 0; t < length; t++) {
                    gx[b][c][t] += direct[b][c][t];
                }
            }
        }
        return gx;
    }

    @Override
    public StreamOp stream(int batch) {
        List<StreamOp> streams = body.stream().map(op -> op.stream(batch)).toList();
        return new StreamOp() {
            private double[][][] waiting;

            @Override
            public double[][][] process(double[][][] chunk) {
                waiting = waiting == null ? chunk : Signals.concat(waiting, chunk);
                double[][][] h = chunk;
                for (StreamOp s : streams) {
                    h = s.process(h);
                }
                int ready = Signals.length(h);
                double[][][] out = combine(waiting, bodyNorm.full(h), ready);
                waiting = Signals.slice(waiting, ready, Signals.length(waiting));
                return out;
            }
        };
    }

    /** The first {@code length} samples of x plus h. */
    private static double[][][] add(double[][][] x, double[][][] h, int length) {
        double[][][] y = Signals.zeros(x.length, x[0].length, length);
        for (int b = 0; b < x.length; b++) {
            for (int c = 0; c < x[0].length; c++) {
                for (int t = 0; t < length; t++) {
                    y[b][c][t] = x[b][c][t] + h[b][c][t];
                }
            }
        }
        return y;
    }

    /** The first {@code length} samples of x times h. */
    private static double[][][] multiply(double[][][] x, double[][][] h, int length) {
        double[][][] y = Signals.zeros(x.length, x[0].length, length);
        for (int b = 0; b < x.length; b++) {
            for (int c = 0; c < x[0].length; c++) {
                for (int t = 0; t < length; t++) {
                    y[b][c][t] = x[b][c][t] * h[b][c][t];
                }
            }
        }
        return y;
    }
}
