package dev.ssmc.compiler.oracle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.ssmc.compiler.RandomWeights;
import dev.ssmc.compiler.exec.Execution;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The oracle's two executions agree: the recurrence fed in any chunks (down to one sample)
 * reproduces the direct convolution over the whole sequence, for every mode, causal norm,
 * postact, resampling mode, residual and skip structure.
 */
class OracleStreamingTest {
    private static final NormKind[] CAUSAL_NORMS = {NormKind.NONE, NormKind.BATCH, NormKind.LAYER_FEATURE, NormKind.RMS};

    @Property(tries = 200)
    void layerStreamsEqualFullSequence(@ForAll("layers") JsonObject config, @ForAll long seed) {
        Network net = ReferenceNetworks.layer(config, "random", "property");
        assertStreamingMatches(net, seed, 40);
    }

    @Property(tries = 100)
    void classifierStreamsEqualFullSequence(@ForAll("classifiers") JsonObject kwargs, @ForAll long seed) {
        Network net = ReferenceNetworks.classifier(kwargs, "random", "property");
        assertStreamingMatches(net, seed, 96);
    }

    @Property(tries = 100)
    void denoiserStreamsEqualFullSequence(@ForAll("denoisers") JsonObject kwargs, @ForAll long seed) {
        Network net = ReferenceNetworks.denoiser(kwargs, "random", "property");
        assertStreamingMatches(net, seed, 96);
    }

    private static void assertStreamingMatches(Network net, long seed, int maxLength) {
        NetworkShapes shapes = ShapeInference.infer(net);
        Random rnd = new Random(seed);
        int multiple = (int) NetworkShapes.requiredMultiple(net.body());
        int length = multiple * (1 + rnd.nextInt(Math.max(1, maxLength / multiple)));
        int batch = 1 + rnd.nextInt(2);
        Tensor input = RandomWeights.input(seed, batch, net.inChannels(), length);
        Execution exec = new OracleEngine().bind(net, RandomWeights.of(net, seed));
        Execution.Outputs full = exec.forward(input);
        Execution.Outputs streamed = exec.stream(input, randomChunks(rnd, length));
        assertEquals(shapes.outputLength(length), full.features().dim(2));
        assertClose(full.features(), streamed.features());
        if (full.logits() != null) {
            assertClose(full.logits(), streamed.logits());
        }
    }

    static int[] randomChunks(Random rnd, int length) {
        List<Integer> chunks = new ArrayList<>();
        int left = length;
        while (left > 0) {
            int c = rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(Math.min(left, 17));
            c = Math.min(c, left);
            chunks.add(c);
            left -= c;
        }
        return chunks.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void assertClose(Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape());
        float[] w = want.data();
        float[] g = got.data();
        double tol = 1e-5 * Math.max(1, want.maxAbs());
        for (int i = 0; i < w.length; i++) {
            assertTrue(Math.abs(w[i] - g[i]) <= tol, "element " + i + ": full " + w[i] + " vs streamed " + g[i]);
        }
    }

    @Provide
    Arbitrary<JsonObject> layers() {
        return Combinators.combine(
                Arbitraries.of(SsmMode.values()), Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 3), Arbitraries.of(true, false),
                Arbitraries.of(CAUSAL_NORMS), Arbitraries.of(Postact.values()))
                .as((mode, cin, cout, states, blocks, acts, norm, postact) -> {
                    JsonObject c = new JsonObject();
                    c.addProperty("mode", mode.spelling());
                    c.addProperty("in_channels", postact == Postact.GLU ? 2 * cin : cin);
                    c.addProperty("out_channels", postact == Postact.GLU ? 2 * cout : cout);
                    c.addProperty("num_states", states);
                    c.addProperty("state_blocks", blocks);
                    c.addProperty("use_activations", acts);
                    c.addProperty("norm", norm.spelling());
                    c.addProperty("postact", postact.spelling());
                    return c;
                });
    }

    @Provide
    Arbitrary<JsonObject> classifiers() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.longs(),
                Arbitraries.of("downsampling", "downsampling_with_bias", "average", "subsampling", "downsampling_dw"))
                .as((depth, seed, pool) -> {
                    Random rnd = new Random(seed);
                    JsonObject k = new JsonObject();
                    k.addProperty("in_channels", 1 + rnd.nextInt(2));
                    k.addProperty("num_classes", 2 + rnd.nextInt(4));
                    boolean sameWidth = !pool.startsWith("downsampling") || pool.equals("downsampling_dw");
                    int width = 2 + rnd.nextInt(3);
                    JsonArray channels = new JsonArray();
                    JsonArray states = new JsonArray();
                    JsonArray blocks = new JsonArray();
                    JsonArray modes = new JsonArray();
                    JsonArray ratios = new JsonArray();
                    JsonArray skip = new JsonArray();
                    for (int i = 0; i < depth; i++) {
                        channels.add(sameWidth ? width : 2 + rnd.nextInt(4));
                        states.add(1 + rnd.nextInt(3));
                        blocks.add(1 + rnd.nextInt(2));
                        modes.add(SsmMode.values()[rnd.nextInt(4)].spelling());
                        ratios.add(1 + rnd.nextInt(3));
                        skip.add(rnd.nextBoolean());
                    }
                    if (sameWidth) {
                        k.addProperty("in_channels", width);
                    }
                    k.add("channels", channels);
                    k.add("num_states", states);
                    k.add("state_blocks", blocks);
                    k.add("mode", modes);
                    k.add("downsample", ratios);
                    k.add("skip", skip);
                    k.addProperty("downsample_mode", pool);
                    k.addProperty("norm", CAUSAL_NORMS[rnd.nextInt(CAUSAL_NORMS.length)].spelling());
                    k.addProperty("postact", new String[] {"relu", "silu", "gelu", "tanh"}[rnd.nextInt(4)]);
                    return k;
                });
    }

    @Provide
    Arbitrary<JsonObject> denoisers() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.longs(),
                Arbitraries.of("downsampling", "downsampling_with_bias", "downshaping", "average"))
                .as((depth, seed, pool) -> {
                    Random rnd = new Random(seed);
                    JsonObject k = new JsonObject();
                    int in = 1 + rnd.nextInt(2);
                    k.addProperty("in_channels", in);
                    JsonArray channels = new JsonArray();
                    JsonArray states = new JsonArray();
                    JsonArray blocks = new JsonArray();
                    JsonArray modes = new JsonArray();
                    JsonArray ratios = new JsonArray();
                    int width = in;
                    for (int i = 0; i < depth; i++) {
                        int r = 2 + rnd.nextInt(2);
                        width = switch (pool) {
                            case "downshaping" -> width * r;
                            case "average" -> width;
                            default -> 2 + rnd.nextInt(4);
                        };
                        channels.add(width);
                        states.add(1 + rnd.nextInt(3));
                        blocks.add(1 + rnd.nextInt(2));
                        modes.add(SsmMode.values()[rnd.nextInt(4)].spelling());
                        ratios.add(r);
                    }
                    k.add("channels", channels);
                    k.add("num_states", states);
                    k.add("state_blocks", blocks);
                    k.add("mode", modes);
                    k.add("downsample", ratios);
                    k.addProperty("downsample_mode", pool);
                    k.addProperty("norm", CAUSAL_NORMS[rnd.nextInt(CAUSAL_NORMS.length)].spelling());
                    k.addProperty("postact", new String[] {"silu", "relu", "lelu", "sigmoid"}[rnd.nextInt(4)]);
                    return k;
                });
    }
}
