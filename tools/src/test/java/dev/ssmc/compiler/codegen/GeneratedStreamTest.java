package dev.ssmc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.ssmc.compiler.Examples;
import dev.ssmc.compiler.RandomConfigs;
import dev.ssmc.compiler.RandomLengths;
import dev.ssmc.compiler.RandomWeights;
import dev.ssmc.compiler.exec.GeneratedEngine;
import dev.ssmc.compiler.exec.NetworkStreams;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.oracle.Oracle;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.stream.StreamingNetwork;
import dev.ssmc.runtime.testing.Property;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generated {@code newStream()} computes what the network computes on the whole sequence
 * ({@code model().forward}, within the golden files' tolerance, plus the whole-sequence result's
 * own distance from the double-precision oracle: see {@link #wholeSequenceError}), in random splits of the input
 * with empty calls and single frames among them, on the Vector API path and on the scalar path,
 * for random reference layers, classifiers and denoisers and for both examples; a classifier's
 * {@code process} returns its running logits.
 */
class GeneratedStreamTest {

    /** A network's generated class, compiled in memory, with random well-conditioned weights. */
    record Compiled(Network network, Weights weights, Object instance) {
        static Compiled of(Network network, long seed) {
            Weights weights = RandomWeights.of(network, seed);
            return new Compiled(network, weights, GeneratedEngine.instantiate(network, weights, Profile.defaults()));
        }

        StreamingNetwork streams() {
            return (StreamingNetwork) instance;
        }

        Model model() {
            return ((Trainable) instance).model();
        }

        int multiple() {
            return (int) NetworkShapes.requiredMultiple(network.body());
        }
    }

    /** The whole-sequence forward of one sequence ({@code frames} frame-major): the features frame-major and the logits. */
    record Reference(float[] features, float[] logits) {
        static Reference of(Compiled c, float[] frames, int length) {
            int cin = c.network().inChannels();
            float[] x = new float[frames.length];
            NetworkStreams.unframe(frames, x, 0, cin, length);
            Model.Outputs o = c.model().forward(new Signal(1, cin, length, x));
            Signal f = o.features();
            return new Reference(NetworkStreams.frames(f.x(), 0, f.channels(), f.length()),
                    o.logits() == null ? null : o.logits().data());
        }
    }

    static float[] randn(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    /** Random call sizes (in frames) summing to {@code length}: empty calls, single frames, and longer ones. */
    static int[] split(Random rnd, int length, int max) {
        List<Integer> sizes = new ArrayList<>();
        int left = length;
        while (left > 0) {
            double r = rnd.nextDouble();
            int size = Math.min(left, r < 0.1 ? 0 : r < 0.4 ? 1 : 2 + rnd.nextInt(Math.max(1, max - 1)));
            sizes.add(size);
            left -= size;
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    static int[] ones(int length) {
        int[] c = new int[length];
        Arrays.fill(c, 1);
        return c;
    }

    static int[] steady(int length, int chunk) {
        int[] c = new int[(length + chunk - 1) / chunk];
        Arrays.fill(c, chunk);
        c[c.length - 1] = length - chunk * (c.length - 1);
        return c;
    }

    /** Feature frames through {@code processFeatures} in the given calls (frames), concatenated. */
    static float[] features(NetworkStream s, float[] frames, int[] calls) {
        int cin = s.inChannels();
        float[] all = new float[0];
        int at = 0;
        for (int size : calls) {
            float[] out = new float[s.maxFeatures(size * cin)];
            int n = s.processFeatures(frames, at * cin, size * cin, out);
            assertEquals(0, n % s.featureChannels(), "whole frames");
            all = append(all, out, n);
            at += size;
        }
        return all;
    }

    /** {@code all} followed by the first {@code n} floats of {@code out}. */
    static float[] append(float[] all, float[] out, int n) {
        float[] grown = Arrays.copyOf(all, all.length + n);
        System.arraycopy(out, 0, grown, all.length, n);
        return grown;
    }

    /**
     * What {@code process} returns over the calls: the output frames concatenated (no head), or
     * the last logits (a classifier), checking that a classifier answers exactly once it has a
     * feature frame.
     */
    static float[] process(NetworkStream s, float[] frames, int[] calls, int multiple) {
        int cin = s.inChannels();
        float[] all = new float[0];
        int at = 0;
        for (int size : calls) {
            float[] out = new float[s.maxOutput(size * cin)];
            int n = s.process(frames, at * cin, size * cin, out);
            at += size;
            if (s.classes() > 0) {
                assertEquals(at >= multiple ? s.classes() : 0, n, "logits after " + at + " frames");
                if (n > 0) {
                    all = Arrays.copyOf(out, n);
                }
            } else {
                all = append(all, out, n);
            }
        }
        return all;
    }

    /** {@code |x - ref| <= 1e-4 * max|ref| + 1e-6} everywhere. */
    static void assertClose(String what, float[] ref, float[] actual) {
        assertClose(what, ref, actual, null);
    }

    /**
     * {@code |x - ref| <= 1e-4 * max|ref| + 1e-6 + off[i]} everywhere, {@code off} (null: none) being
     * how far {@code ref} itself is from the exact answer.
     */
    static void assertClose(String what, float[] ref, float[] actual, double[] off) {
        assertEquals(ref.length, actual.length, what + ": lengths");
        double max = 0;
        for (float v : ref) {
            max = Math.max(max, Math.abs(v));
        }
        double tol = 1e-4 * max + 1e-6;
        for (int i = 0; i < ref.length; i++) {
            double err = Math.abs((double) ref[i] - actual[i]);
            double allowed = tol + (off == null ? 0 : off[i]);
            if (!(err <= allowed)) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + ref[i] + " (error "
                        + err + " > " + allowed + (off == null ? "" : ", of which " + off[i] + " is the expected value's own"
                        + " error against the double-precision oracle") + ")");
            }
        }
    }

    /**
     * How far the whole-sequence features (frame-major, {@code frames} frames) are from the
     * double-precision oracle's, element by element. The whole-sequence pass convolves by FFTs in
     * float, whose rounding error scales with the norms of the signal and the kernel, not with the
     * output: where a layer's output is small beside them (random weights that nearly cancel), it is
     * off by up to 1e-4 of max|output| while the stream, a recurrence, is exact to 1e-8 (a denoiser
     * this property found: 8.4e-6 from the oracle, with 1e-4 * max|ref| + 1e-6 = 1.05e-5). The
     * stream must then be as close to the whole-sequence result as that result is to the exact one.
     */
    static double[] wholeSequenceError(Compiled c, float[] in, int length, float[] features, int frames) {
        double[][][] x = NetworkStreams.oneSequence(in, c.network().inChannels(), 0, length);
        double[][] exact = new Oracle(c.network(), c.weights()).forward(x).features()[0];
        int channels = exact.length;
        double[] off = new double[frames * channels];
        for (int t = 0; t < frames; t++) {
            for (int ch = 0; ch < channels; ch++) {
                off[t * channels + ch] = Math.abs(features[t * channels + ch] - exact[ch][t]);
            }
        }
        return off;
    }

    /** The paths this JVM can run: the vector one when the module is there, and the scalar one. */
    static List<Boolean> paths() {
        return VectorSupport.available() ? List.of(true, false) : List.of(false);
    }

    /**
     * Streams a random sequence through both paths in the given splits (and in single frames
     * after a reset) and compares everything with the whole-sequence forward.
     */
    static void check(Compiled c, int length, Random rnd, List<int[]> splits) {
        int cin = c.network().inChannels();
        float[] in = randn(rnd, cin * length);
        Reference full = Reference.of(c, in, length);
        // a stream gives the whole sequence's output, but where skip additions span resampling only
        // that of whole windows: the full pass pads the last one with zeros
        NetworkShapes shapes = ShapeInference.infer(c.network());
        int frames = shapes.outputLength(length);
        int streamed = shapes.streamedLength(length);
        Reference ref = new Reference(Arrays.copyOf(full.features(), full.features().length / frames * streamed),
                streamed == frames ? full.logits() : null);
        double[] off = wholeSequenceError(c, in, length, ref.features(), streamed);
        String name = c.network().name();
        float[] vectorFeatures = null;
        for (boolean vector : paths()) {
            NetworkStream s = c.streams().newStream(vector);
            String path = vector ? "vector" : "scalar";
            for (int[] calls : splits) {
                String what = name + " (" + path + ") in " + (calls.length > 40 ? calls.length + " calls" : Arrays.toString(calls));
                float[] got = features(s, in, calls);
                assertClose(what + ": features", ref.features(), got, off);
                if (s.classes() > 0) {
                    float[] logits = new float[s.classes()];
                    assertEquals(got.length > 0 ? s.classes() : 0, s.logits(logits));
                    if (got.length > 0 && ref.logits() != null) {
                        assertClose(what + ": logits", ref.logits(), logits);
                    }
                }
                if (vector) {
                    vectorFeatures = got;
                } else if (vectorFeatures != null) {
                    assertClose(what + ": scalar against vector", vectorFeatures, got);
                }
                s.reset();
                float[] processed = process(s, in, calls, c.multiple());
                if (s.classes() > 0) {
                    if (processed.length > 0 && ref.logits() != null) {
                        assertClose(what + ": process logits", ref.logits(), processed);
                    }
                } else {
                    assertClose(what + ": process output", ref.features(), processed, off);
                }
                s.reset();
            }
        }
    }

    static List<int[]> splits(Random rnd, int length, int multiple) {
        return List.of(split(rnd, length, 3 * multiple + 2), ones(length), steady(length, multiple));
    }

    static Network example(String rel) throws IOException {
        Frontend.Compilation c = Frontend.compile(Examples.example(rel));
        assertTrue(c.ok(), c.render());
        return c.networks().get(0).network();
    }

    /** An example's file, from the module's directory or the repository's. */

    @Test
    void layersStreamAsTheyComputeWholeSequences() {
        Property.forAll(15, RandomConfigs.seeded(RandomConfigs.layers()),
                c -> layersStreamAsTheyComputeWholeSequences(c.config(), c.seed()));
    }

    private void layersStreamAsTheyComputeWholeSequences(JsonObject config, long seed) {
        Random rnd = new Random(seed);
        Compiled c = Compiled.of(ReferenceNetworks.layer(config, "layer", "property"), seed);
        int length = 1 + rnd.nextInt(60);
        check(c, length, rnd, splits(rnd, length, 1));
    }

    @Test
    void classifiersStreamAsTheyComputeWholeSequences() {
        Property.forAll(10, RandomConfigs.seeded(RandomConfigs.classifiers()),
                c -> classifiersStreamAsTheyComputeWholeSequences(c.config(), c.seed()));
    }

    private void classifiersStreamAsTheyComputeWholeSequences(JsonObject kwargs, long seed) {
        checkAnyLength(ReferenceNetworks.classifier(kwargs, "classifier", "property"), seed);
    }

    @Test
    void denoisersStreamAsTheyComputeWholeSequences() {
        Property.forAll(10, RandomConfigs.seeded(RandomConfigs.denoisers()),
                c -> denoisersStreamAsTheyComputeWholeSequences(c.config(), c.seed()));
    }

    private void denoisersStreamAsTheyComputeWholeSequences(JsonObject kwargs, long seed) {
        checkAnyLength(ReferenceNetworks.denoiser(kwargs, "denoiser", "property"), seed);
    }

    /** A network with resampling over a random length (about 90 frames at most, at least one window). */
    private static void checkAnyLength(Network network, long seed) {
        Random rnd = new Random(seed);
        Compiled c = Compiled.of(network, seed);
        int length = RandomLengths.draw(network, rnd, 90);
        check(c, length, rnd, splits(rnd, length, c.multiple()));
    }

    /**
     * An example network, from a seed, over {@code length} frames: in random calls of up to
     * {@code longest} frames, single frames, its planned chunk and steady calls of {@code odd} frames.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"kws/kws.ssm, 11, 896, 300, 100", "denoise/denoise.ssm, 12, 576, 150, 37"})
    void theExamplesStreamAsTheyComputeWholeSequences(String file, long seed, int length, int longest, int odd)
            throws IOException {
        Network net = example(file);
        Random rnd = new Random(seed);
        Compiled c = Compiled.of(net, seed);
        check(c, length, rnd, List.of(split(rnd, length, longest), ones(length), steady(length, net.planning().chunk()),
                steady(length, odd)));
    }

    /**
     * The streams of a network share one copy of the weights, made from the weights as they were
     * when the first of them was made: a stream made before the weights change (in place, then
     * {@code prepare()}, as training does) streams on with the old weights, one made after with the
     * new, and a stream made after the change from the same network equals one of a network built
     * with the new weights from the start.
     */
    @Test
    void streamsKeepTheWeightsTheyWereMadeWith() throws IOException {
        Compiled c = Compiled.of(example("kws/kws-trained.ssm"), 5);
        Trainable net = (Trainable) c.instance();
        float[] in = randn(new Random(6), 4000);
        NetworkStream before = c.streams().newStream();
        float[] old = run(c.streams().newStream(), in);
        float[] w = net.parameters().get("layers.8.weight");
        for (int i = 0; i < w.length; i++) {
            w[i] *= 1.5f;
        }
        net.prepare();
        NetworkStream after = c.streams().newStream();
        assertTrue(Arrays.equals(old, run(before, in)), "a stream made before the change keeps the old weights");
        float[] changed = run(after, in);
        assertTrue(!Arrays.equals(old, changed), "a stream made after the change has the new weights");
        Compiled fresh = Compiled.of(example("kws/kws-trained.ssm"), 5);
        float[] w2 = ((Trainable) fresh.instance()).parameters().get("layers.8.weight");
        for (int i = 0; i < w2.length; i++) {
            w2[i] *= 1.5f;
        }
        ((Trainable) fresh.instance()).prepare();
        assertTrue(Arrays.equals(changed, run(fresh.streams().newStream(), in)), "the new weights, as a fresh network's");
    }

    private static float[] run(NetworkStream s, float[] in) {
        float[] out = new float[s.maxOutput(in.length)];
        int n = s.process(in, 0, in.length, out);
        return Arrays.copyOf(out, n);
    }
}
