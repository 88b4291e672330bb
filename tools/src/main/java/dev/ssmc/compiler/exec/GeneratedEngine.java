package dev.ssmc.compiler.exec;

import dev.ssmc.compiler.codegen.InMemoryCompiler;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.stream.StreamingNetwork;
import dev.ssmc.runtime.tensor.Tensor;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs networks through the Java ssmc generates for them: the source is generated, compiled in
 * memory and loaded, and the weights handed to its {@code of} factory. Whole sequences and
 * gradients run through its {@code model()}; streaming through its own streams ({@code newStream()}).
 */
public final class GeneratedEngine implements Engine {
    private final Profile profile;

    public GeneratedEngine() {
        this(Profile.defaults());
    }

    public GeneratedEngine(Profile profile) {
        this.profile = profile;
    }

    @Override
    public String name() {
        return "generated";
    }

    @Override
    public Execution bind(Network network, Weights weights) {
        Object instance = instantiate(network, weights, profile);
        Execution model = new PlanEngine.ModelExecution(network, ((Trainable) instance).model());
        StreamingNetwork streams = (StreamingNetwork) instance;
        return new Execution() {
            @Override
            public Outputs forward(Tensor input) {
                return model.forward(input);
            }

            /** Through the generated streams ({@code newStream()}), one per batch item. */
            @Override
            public Outputs stream(Tensor input, int[] chunks) {
                return NetworkStreams.stream(streams, input, chunks);
            }

            @Override
            public Map<String, Tensor> gradients(Tensor input, Tensor gradFeatures, Tensor gradLogits) {
                return model.gradients(input, gradFeatures, gradLogits);
            }
        };
    }

    /** An instance of the network's generated class holding copies of {@code weights}. */
    public static Object instantiate(Network network, Weights weights, Profile profile) {
        Class<?> type = InMemoryCompiler.networkClass(network, profile, network.name() + ".ssm");
        Map<String, float[]> values = new LinkedHashMap<>();
        for (ParamSpec p : network.parameters()) {
            values.put(p.key(), weights.tensor(p.key()).data().clone());
        }
        try {
            return type.getMethod("of", Map.class).invoke(null, values);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call the generated class " + type.getName(), e);
        }
    }
}
