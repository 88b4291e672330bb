package dev.ssmc.compiler.exec;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.Keys;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.plan.ContractionSpec;
import dev.ssmc.compiler.plan.Pass;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.plan.Search;
import dev.ssmc.compiler.plan.Specs;
import dev.ssmc.runtime.nn.ChannelMix;
import dev.ssmc.runtime.nn.MeanOverTime;
import dev.ssmc.runtime.nn.Norm;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.nn.ResampleKind;
import dev.ssmc.runtime.nn.Resampling;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs networks in float32 with the planner's plans: every SSM block through the plan executor
 * (the plan the search chooses for the block's shapes), every other layer through the runtime's
 * layer kernels. Streaming carries each block's state between chunks and buffers what pooling and
 * skip additions need, so any chunk sizes give the full-sequence result.
 */
public final class PlanEngine implements Engine {
    private final Profile profile;

    public PlanEngine() {
        this(Profile.defaults());
    }

    public PlanEngine(Profile profile) {
        this.profile = profile;
    }

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public Execution bind(Network network, Weights weights) {
        ShapeInference.infer(network);
        List<Op> body = ops(network.body(), weights);
        HeadOp head = network.head().map(h -> new HeadOp(h.layers(), weights)).orElse(null);
        return new Execution() {
            @Override
            public Outputs forward(Tensor input) {
                Sig x = Sig.of(input);
                for (Op op : body) {
                    x = op.full(x);
                }
                return new Outputs(x.tensor(), head == null ? null : head.apply(x));
            }

            @Override
            public Outputs stream(Tensor input, int[] chunks) {
                Sig in = Sig.of(input);
                List<StreamOp> streams = body.stream().map(op -> op.stream(in.batch())).toList();
                Sig features = null;
                int at = 0;
                for (int size : chunks) {
                    Sig y = in.slice(at, at + size);
                    at += size;
                    for (StreamOp s : streams) {
                        y = s.process(y);
                    }
                    features = features == null ? y : features.concat(y);
                }
                return new Outputs(features.tensor(), head == null ? null : head.apply(features));
            }

            @Override
            public Map<String, Tensor> gradients(Tensor input, Tensor gradFeatures, Tensor gradLogits) {
                Deque<Object> tape = new ArrayDeque<>();
                Sig x = Sig.of(input);
                for (Op op : body) {
                    x = op.forward(x, tape);
                }
                Map<String, float[]> grads = new HashMap<>();
                float[] dFeatures = new float[x.x().length];
                if (gradFeatures != null) {
                    gradFeatures.requireShape("the features' gradient", x.batch(), x.channels(), x.length());
                    System.arraycopy(gradFeatures.data(), 0, dFeatures, 0, dFeatures.length);
                }
                if (gradLogits != null) {
                    if (head == null) {
                        throw new IllegalArgumentException("network '" + network.name() + "' has no head to take a logits gradient");
                    }
                    float[] fromHead = head.backward(x, gradLogits, grads);
                    for (int i = 0; i < dFeatures.length; i++) {
                        dFeatures[i] += fromHead[i];
                    }
                }
                Sig d = new Sig(x.batch(), x.channels(), x.length(), dFeatures);
                for (int i = body.size() - 1; i >= 0; i--) {
                    d = body.get(i).backward(d, tape, grads);
                }
                Map<String, Tensor> out = new java.util.LinkedHashMap<>();
                out.put("input", d.tensor());
                for (dev.ssmc.compiler.ir.ParamSpec p : network.parameters()) {
                    if (p.role().trainable()) {
                        float[] g = grads.getOrDefault(p.key(), new float[p.size()]);
                        out.put(p.key(), Tensor.of(g, p.shape()));
                    }
                }
                return out;
            }
        };
    }

    /** One node in float32. */
    interface Op {
        Sig full(Sig x);

        StreamOp stream(int batch);

        /** The forward pass (eval mode), pushing on {@code tape} what {@link #backward} needs. */
        Sig forward(Sig x, Deque<Object> tape);

        /** The input's gradient from the output's; adds every parameter's gradient to {@code grads} by key. */
        Sig backward(Sig dy, Deque<Object> tape, Map<String, float[]> grads);
    }

    /** One node fed chunk by chunk; returns the output samples the input so far determines. */
    interface StreamOp {
        Sig process(Sig chunk);
    }

    private List<Op> ops(List<Node> nodes, Weights w) {
        List<Op> ops = new ArrayList<>();
        for (Node n : nodes) {
            if (n instanceof SsmLayer s) {
                ops.add(new SsmOp(s, w));
            } else if (n instanceof ActLayer a) {
                ops.add(new ActOp(a.act().norm(), a.act().postact(), a.normKey(), a.inChannels(), w));
            } else if (n instanceof Resample r) {
                ops.add(new ResampleOp(r, w));
            } else if (n instanceof Residual r) {
                ops.add(new ResidualOp(r, w));
            } else {
                throw new IllegalStateException("no float32 op for " + n);
            }
        }
        return ops;
    }

    /** Buffers input until whole blocks of {@code block} samples are there. */
    static StreamOp blockwise(Op op, int block) {
        return new StreamOp() {
            private Sig pending;

            @Override
            public Sig process(Sig chunk) {
                Sig x = pending == null ? chunk : pending.concat(chunk);
                int whole = x.length() / block * block;
                pending = x.slice(whole, x.length());
                return op.full(x.slice(0, whole));
            }
        };
    }

    // ---- activations ----

    /** A norm (eval mode) then a postact, on {@code channels} channels. */
    static final class ActOp implements Op {
        private final String weightKey;
        private final String biasKey;
        private final dev.ssmc.runtime.nn.NormKind norm;
        private final PostactKind postact;
        private final int channels;
        private final float[] weight;
        private final float[] bias;
        private final float[] runningMean;
        private final float[] runningVar;

        ActOp(NormKind norm, Postact postact, String key, int channels, Weights w) {
            this.norm = dev.ssmc.runtime.nn.NormKind.of(norm.spelling());
            this.postact = PostactKind.of(postact.spelling());
            this.channels = channels;
            boolean identity = norm.isIdentityOn(channels);
            this.weightKey = norm == NormKind.RMS ? Keys.join(key, "rms_norm.weight") : Keys.join(key, "weight");
            this.biasKey = Keys.join(key, "bias");
            this.weight = identity ? null : norm == NormKind.RMS ? w.tensor(Keys.join(key, "rms_norm.weight")).data()
                    : w.tensor(Keys.join(key, "weight")).data();
            this.bias = identity || norm == NormKind.RMS ? null : w.tensor(Keys.join(key, "bias")).data();
            this.runningMean = !identity && norm == NormKind.BATCH ? w.tensor(Keys.join(key, "running_mean")).data() : null;
            this.runningVar = !identity && norm == NormKind.BATCH ? w.tensor(Keys.join(key, "running_var")).data() : null;
        }

        @Override
        public Sig full(Sig x) {
            int outChannels = dev.ssmc.runtime.nn.Postact.outChannels(postact, channels);
            if (x.length() == 0) {
                return Sig.zeros(x.batch(), outChannels, 0); // a chunk that brought no output yet
            }
            float[] y = new float[x.x().length];
            float[] saved = new float[Norm.savedSize(norm, x.batch(), channels, x.length())];
            Norm.forward(norm, x.batch(), channels, x.length(), x.x(), y, weight, bias, runningMean, runningVar, saved,
                    false);
            float[] z = new float[x.batch() * outChannels * x.length()];
            dev.ssmc.runtime.nn.Postact.forward(postact, x.batch(), channels, x.length(), y, z);
            return new Sig(x.batch(), outChannels, x.length(), z);
        }

        @Override
        public StreamOp stream(int batch) {
            return this::full; // per chunk, as the reference streams
        }

        /** What the backward pass of an activation needs: its input, the norm's statistics and output. */
        private record Saved(Sig x, float[] stats, float[] normed) {
        }

        @Override
        public Sig forward(Sig x, Deque<Object> tape) {
            int outChannels = dev.ssmc.runtime.nn.Postact.outChannels(postact, channels);
            float[] y = new float[x.x().length];
            float[] saved = new float[Norm.savedSize(norm, x.batch(), channels, x.length())];
            Norm.forward(norm, x.batch(), channels, x.length(), x.x(), y, weight, bias, runningMean, runningVar, saved,
                    false);
            float[] z = new float[x.batch() * outChannels * x.length()];
            dev.ssmc.runtime.nn.Postact.forward(postact, x.batch(), channels, x.length(), y, z);
            tape.push(new Saved(x, saved, y));
            return new Sig(x.batch(), outChannels, x.length(), z);
        }

        @Override
        public Sig backward(Sig dy, Deque<Object> tape, Map<String, float[]> grads) {
            Saved s = (Saved) tape.pop();
            Sig x = s.x();
            float[] dNormed = new float[x.x().length];
            dev.ssmc.runtime.nn.Postact.backward(postact, x.batch(), channels, x.length(), s.normed(), dy.x(), dNormed);
            float[] dx = new float[x.x().length];
            float[] dWeight = weight == null ? null : grads.computeIfAbsent(weightKey, k -> new float[weight.length]);
            float[] dBias = bias == null ? null : grads.computeIfAbsent(biasKey, k -> new float[bias.length]);
            Norm.backward(norm, x.batch(), channels, x.length(), x.x(), dNormed, dx, weight, dWeight, dBias, s.stats(),
                    false, new float[Norm.scratchSize(norm, x.batch(), channels, x.length())]);
            return new Sig(x.batch(), channels, x.length(), dx);
        }
    }

    // ---- SSM blocks ----

    final class SsmOp implements Op {
        private final SsmLayer layer;
        private final Discretized d;
        private final SsmCarry carry;
        private final int ssmOut;
        private final ActOp inputAct;
        private final float[] pointwise;
        private final ActOp outputAct;
        private final Map<Long, Plan> plans = new HashMap<>();
        private final Weights weights;

        SsmOp(SsmLayer layer, Weights w) {
            this.layer = layer;
            this.weights = w;
            this.d = Discretized.of(layer, w);
            this.carry = new SsmCarry(layer, d);
            boolean dws = layer.mode() == SsmMode.DWS;
            this.ssmOut = dws ? layer.inChannels() : layer.ssmOutChannels();
            this.inputAct = dws ? new ActOp(layer.act().norm(), layer.act().postact(), layer.inputNormKey(),
                    layer.inChannels(), w) : null;
            this.pointwise = dws ? w.tensor(layer.pointwiseKey()).data() : null;
            this.outputAct = layer.activations() ? new ActOp(layer.act().norm(), layer.act().postact(),
                    layer.outputNormKey(), layer.ssmOutChannels(), w) : null;
        }

        /** The block's zero-state response over a whole signal, by the plan chosen for its shape. */
        private Sig respond(Sig u) {
            if (u.length() == 0) {
                return Sig.zeros(u.batch(), ssmOut, 0);
            }
            Plan plan = plans.computeIfAbsent(((long) u.batch() << 32) | u.length(), k -> {
                ContractionSpec spec = Specs.of(layer, layer.key(), Pass.FORWARD, u.batch(), u.length(), u.length());
                return Search.best(spec, profile);
            });
            Map<String, float[]> operands = new HashMap<>(d.weights());
            operands.put("u", u.x());
            float[] y = PlanExecutor.run(plan, operands, d.dtARe(), d.dtAIm()).re();
            return new Sig(u.batch(), ssmOut, u.length(), y);
        }

        private Sig mix(Sig z) {
            Sig y = z;
            if (inputAct != null && z.length() == 0) {
                y = Sig.zeros(z.batch(), layer.ssmOutChannels(), 0);
            } else if (inputAct != null) {
                Sig a = inputAct.full(z);
                int cout = layer.ssmOutChannels();
                float[] m = new float[a.batch() * cout * a.length()];
                ChannelMix.forward(a.batch(), a.channels(), cout, a.length(), a.x(), m, pointwise);
                y = new Sig(a.batch(), cout, a.length(), m);
            }
            return outputAct == null ? y : outputAct.full(y);
        }

        @Override
        public Sig full(Sig x) {
            return mix(respond(x));
        }

        @Override
        public StreamOp stream(int batch) {
            double[][] h = carry.zero(batch);
            return chunk -> {
                Sig z = respond(chunk);
                carry.apply(chunk.x(), z.x(), chunk.batch(), chunk.length(), h);
                return mix(z);
            };
        }

        @Override
        public Sig forward(Sig x, Deque<Object> tape) {
            Sig z = respond(x);
            Sig y = z;
            if (inputAct != null) {
                Sig a = inputAct.forward(z, tape);
                int cout = layer.ssmOutChannels();
                float[] m = new float[a.batch() * cout * a.length()];
                ChannelMix.forward(a.batch(), a.channels(), cout, a.length(), a.x(), m, pointwise);
                tape.push(a);
                y = new Sig(a.batch(), cout, a.length(), m);
            }
            if (outputAct != null) {
                y = outputAct.forward(y, tape);
            }
            tape.push(x);
            return y;
        }

        @Override
        public Sig backward(Sig dy, Deque<Object> tape, Map<String, float[]> grads) {
            Sig u = (Sig) tape.pop();
            Sig g = outputAct == null ? dy : outputAct.backward(dy, tape, grads);
            if (inputAct != null) {
                Sig a = (Sig) tape.pop();
                float[] da = new float[a.x().length];
                float[] dW = grads.computeIfAbsent(layer.pointwiseKey(), k -> new float[pointwise.length]);
                ChannelMix.backward(a.batch(), a.channels(), layer.ssmOutChannels(), a.length(), a.x(), g.x(), da,
                        pointwise, dW, null);
                g = inputAct.backward(new Sig(a.batch(), a.channels(), a.length(), da), tape, grads);
            }
            // the block's own gradients, each by the plan chosen for its pass
            Map<String, float[]> operands = new HashMap<>(d.weights());
            operands.put("u", u.x());
            operands.put("g", g.x());
            Map<String, float[]> operandGrads = new HashMap<>();
            float[] gu = null;
            float[] sRe = null;
            float[] sIm = null;
            for (Pass pass : Specs.passes(layer)) {
                if (!pass.backward()) {
                    continue;
                }
                ContractionSpec spec = Specs.of(layer, layer.key(), pass, u.batch(), u.length(), u.length());
                PlanExecutor.Output out = PlanExecutor.run(Search.best(spec, profile), operands, d.dtARe(), d.dtAIm());
                switch (pass) {
                    case GRAD_INPUT -> gu = out.re();
                    case GRAD_B -> operandGrads.put("B", out.re());
                    case GRAD_C -> operandGrads.put("C", out.re());
                    case GRAD_E -> operandGrads.put("E", out.re());
                    default -> {
                        sRe = out.re();
                        sIm = out.im();
                    }
                }
            }
            d.parameterGradients(layer, weights, operandGrads, sRe, sIm).forEach((k, v) -> accumulate(grads, k, v));
            return new Sig(u.batch(), layer.inChannels(), u.length(), gu);
        }
    }

    static void accumulate(Map<String, float[]> grads, String key, float[] g) {
        float[] acc = grads.computeIfAbsent(key, k -> new float[g.length]);
        for (int i = 0; i < g.length; i++) {
            acc[i] += g[i];
        }
    }

    // ---- resampling ----

    static final class ResampleOp implements Op {
        private final Resample node;
        private final ResampleKind kind;
        private final float[] weight;
        private final float[] bias;

        ResampleOp(Resample node, Weights w) {
            this.node = node;
            this.kind = ResampleKind.of(node.mode().spelling());
            this.weight = node.mode().hasWeight() ? w.tensor(Keys.join(node.key(), "weight")).data() : null;
            this.bias = node.mode().hasBias() ? w.tensor(Keys.join(node.key(), "bias")).data() : null;
        }

        @Override
        public Sig full(Sig x) {
            if (x.length() == 0) {
                return Sig.zeros(x.batch(), node.outChannels(), 0);
            }
            int outLength = Resampling.outLength(kind, node.ratio(), x.length());
            float[] y = new float[x.batch() * node.outChannels() * outLength];
            if (y.length > 0) {
                Resampling.forward(kind, node.ratio(), x.batch(), node.inChannels(), node.outChannels(), x.length(), x.x(),
                        y, weight, bias);
            }
            return new Sig(x.batch(), node.outChannels(), outLength, y);
        }

        @Override
        public StreamOp stream(int batch) {
            return blockwise(this, node.mode().direction() == ResampleMode.Direction.DOWN ? node.ratio() : 1);
        }

        @Override
        public Sig forward(Sig x, Deque<Object> tape) {
            tape.push(x);
            return full(x);
        }

        @Override
        public Sig backward(Sig dy, Deque<Object> tape, Map<String, float[]> grads) {
            Sig x = (Sig) tape.pop();
            float[] dx = new float[x.x().length];
            float[] dW = weight == null ? null : grads.computeIfAbsent(Keys.join(node.key(), "weight"), k -> new float[weight.length]);
            float[] dB = bias == null ? null : grads.computeIfAbsent(Keys.join(node.key(), "bias"), k -> new float[bias.length]);
            Resampling.backward(kind, node.ratio(), x.batch(), node.inChannels(), node.outChannels(), x.length(), x.x(),
                    dy.x(), dx, weight, dW, dB);
            return new Sig(x.batch(), node.inChannels(), x.length(), dx);
        }
    }

    // ---- residual blocks and skip additions ----

    final class ResidualOp implements Op {
        private final List<Op> body;
        private final ActOp bodyNorm;
        private final ActOp post;

        ResidualOp(Residual node, Weights w) {
            this.body = ops(node.body(), w);
            int channels = node.inChannels();
            this.bodyNorm = new ActOp(node.norm(), Postact.IDENTITY, node.normKey(), channels, w);
            this.post = new ActOp(NormKind.NONE, node.postact(), "", channels, w);
        }

        @Override
        public Sig full(Sig x) {
            Sig h = x;
            for (Op op : body) {
                h = op.full(h);
            }
            return post.full(add(x, bodyNorm.full(h)));
        }

        @Override
        public StreamOp stream(int batch) {
            List<StreamOp> streams = body.stream().map(op -> op.stream(batch)).toList();
            return new StreamOp() {
                private Sig waiting;

                @Override
                public Sig process(Sig chunk) {
                    waiting = waiting == null ? chunk : waiting.concat(chunk);
                    Sig h = chunk;
                    for (StreamOp s : streams) {
                        h = s.process(h);
                    }
                    Sig out = post.full(add(waiting.slice(0, h.length()), bodyNorm.full(h)));
                    waiting = waiting.slice(h.length(), waiting.length());
                    return out;
                }
            };
        }

        @Override
        public Sig forward(Sig x, Deque<Object> tape) {
            Sig h = x;
            for (Op op : body) {
                h = op.forward(h, tape);
            }
            return post.forward(add(x, bodyNorm.forward(h, tape)), tape);
        }

        @Override
        public Sig backward(Sig dy, Deque<Object> tape, Map<String, float[]> grads) {
            Sig dSum = post.backward(dy, tape, grads);
            Sig dh = bodyNorm.backward(dSum, tape, grads);
            for (int i = body.size() - 1; i >= 0; i--) {
                dh = body.get(i).backward(dh, tape, grads);
            }
            return add(dSum, dh);
        }

        private static Sig add(Sig x, Sig h) {
            float[] y = new float[h.x().length];
            for (int i = 0; i < y.length; i++) {
                y[i] = x.x()[i] + h.x()[i];
            }
            return new Sig(h.batch(), h.channels(), h.length(), y);
        }
    }

    // ---- the classifier head ----

    static final class HeadOp {
        private final List<Dense> layers;
        private final List<float[]> weights = new ArrayList<>();
        private final List<float[]> biases = new ArrayList<>();

        HeadOp(List<Dense> layers, Weights w) {
            this.layers = layers;
            for (Dense d : layers) {
                weights.add(w.tensor(Keys.join(d.key(), "weight")).data());
                biases.add(w.tensor(Keys.join(d.key(), "bias")).data());
            }
        }

        /**
         * The features' gradient from the logits' gradient {@code dy}; adds the linear layers'
         * gradients to {@code grads}. Recomputes the head's forward pass (it is small).
         */
        float[] backward(Sig features, Tensor dy, Map<String, float[]> grads) {
            int b = features.batch();
            List<float[]> inputs = new ArrayList<>();
            List<float[]> preacts = new ArrayList<>();
            float[] x = new float[b * features.channels()];
            MeanOverTime.forward(b, features.channels(), features.length(), features.x(), x);
            for (int i = 0; i < layers.size(); i++) {
                Dense d = layers.get(i);
                inputs.add(x);
                float[] y = new float[b * d.out()];
                dev.ssmc.runtime.nn.Dense.forward(b, d.in(), d.out(), x, y, weights.get(i), biases.get(i));
                preacts.add(y);
                PostactKind p = PostactKind.of(d.after().spelling());
                float[] z = new float[b * dev.ssmc.runtime.nn.Postact.outChannels(p, d.out())];
                dev.ssmc.runtime.nn.Postact.forward(p, b, d.out(), 1, y, z);
                x = z;
            }
            dy.requireShape("the logits' gradient", b, x.length / b);
            float[] g = dy.data().clone();
            for (int i = layers.size() - 1; i >= 0; i--) {
                Dense d = layers.get(i);
                PostactKind p = PostactKind.of(d.after().spelling());
                float[] dPre = new float[b * d.out()];
                dev.ssmc.runtime.nn.Postact.backward(p, b, d.out(), 1, preacts.get(i), g, dPre);
                float[] dIn = new float[b * d.in()];
                float[] dW = grads.computeIfAbsent(Keys.join(d.key(), "weight"), k -> new float[d.out() * d.in()]);
                float[] dB = grads.computeIfAbsent(Keys.join(d.key(), "bias"), k -> new float[d.out()]);
                dev.ssmc.runtime.nn.Dense.backward(b, d.in(), d.out(), inputs.get(i), dPre, dIn, weights.get(i), dW, dB);
                g = dIn;
            }
            float[] dFeatures = new float[features.x().length];
            MeanOverTime.backward(b, features.channels(), features.length(), g, dFeatures);
            return dFeatures;
        }

        Tensor apply(Sig features) {
            int b = features.batch();
            float[] x = new float[b * features.channels()];
            MeanOverTime.forward(b, features.channels(), features.length(), features.x(), x);
            int width = features.channels();
            for (int i = 0; i < layers.size(); i++) {
                Dense d = layers.get(i);
                float[] y = new float[b * d.out()];
                dev.ssmc.runtime.nn.Dense.forward(b, d.in(), d.out(), x, y, weights.get(i), biases.get(i));
                PostactKind p = PostactKind.of(d.after().spelling());
                int outWidth = dev.ssmc.runtime.nn.Postact.outChannels(p, d.out());
                float[] z = new float[b * outWidth];
                dev.ssmc.runtime.nn.Postact.forward(p, b, d.out(), 1, y, z);
                x = z;
                width = outWidth;
            }
            return Tensor.of(x, b, width);
        }
    }
}
