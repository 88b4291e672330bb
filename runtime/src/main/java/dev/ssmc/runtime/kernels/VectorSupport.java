package dev.ssmc.runtime.kernels;

/**
 * Whether the Vector API ({@code jdk.incubator.vector}) can be used in this JVM.
 *
 * <p>Decided once at start-up: the module must be resolvable (the JVM was started with
 * {@code --add-modules jdk.incubator.vector}) and not disabled with {@code -Dssmc.vector=false}.
 * Every vectorized kernel has a scalar path that is taken otherwise.
 *
 * <p>Vector code lives in classes of its own (named {@code *Vector}) that are only loaded when a
 * kernel takes its vector path, so a JVM without the module never links against it.
 */
public final class VectorSupport {
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static final boolean ENABLED = detect();

    private VectorSupport() {
    }

    /** Whether kernels take their vector paths. */
    public static boolean enabled() {
        return ENABLED;
    }

    /**
     * Whether the module is there at all, whatever {@code ssmc.vector} says: tests use it to run
     * the vector paths next to the scalar ones even when the kernels are told not to.
     */
    public static boolean available() {
        return AVAILABLE;
    }

    private static boolean detect() {
        if ("false".equalsIgnoreCase(System.getProperty("ssmc.vector", "true"))) {
            return false;
        }
        return AVAILABLE;
    }
}
