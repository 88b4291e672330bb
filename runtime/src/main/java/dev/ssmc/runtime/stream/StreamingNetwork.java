package dev.ssmc.runtime.stream;

/**
 * A network that makes streams: every generated network class implements it, so code that holds
 * one as an {@code Object} (the command-line tool, benchmarks, tests) streams through it without
 * reflection.
 *
 * <p>Thread-safe: any number of threads may make streams from one network at once, each using its
 * own. The streams share one copy of what they need of the weights ({@link StreamWeights}), made
 * by the first stream after the weights last changed; a stream keeps the weights it was made with,
 * so after the weights change (training, then the network's {@code prepare()}), make new streams.
 */
public interface StreamingNetwork {
    /** A new stream at the start of a sequence, on the path chosen at start-up ({@code VectorSupport.enabled()}). */
    NetworkStream newStream();

    /**
     * A new stream on a given path: {@code vector} for the Vector API kernels (the JVM needs
     * {@code --add-modules jdk.incubator.vector}, see {@code VectorSupport.available()}), else
     * the scalar ones. Both compute the same values up to float32 rounding; tests and benchmarks
     * compare them.
     *
     * @throws IllegalStateException when {@code vector} is asked for and the module is not in the JVM
     */
    NetworkStream newStream(boolean vector);
}
