package dev.ssmc.compiler.ir;

import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.model.Checkpoints;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A network's stored tensors, checked against its parameter list: every key present, none extra,
 * every shape right. Keys are the reference's state-dict keys.
 */
public final class Weights {
    private final Map<String, Tensor> values;

    private Weights(Map<String, Tensor> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Binds {@code tensors} to the parameters of {@code network}; all problems are reported at once,
     * each naming the key and the shapes, prefixed by {@code source} (a file name).
     */
    public static Weights bind(Network network, Map<String, Tensor> tensors, String source) {
        Map<String, Tensor> bound = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        TreeSet<String> unused = new TreeSet<>(tensors.keySet());
        for (ParamSpec p : network.parameters()) {
            Tensor t = tensors.get(p.key());
            unused.remove(p.key());
            if (t == null) {
                problems.add("missing tensor '" + p.key() + "' of shape " + Tensor.shapeString(p.shape()));
            } else if (!t.hasShape(p.shape())) {
                problems.add("tensor '" + p.key() + "' has shape " + Tensor.shapeString(t.shape())
                        + " but the network needs " + Tensor.shapeString(p.shape()));
            } else {
                bound.put(p.key(), t);
            }
        }
        String[] known = network.parameters().stream().map(ParamSpec::key).toArray(String[]::new);
        for (String key : unused) {
            if (!Checkpoints.isIgnored(key)) {
                problems.add("unexpected tensor '" + key + "': the network has no such parameter"
                        + Names.suggestion(key, known));
            }
        }
        if (!problems.isEmpty()) {
            throw new WeightsException(source + ": the checkpoint does not fit network '" + network.name() + "':\n  "
                    + String.join("\n  ", problems));
        }
        return new Weights(bound);
    }

    public Tensor tensor(String key) {
        Tensor t = values.get(key);
        if (t == null) {
            throw new IllegalStateException("no tensor bound to '" + key + "'");
        }
        return t;
    }

    /** The tensor's values widened to double (a copy). */
    public double[] doubles(String key) {
        float[] f = tensor(key).data();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    public Map<String, Tensor> asMap() {
        return values;
    }

    /** The checkpoint does not fit the network. */
    public static final class WeightsException extends InvalidInputException {
        private static final long serialVersionUID = 1L;

        public WeightsException(String message) {
            super(message);
        }
    }
}
