package dev.ssmc.compiler.oracle;

import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.Weights;
import java.util.List;

/**
 * {@code postact(x + norm(body(x)))}. Streaming keeps the input samples whose body output has not
 * arrived yet (a body that pools emits later than it reads) and adds them as the body catches up.
 */
final class ResidualOp implements OracleOp {
    private final List<OracleOp> body;
    private final ActivationOp bodyNorm;
    private final ActivationOp post;

    ResidualOp(Residual node, Weights w) {
        this.body = Oracle.ops(node.body(), w);
        int channels = node.inChannels();
        this.bodyNorm = new ActivationOp(node.norm(), dev.ssmc.compiler.ir.Postact.IDENTITY, node.normKey(), channels, w);
        this.post = new ActivationOp(dev.ssmc.compiler.ir.NormKind.NONE, node.postact(), "", channels, w);
    }

    @Override
    public double[][][] full(double[][][] x) {
        double[][][] h = x;
        for (OracleOp op : body) {
            h = op.full(h);
        }
        return post.full(add(x, bodyNorm.full(h), Signals.length(h)));
    }

    @Override
    public double[][][] backward(double[][][] x, double[][][] gy, ParamGradients grads) {
        List<double[][][]> trace = OracleOp.trace(body, x);
        double[][][] h = trace.get(trace.size() - 1);
        int length = Signals.length(h);
        double[][][] sum = add(x, bodyNorm.full(h), length);
        double[][][] gSum = post.backward(sum, gy, grads);
        // the sum's gradient reaches the input twice: through the body and directly
        double[][][] gx = OracleOp.backward(body, trace, bodyNorm.backward(h, gSum, grads), grads);
        for (int b = 0; b < x.length; b++) {
            for (int c = 0; c < x[0].length; c++) {
                for (int t = 0; t < length; t++) {
                    gx[b][c][t] += gSum[b][c][t];
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
                double[][][] out = post.full(add(waiting, bodyNorm.full(h), ready));
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
}
