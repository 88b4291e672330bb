package dev.ssmc.compiler.exec;

import dev.ssmc.compiler.codegen.InMemoryCompiler;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.runtime.model.Model;
import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs networks through the Java ssmc generates for them: the source is generated, compiled in
 * memory and loaded, and the weights handed to its {@code of} factory.
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
        try {
            Model model = (Model) instance.getClass().getMethod("model").invoke(instance);
            return new PlanEngine.ModelExecution(network, model);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the generated class of " + network.name() + " has no model()", e);
        }
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
