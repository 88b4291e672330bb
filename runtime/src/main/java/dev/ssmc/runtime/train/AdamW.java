package dev.ssmc.runtime.train;

import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.model.Parameter;
import dev.ssmc.runtime.model.Params;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019), in the form PyTorch's {@code AdamW} uses, over a network's
 * parameter arrays, which it updates in place. For a parameter {@code p} of a group with learning
 * rate {@code lr = learningRate * lrScale} and weight decay {@code wd}, at its {@code t}-th step:
 *
 * <pre>
 *   p &lt;- p (1 - lr wd)                                   (decay, apart from the gradient)
 *   m &lt;- beta1 m + (1 - beta1) g,   v &lt;- beta2 v + (1 - beta2) g^2
 *   p &lt;- p - lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 *
 * <p><b>Groups</b>, by {@link Parameter.Role}:
 * <ul>
 *   <li>{@value #DYNAMICS_GROUP}: {@code DYNAMICS} (an SSM's {@code A} and {@code log_dt}, the
 *       reference's "sensitive" parameters): learning rate times {@link Config#dynamicsLrScale()},
 *       no weight decay.</li>
 *   <li>{@value #DECAY_GROUP}: {@code WEIGHT}, with {@link Config#weightDecay()}.</li>
 *   <li>{@value #NO_DECAY_GROUP}: {@code BIAS} and {@code NORM} (norm scales and shifts), without
 *       weight decay, as is common practice: decaying them pulls a norm's scale towards zero and
 *       a bias towards an arbitrary value, which is not a simpler model. With
 *       {@link Config#decayBiasesAndNorms()} they join the decay group instead.</li>
 *   <li>{@code RUNNING_MEAN} and {@code RUNNING_VAR} are statistics, not trained: they are in no
 *       group.</li>
 * </ul>
 *
 * <p><b>Steps</b> are counted per parameter, as PyTorch does: a parameter without a gradient in a
 * call is left alone, its moments and step count unchanged. Arithmetic is in double per element
 * over float state, in a fixed order, so the same inputs give bit-identical results.
 *
 * <p><b>State</b> ({@link #state()}, {@link #loadState}) is a map of float arrays, ready for a
 * safetensors file: {@code adam.m.<key>}, {@code adam.v.<key>} and {@code adam.step.<key>} (one
 * float, exact up to 2^24 steps) for every parameter that has taken a step. Not thread-safe.
 */
public final class AdamW {
    public static final String DYNAMICS_GROUP = "dynamics";
    public static final String DECAY_GROUP = "decay";
    public static final String NO_DECAY_GROUP = "no_decay";

    private static final String M = "adam.m.";
    private static final String V = "adam.v.";
    private static final String STEP = "adam.step.";

    /**
     * The hyperparameters besides the learning rate (which every {@link #step} is given, from a
     * {@link Schedule}).
     *
     * @param beta1 the first moment's decay
     * @param beta2 the second moment's decay
     * @param epsilon added to the second moment's root
     * @param weightDecay the decay of the decay group, per unit learning rate
     * @param dynamicsLrScale the dynamics group's learning rate relative to the others
     * @param decayBiasesAndNorms whether biases and norm parameters are decayed too
     */
    public record Config(double beta1, double beta2, double epsilon, double weightDecay, double dynamicsLrScale,
                         boolean decayBiasesAndNorms) {
        public Config {
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must be in [0, 1), not " + beta1 + " and " + beta2);
            }
            if (!(epsilon >= 0) || !(weightDecay >= 0) || !(dynamicsLrScale >= 0)) {
                throw new IllegalArgumentException("epsilon, weight decay and the dynamics scale must be >= 0, not "
                        + epsilon + ", " + weightDecay + ", " + dynamicsLrScale);
            }
        }

        /** Betas 0.9 and 0.999, epsilon 1e-8, weight decay 0.01 (PyTorch's AdamW defaults), dynamics at 0.1x. */
        public static Config defaults() {
            return new Config(0.9, 0.999, 1e-8, 0.01, 0.1, false);
        }

        public Config withBetas(double b1, double b2) {
            return new Config(b1, b2, epsilon, weightDecay, dynamicsLrScale, decayBiasesAndNorms);
        }

        public Config withEpsilon(double eps) {
            return new Config(beta1, beta2, eps, weightDecay, dynamicsLrScale, decayBiasesAndNorms);
        }

        public Config withWeightDecay(double wd) {
            return new Config(beta1, beta2, epsilon, wd, dynamicsLrScale, decayBiasesAndNorms);
        }

        public Config withDynamicsLrScale(double scale) {
            return new Config(beta1, beta2, epsilon, weightDecay, scale, decayBiasesAndNorms);
        }

        public Config withDecayBiasesAndNorms(boolean decay) {
            return new Config(beta1, beta2, epsilon, weightDecay, dynamicsLrScale, decay);
        }
    }

    /** A parameter group: its learning rate relative to the base one, its weight decay, its members. */
    public record Group(String name, double lrScale, double weightDecay, List<Parameter> parameters) {
        public Group {
            parameters = List.copyOf(parameters);
        }
    }

    /** One trained parameter's moments and step count. */
    private static final class Moments {
        final float[] m;
        final float[] v;
        long step;

        Moments(int size) {
            m = new float[size];
            v = new float[size];
        }
    }

    private final Config config;
    private final List<Group> groups;
    private final Map<String, Parameter> trained = new LinkedHashMap<>();
    private final Map<String, Moments> moments = new HashMap<>();

    /**
     * An optimizer for {@code parameters} (a network's parameter list; statistics are left out).
     *
     * @throws IllegalArgumentException if two parameters share a key
     */
    public AdamW(Collection<Parameter> parameters, Config config) {
        this.config = config;
        List<Parameter> dynamics = new ArrayList<>();
        List<Parameter> decay = new ArrayList<>();
        List<Parameter> noDecay = new ArrayList<>();
        for (Parameter p : parameters) {
            if (!p.role().trainable()) {
                continue;
            }
            if (trained.put(p.key(), p) != null) {
                throw new IllegalArgumentException("two parameters are named " + p.key());
            }
            switch (p.role()) {
                case DYNAMICS -> dynamics.add(p);
                case WEIGHT -> decay.add(p);
                default -> (config.decayBiasesAndNorms() ? decay : noDecay).add(p);
            }
        }
        List<Group> g = new ArrayList<>();
        addIfAny(g, new Group(DYNAMICS_GROUP, config.dynamicsLrScale(), 0, dynamics));
        addIfAny(g, new Group(DECAY_GROUP, 1, config.weightDecay(), decay));
        addIfAny(g, new Group(NO_DECAY_GROUP, 1, 0, noDecay));
        this.groups = List.copyOf(g);
    }

    /** With {@link Config#defaults()}. */
    public AdamW(Collection<Parameter> parameters) {
        this(parameters, Config.defaults());
    }

    private static void addIfAny(List<Group> groups, Group g) {
        if (!g.parameters().isEmpty()) {
            groups.add(g);
        }
    }

    public Config config() {
        return config;
    }

    /** The non-empty groups, in the order dynamics, decay, no decay. */
    public List<Group> groups() {
        return groups;
    }

    /**
     * One step: updates every parameter that has a gradient, in place.
     *
     * @param params the live parameter arrays by key (a network's)
     * @param gradients gradients by key; a trained parameter without one is skipped
     * @param learningRate the base learning rate (a {@link Schedule}'s value for this step)
     * @throws IllegalArgumentException if a gradient is for a key this optimizer does not train or
     *     has the wrong size, or a parameter array has the wrong size
     */
    public void step(Params params, Map<String, float[]> gradients, double learningRate) {
        for (String key : gradients.keySet()) {
            if (!trained.containsKey(key)) {
                throw new IllegalArgumentException("a gradient for " + key + ", which this optimizer does not train"
                        + " (not among its parameters, or a running statistic)");
            }
        }
        double b1 = config.beta1();
        double b2 = config.beta2();
        for (Group group : groups) {
            double lr = learningRate * group.lrScale();
            float keep = (float) (1 - lr * group.weightDecay());
            for (Parameter p : group.parameters()) {
                float[] g = gradients.get(p.key());
                if (g == null) {
                    continue;
                }
                float[] x = params.get(p.key());
                if (x == null || x.length != p.size() || g.length != p.size()) {
                    throw new IllegalArgumentException(p + ": " + (x == null ? "no values" : x.length + " values")
                            + " and a gradient of " + g.length + ", for " + p.size() + " elements");
                }
                Moments s = moments.computeIfAbsent(p.key(), k -> new Moments(p.size()));
                s.step++;
                double stepSize = lr / (1 - Math.pow(b1, s.step));
                double rootCorrection = Math.sqrt(1 - Math.pow(b2, s.step));
                float[] m = s.m;
                float[] v = s.v;
                for (int i = 0; i < x.length; i++) {
                    double gi = g[i];
                    m[i] = (float) (b1 * m[i] + (1 - b1) * gi);
                    v[i] = (float) (b2 * v[i] + (1 - b2) * gi * gi);
                    double denominator = Math.sqrt(v[i]) / rootCorrection + config.epsilon();
                    x[i] = (float) (x[i] * keep - stepSize * m[i] / denominator);
                }
            }
        }
    }

    /** How many steps a parameter has taken (0 before its first gradient). */
    public long stepCount(String key) {
        Moments s = moments.get(key);
        return s == null ? 0 : s.step;
    }

    /** A copy of the state, keyed {@code adam.m.<key>}, {@code adam.v.<key>}, {@code adam.step.<key>}, sorted. */
    public Map<String, float[]> state() {
        Map<String, float[]> out = new TreeMap<>();
        for (Map.Entry<String, Moments> e : moments.entrySet()) {
            out.put(M + e.getKey(), e.getValue().m.clone());
            out.put(V + e.getKey(), e.getValue().v.clone());
            out.put(STEP + e.getKey(), new float[] {e.getValue().step});
        }
        return out;
    }

    /**
     * Replaces the state with {@code state} (as {@link #state()} made it; copied). Parameters it
     * does not mention start afresh; keys of other kinds (a checkpoint's weights) are ignored.
     *
     * @throws InvalidInputException if an {@code adam.} key names a parameter this optimizer
     *     does not train, an array has the wrong size, or a parameter lacks one of its three arrays
     */
    public void loadState(Map<String, float[]> state) {
        Map<String, Moments> loaded = new HashMap<>();
        for (Map.Entry<String, float[]> e : state.entrySet()) {
            String k = e.getKey();
            String prefix = k.startsWith(M) ? M : k.startsWith(V) ? V : k.startsWith(STEP) ? STEP : null;
            if (prefix == null) {
                continue;
            }
            String key = k.substring(prefix.length());
            Parameter p = trained.get(key);
            if (p == null) {
                throw new InvalidInputException("optimizer state " + k + " is for " + key
                        + ", which this optimizer does not train");
            }
            float[] value = e.getValue();
            int expected = prefix.equals(STEP) ? 1 : p.size();
            if (value.length != expected) {
                throw new InvalidInputException("optimizer state " + k + " has " + value.length
                        + " elements, not " + expected);
            }
            Moments s = loaded.computeIfAbsent(key, x -> new Moments(p.size()));
            if (prefix.equals(STEP)) {
                s.step = (long) value[0];
            } else {
                System.arraycopy(value, 0, prefix.equals(M) ? s.m : s.v, 0, value.length);
            }
        }
        for (String key : loaded.keySet()) {
            for (String prefix : List.of(M, V, STEP)) {
                if (!state.containsKey(prefix + key)) {
                    throw new InvalidInputException("optimizer state for " + key + " lacks " + prefix + key);
                }
            }
        }
        moments.clear();
        moments.putAll(loaded);
    }
}
