package dev.ssmc.compiler.oracle;

import dev.ssmc.compiler.exec.Engine;
import dev.ssmc.compiler.exec.Execution;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The oracle as an {@link Engine}: float32 in and out, double precision inside. */
public final class OracleEngine implements Engine {
    @Override
    public String name() {
        return "oracle";
    }

    @Override
    public Execution bind(Network network, Weights weights) {
        Oracle oracle = new Oracle(network, weights);
        return new Execution() {
            @Override
            public Outputs forward(Tensor input) {
                Oracle.Result r = oracle.forward(toDouble(input));
                return new Outputs(toFloat(r.features()), r.logits() == null ? null : toFloat(r.logits()));
            }

            @Override
            public Outputs stream(Tensor input, int[] chunks) {
                double[][][] x = toDouble(input);
                Oracle.Stream s = oracle.newStream(x.length);
                double[][][] features = null;
                int at = 0;
                for (int size : chunks) {
                    if (size < 0 || at + size > Signals.length(x)) {
                        throw new IllegalArgumentException("chunks " + java.util.Arrays.toString(chunks)
                                + " do not fit an input of " + Signals.length(x) + " samples");
                    }
                    double[][][] y = s.process(Signals.slice(x, at, at + size));
                    features = features == null ? y : Signals.concat(features, y);
                    at += size;
                }
                double[][] logits = s.logits();
                return new Outputs(toFloat(features), logits == null ? null : toFloat(logits));
            }

            @Override
            public Map<String, Tensor> gradients(Tensor input, Tensor gradFeatures, Tensor gradLogits) {
                Oracle.Gradients g = oracle.gradients(toDouble(input),
                        gradFeatures == null ? null : toDouble(gradFeatures),
                        gradLogits == null ? null : toDouble2(gradLogits));
                return asTensors(network, g);
            }
        };
    }

    /**
     * The input's gradient under {@code "input"}, then every trainable parameter's in the network's
     * order, as float32 of the parameter's shape (zeros for one the loss does not reach).
     */
    static Map<String, Tensor> asTensors(Network network, Oracle.Gradients g) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("input", toFloat(g.input()));
        Set<String> known = new HashSet<>();
        for (ParamSpec p : network.parameters()) {
            if (!p.role().trainable()) {
                continue;
            }
            known.add(p.key());
            double[] v = g.parameters().get(p.key());
            float[] f = new float[p.size()];
            if (v != null) {
                if (v.length != f.length) {
                    throw new IllegalStateException("the oracle's gradient by '" + p.key() + "' has " + v.length
                            + " values, the parameter " + f.length);
                }
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) v[i];
                }
            }
            out.put(p.key(), Tensor.of(f, p.shape()));
        }
        for (String key : g.parameters().keySet()) {
            if (!known.contains(key)) {
                throw new IllegalStateException("the oracle computed a gradient by '" + key
                        + "', which is no trainable parameter of network '" + network.name() + "'");
            }
        }
        return out;
    }

    /** A {@code [B, C]} tensor as doubles. */
    static double[][] toDouble2(Tensor t) {
        if (t.rank() != 2) {
            throw new IllegalArgumentException("the logits' gradient must be [batch, classes], got "
                    + Tensor.shapeString(t.shape()));
        }
        double[][] x = new double[t.dim(0)][t.dim(1)];
        float[] d = t.data();
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = d[i * x[i].length + j];
            }
        }
        return x;
    }

    /** A {@code [B, C, T]} tensor as doubles. */
    public static double[][][] toDouble(Tensor t) {
        t.requireShape("input", t.dim(0), t.dim(1), t.dim(2));
        int b = t.dim(0);
        int c = t.dim(1);
        int l = t.dim(2);
        float[] d = t.data();
        double[][][] x = new double[b][c][l];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < c; j++) {
                for (int k = 0; k < l; k++) {
                    x[i][j][k] = d[(i * c + j) * l + k];
                }
            }
        }
        return x;
    }

    public static Tensor toFloat(double[][][] x) {
        int b = x.length;
        int c = x[0].length;
        int l = Signals.length(x);
        float[] d = new float[b * c * l];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < c; j++) {
                for (int k = 0; k < l; k++) {
                    d[(i * c + j) * l + k] = (float) x[i][j][k];
                }
            }
        }
        return Tensor.of(d, b, c, l);
    }

    public static Tensor toFloat(double[][] x) {
        int b = x.length;
        int c = x[0].length;
        float[] d = new float[b * c];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < c; j++) {
                d[i * c + j] = (float) x[i][j];
            }
        }
        return Tensor.of(d, b, c);
    }
}
