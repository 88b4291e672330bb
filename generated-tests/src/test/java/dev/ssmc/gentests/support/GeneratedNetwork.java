package dev.ssmc.gentests.support;

import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Parameter;
import dev.ssmc.runtime.stream.StreamingNetwork;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A loaded generated network class ({@code XxxNetwork}), used through its public API: the
 * factories {@code of}, {@code init}, {@code load}, the constants, and per instance {@code forward},
 * {@code backward}, {@code model}, {@code parameters}, {@code prepare}, {@code save}, {@code
 * newStream} (through {@link StreamingNetwork}, which every generated class implements). Reflection
 * because most classes under test are compiled while the tests run; {@code FixtureUsageTest} uses
 * the same API statically.
 */
public final class GeneratedNetwork {
    private final Class<?> type;
    private final Method of;
    private final Method init;
    private final Method load;
    private final Method forward;
    private final Method backward;
    private final Method model;
    private final Method parameters;
    private final Method prepare;
    private final Method save;

    public GeneratedNetwork(Class<?> type) {
        this.type = type;
        try {
            of = type.getMethod("of", Map.class);
            init = type.getMethod("init", long.class);
            load = type.getMethod("load", Path.class);
            forward = type.getMethod("forward", float[].class, int.class, int.class);
            backward = type.getMethod("backward", float[].class, int.class, int.class, float[].class, float[].class);
            model = type.getMethod("model");
            parameters = type.getMethod("parameters");
            prepare = type.getMethod("prepare");
            save = type.getMethod("save", Path.class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(type.getName() + " lacks a method of the generated API: " + e.getMessage(), e);
        }
    }

    public Class<?> type() {
        return type;
    }

    public int inChannels() {
        return intConstant("IN_CHANNELS");
    }

    public int features() {
        return intConstant("FEATURES");
    }

    public int classes() {
        return intConstant("CLASSES");
    }

    public int window() {
        return intConstant("WINDOW");
    }

    @SuppressWarnings("unchecked")
    public List<Parameter> parameterList() {
        return (List<Parameter>) constant("PARAMETERS");
    }

    public int intConstant(String name) {
        return (Integer) constant(name);
    }

    private Object constant(String name) {
        try {
            return type.getField(name).get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type.getName() + " has no constant " + name, e);
        }
    }

    /** An instance over these arrays (the generated class uses them, it does not copy them). */
    public Instance of(Map<String, float[]> values) {
        return new Instance(call(of, null, values));
    }

    public Instance init(long seed) {
        return new Instance(call(init, null, seed));
    }

    public Instance load(Path checkpoint) {
        return new Instance(call(load, null, checkpoint));
    }

    /** One network object of the class. */
    public final class Instance {
        private final Object self;

        private Instance(Object self) {
            this.self = self;
        }

        /** The class this is an instance of. */
        public GeneratedNetwork network() {
            return GeneratedNetwork.this;
        }

        public Model model() {
            return (Model) call(model, self);
        }

        /** The instance as what makes streams: every generated class is a {@link StreamingNetwork}. */
        public StreamingNetwork streaming() {
            return (StreamingNetwork) self;
        }

        /** {@code forward(input, batch, length)}: the features and, with a head, the logits. */
        public Model.Outputs forward(float[] input, int batch, int length) {
            return (Model.Outputs) call(forward, self, input, batch, length);
        }

        /** {@code backward(...)}: gradients by key, the input's under {@code "input"}. */
        @SuppressWarnings("unchecked")
        public Map<String, float[]> backward(float[] input, int batch, int length, float[] gradFeatures, float[] gradLogits) {
            return (Map<String, float[]>) call(backward, self, input, batch, length, gradFeatures, gradLogits);
        }

        @SuppressWarnings("unchecked")
        public Map<String, float[]> parameters() {
            return (Map<String, float[]>) call(parameters, self);
        }

        public void prepare() {
            call(prepare, self);
        }

        public void save(Path file) {
            call(save, self, file);
        }
    }

    private static Object call(Method m, Object self, Object... args) {
        try {
            return m.invoke(self, args);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(m.getName() + " failed", t);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
