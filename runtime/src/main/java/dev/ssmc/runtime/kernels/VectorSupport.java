package dev.ssmc.runtime.kernels;

/**
 * Whether the Vector API ({@code jdk.incubator.vector}) can be used in this JVM.
 *
 * <p>Decided once at start-up: the module must be resolvable (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}) and not disabled with {@code -Dssmc.vector=false}.
 * Every vectorized kernel has a scalar path that is taken otherwise.
 */
public final class VectorSupport {
    private static final boolean ENABLED = detect();

    private VectorSupport() {
    }

    public static boolean enabled() {
        return ENABLED;
    }

    private static boolean detect() {
        if ("false".equalsIgnoreCase(System.getProperty("ssmc.vector", "true"))) {
            return false;
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
