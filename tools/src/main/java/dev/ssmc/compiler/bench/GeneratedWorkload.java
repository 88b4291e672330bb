package dev.ssmc.compiler.bench;

import dev.ssmc.compiler.codegen.InMemoryCompiler;
import dev.ssmc.compiler.exec.NetworkStreams;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.stream.StreamingNetwork;
import dev.ssmc.runtime.tensor.Tensor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One benchmark case of generated code, ready to run again and again: the network's class
 * generated for its planning shapes ({@link Network#planning()}: batch, length, chunk), compiled
 * in memory, initialized from a seed, and random inputs of those shapes. {@link #run()} does one
 * pass through the generated class's public API:
 * <ul>
 * <li>{@link BenchPass#FORWARD}: {@code forward(input, batch, length)}, the full sequence in eval mode;</li>
 * <li>{@link BenchPass#TRAIN}: {@code backward(input, batch, length, g, gLogits)}, which runs the forward
 * pass keeping what the backward pass needs, then the gradients of {@code sum(features * g)}
 * (plus {@code sum(logits * gLogits)} with a head) for every trainable tensor and the input: what
 * {@code y = layer(x); y.backward(g)} computes in PyTorch;</li>
 * <li>{@link BenchPass#STREAM}: the whole input fed through the generated class's own stream
 * ({@code newStream()}, one per batch item, made once and reset before each pass, as a real-time
 * loop keeps its stream) in chunks of {@code chunk} samples; the result is the output frames as
 * the stream writes them (frame-major), in preallocated arrays reused by every pass
 * ({@link #streamed()} gives them in the forward pass's layout).</li>
 * </ul>
 * Used by {@code ssmc bench} and by the JMH benchmarks, so both time the same thing.
 */
public final class GeneratedWorkload {
    private final Network network;
    private final BenchPass pass;
    private final int batch;
    private final int length;
    private final int chunk;
    private final MethodHandle forward;
    private final MethodHandle backward;
    private final float[] input;
    private final float[] gradFeatures;
    private final float[] gradLogits;
    /** STREAM: one stream per batch item, its frame-major input, the call's output and the collected output. */
    private final NetworkStream[] streams;
    private final float[][] frames;
    private final float[] out;
    private final float[][] collected;
    private final float[] features;
    private final float[] logits;
    private final float[] last;

    private GeneratedWorkload(Network network, BenchPass pass, Object instance, long seed) {
        this.network = network;
        this.pass = pass;
        Planning p = network.planning();
        this.batch = p.batch();
        this.length = p.length();
        this.chunk = p.chunk();
        NetworkShapes shapes = ShapeInference.infer(network);
        Class<?> type = instance.getClass();
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            this.forward = lookup.findVirtual(type, "forward",
                    MethodType.methodType(Model.Outputs.class, float[].class, int.class, int.class)).bindTo(instance);
            this.backward = lookup.findVirtual(type, "backward", MethodType.methodType(Map.class, float[].class, int.class,
                    int.class, float[].class, float[].class)).bindTo(instance);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the generated class " + type.getName() + " lacks its API", e);
        }
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.input = gaussian(rnd, (long) batch * network.inChannels() * length);
        if (pass == BenchPass.TRAIN) {
            int featureLength = shapes.outputLength(length);
            this.gradFeatures = gaussian(rnd, (long) batch * shapes.featureChannels() * featureLength);
            this.gradLogits = shapes.classes() > 0 ? gaussian(rnd, (long) batch * shapes.classes()) : null;
        } else {
            this.gradFeatures = null;
            this.gradLogits = null;
        }
        if (pass == BenchPass.STREAM) {
            int cin = network.inChannels();
            this.streams = new NetworkStream[batch];
            this.frames = new float[batch][];
            this.collected = new float[batch][];
            int outFrames = shapes.outputLength(length);
            for (int b = 0; b < batch; b++) {
                streams[b] = ((StreamingNetwork) instance).newStream();
                streams[b].reserve(chunk * cin);
                frames[b] = NetworkStreams.frames(input, b, cin, length);
                collected[b] = new float[outFrames * shapes.featureChannels()];
            }
            this.out = new float[streams[0].maxFeatures(chunk * cin)];
            this.features = new float[batch * outFrames * shapes.featureChannels()];
            this.logits = new float[batch * shapes.classes()];
            this.last = new float[shapes.classes()];
        } else {
            this.last = null;
            this.streams = null;
            this.frames = null;
            this.out = null;
            this.collected = null;
            this.features = null;
            this.logits = null;
        }
    }

    /**
     * Generates, compiles and initializes the network's class for the shapes of its planning. An
     * {@link InvalidInputException} says which shape does not fit (a length the resampling
     * cannot divide, a chunk that does not divide the length); an
     * {@link dev.ssmc.compiler.ir.IrException} that the network is not well formed.
     */
    public static GeneratedWorkload of(Network network, BenchPass pass, Profile profile, long seed) {
        check(network, pass);
        Class<?> type = InMemoryCompiler.networkClass(network, profile, network.name() + ".ssm");
        Object instance;
        try {
            instance = type.getMethod("init", long.class).invoke(null, seed);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot initialize the generated class " + type.getName(), e);
        }
        return new GeneratedWorkload(network, pass, instance, seed);
    }

    /**
     * Checks the planning shapes before anything is generated: an {@link InvalidInputException}
     * names the size, in the command line's words, that does not fit.
     */
    public static void check(Network network, BenchPass pass) {
        Planning p = network.planning();
        BlockCase.positive("--batch", p.batch());
        BlockCase.positive("--length", p.length());
        BlockCase.positive("--chunk", p.chunk());
        ShapeInference.infer(network);
        long multiple = NetworkShapes.requiredMultiple(network.body());
        if (p.length() % multiple != 0) {
            throw new InvalidInputException("--length " + p.length() + " is not a multiple of " + multiple
                    + ", which network " + network.name() + "'s resampling needs");
        }
        if (pass == BenchPass.STREAM && p.length() % p.chunk() != 0) {
            throw new InvalidInputException("--chunk " + p.chunk() + " does not divide --length " + p.length()
                    + "; the stream is fed in whole chunks");
        }
        long values = (long) p.batch() * network.inChannels() * p.length();
        if (values > Integer.MAX_VALUE - 8) {
            throw new InvalidInputException("an input of batch " + p.batch() + " x " + network.inChannels()
                    + " channels x length " + p.length() + " does not fit in one Java array");
        }
    }

    private static float[] gaussian(SplittableRandom rnd, long n) {
        float[] x = new float[Math.toIntExact(n)];
        for (int i = 0; i < x.length; i++) {
            // Box-Muller: SplittableRandom has no nextGaussian in Java 17
            double u = 1 - rnd.nextDouble();
            double v = rnd.nextDouble();
            x[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        return x;
    }

    /** One pass; returns its result so a caller can consume it (a JMH blackhole, a sink). */
    public Object run() {
        try {
            return switch (pass) {
                case FORWARD -> (Model.Outputs) forward.invoke(input, batch, length);
                case TRAIN -> (Map<?, ?>) backward.invoke(input, batch, length, gradFeatures, gradLogits);
                case STREAM -> streamOnce();
            };
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Each batch item's whole input, chunk by chunk, through its stream from the start, its output
     * frames collected as the stream writes them (frame-major, what a real-time consumer gets)
     * and a classifier's logits. Returns the collected frames; {@link #streamed()} puts them in
     * the forward pass's layout, outside the timed work.
     */
    private Object streamOnce() {
        int cin = network.inChannels();
        int classes = streams[0].classes();
        for (int b = 0; b < batch; b++) {
            NetworkStream s = streams[b];
            s.reset();
            float[] all = collected[b];
            int produced = 0;
            for (int at = 0; at < length; at += chunk) {
                int n = s.processFeatures(frames[b], at * cin, chunk * cin, out);
                System.arraycopy(out, 0, all, produced, n);
                produced += n;
            }
            if (classes > 0) {
                s.logits(last);
                System.arraycopy(last, 0, logits, b * classes, classes);
            }
        }
        return collected;
    }

    /**
     * The last STREAM pass's result as the forward pass returns it: the features as
     * {@code [batch][channels][frames]} and a classifier's logits (arrays the next pass reuses).
     */
    public Model.Outputs streamed() {
        if (pass != BenchPass.STREAM) {
            throw new IllegalStateException("a " + pass.spelling() + " workload does not stream");
        }
        int width = streams[0].featureChannels();
        int classes = streams[0].classes();
        int outFrames = collected[0].length / width;
        for (int b = 0; b < batch; b++) {
            NetworkStreams.unframe(collected[b], features, b, width, outFrames);
        }
        return new Model.Outputs(new Signal(batch, width, outFrames, features),
                classes > 0 ? Tensor.of(logits, batch, classes) : null);
    }

    public Network network() {
        return network;
    }

    public BenchPass pass() {
        return pass;
    }

    public int batch() {
        return batch;
    }

    public int length() {
        return length;
    }

    public int chunk() {
        return chunk;
    }
}
