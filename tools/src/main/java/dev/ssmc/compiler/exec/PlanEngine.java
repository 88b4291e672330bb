package dev.ssmc.compiler.exec;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.plan.ContractionSpec;
import dev.ssmc.compiler.plan.Pass;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.plan.Search;
import dev.ssmc.compiler.plan.Specs;
import dev.ssmc.runtime.model.ActivationLayer;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.model.Grads;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.SsmBlockLayer;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs networks in float32 with the planner's plans: every SSM block through the plan executor
 * (the plan the search chooses for the shape it meets), every other layer through the runtime's
 * layers. Streaming carries each block's state between chunks and buffers what pooling and skip
 * additions need, so any chunk sizes give the full-sequence result.
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
        Model model = RuntimeModels.build(network, weights,
                (layer, shape, in, out, params) -> new PlannedBlock(layer, shape, in, out, params));
        return new ModelExecution(network, model);
    }

    /** An SSM block run by the plan executor, with the plan the search chooses for each shape it meets. */
    final class PlannedBlock extends SsmBlockLayer {
        private final SsmLayer layer;
        private final Map<String, Plan> plans = new HashMap<>();

        PlannedBlock(SsmLayer layer, BlockShape shape, ActivationLayer in, ActivationLayer out, Params params) {
            super(shape, layer.key(), in, out, params);
            this.layer = layer;
        }

        private PlanExecutor.Output run(Pass pass, Map<String, float[]> signals, int batch, int length) {
            Plan plan = plans.computeIfAbsent(pass + " " + batch + " " + length, k -> {
                ContractionSpec spec = Specs.of(layer, key, pass, batch, length, length);
                return Search.best(spec, profile);
            });
            Map<String, float[]> operands = new HashMap<>(discretization.weights());
            operands.putAll(signals);
            return PlanExecutor.run(plan, operands, discretization.dtARe(), discretization.dtAIm());
        }

        @Override
        protected float[] respond(float[] u, int batch, int length) {
            return run(Pass.FORWARD, Map.of("u", u), batch, length).re();
        }

        @Override
        protected BlockGradients blockGradients(float[] u, float[] g, int batch, int length) {
            Map<String, float[]> signals = Map.of("u", u, "g", g);
            Map<String, float[]> operands = new HashMap<>();
            float[] gu = null;
            float[] sRe = null;
            float[] sIm = null;
            for (Pass pass : Specs.passes(layer)) {
                if (!pass.backward()) {
                    continue;
                }
                PlanExecutor.Output out = run(pass, signals, batch, length);
                switch (pass) {
                    case GRAD_INPUT -> gu = out.re();
                    case GRAD_B -> operands.put("B", out.re());
                    case GRAD_C -> operands.put("C", out.re());
                    case GRAD_E -> operands.put("E", out.re());
                    default -> {
                        sRe = out.re();
                        sIm = out.im();
                    }
                }
            }
            return new BlockGradients(gu, operands, sRe, sIm);
        }
    }

    /** A runtime model as an {@link Execution}. */
    static final class ModelExecution implements Execution {
        private final Network network;
        private final Model model;

        ModelExecution(Network network, Model model) {
            this.network = network;
            this.model = model;
        }

        @Override
        public Outputs forward(Tensor input) {
            Model.Outputs o = model.forward(Signal.of(input));
            return new Outputs(o.features().tensor(), o.logits());
        }

        @Override
        public Outputs stream(Tensor input, int[] chunks) {
            Model.Outputs o = model.stream(Signal.of(input), chunks);
            return new Outputs(o.features().tensor(), o.logits());
        }

        @Override
        public Map<String, Tensor> gradients(Tensor input, Tensor gradFeatures, Tensor gradLogits) {
            Grads grads = new Grads();
            Signal dx = model.gradients(Signal.of(input), gradFeatures, gradLogits, grads);
            Map<String, Tensor> out = new LinkedHashMap<>();
            out.put("input", dx.tensor());
            for (ParamSpec p : network.parameters()) {
                if (p.role().trainable()) {
                    float[] g = grads.get(p.key());
                    out.put(p.key(), Tensor.of(g == null ? new float[p.size()] : g, p.shape()));
                }
            }
            return out;
        }
    }
}
