package dev.ssmc.compiler.train;

import dev.ssmc.compiler.codegen.InMemoryCompiler;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.runtime.model.Trainable;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

/** A network's generated class, compiled in memory, initialized or loaded, as a {@link Trainable}. */
public final class Networks {
    private Networks() {
    }

    public static Trainable init(Network network, Profile profile, String sourceName, long seed) {
        return (Trainable) call(InMemoryCompiler.networkClass(network, profile, sourceName), "init", long.class, seed);
    }

    public static Trainable load(Network network, Profile profile, String sourceName, Path checkpoint) throws IOException {
        try {
            return (Trainable) call(InMemoryCompiler.networkClass(network, profile, sourceName), "load", Path.class, checkpoint);
        } catch (UncheckedCause e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    /** A checked exception thrown by the generated class, carried out of reflection. */
    static final class UncheckedCause extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UncheckedCause(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static Object call(Class<?> type, String method, Class<?> arg, Object value) {
        try {
            return type.getMethod(method, arg).invoke(null, value);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new UncheckedCause(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the generated class " + type.getName() + " has no " + method, e);
        }
    }
}
