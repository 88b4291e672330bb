package dev.ssmc.runtime.stream;

import static dev.ssmc.runtime.stream.StreamTesting.assertClose;
import static dev.ssmc.runtime.stream.StreamTesting.frames;
import static dev.ssmc.runtime.stream.StreamTesting.layers;
import static dev.ssmc.runtime.stream.StreamTesting.randn;
import static dev.ssmc.runtime.stream.StreamTesting.split;
import static dev.ssmc.runtime.stream.StreamTesting.stream;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.nn.ResampleKind;
import dev.ssmc.runtime.stream.StreamTesting.MapParams;
import dev.ssmc.runtime.stream.StreamTesting.Resample;
import dev.ssmc.runtime.stream.StreamTesting.Residual;
import dev.ssmc.runtime.stream.StreamTesting.Spec;
import dev.ssmc.runtime.stream.StreamTesting.Ssm;
import dev.ssmc.runtime.testing.Property;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The same network built both ways, as model layers and as frame nodes, gives the same output:
 * the model's whole-sequence forward (and its own streaming in the same chunks) against the stream
 * fed in random chunks (empty ones and single frames among them), then again after a reset with
 * another split (so reset restores the initial state).
 */
class NetworkEquivalenceTest {

    /** Streams the input through the chain built from {@code specs} twice (reset between) and compares both with the model. */
    static void check(MapParams p, List<Spec> specs, int length, Random rnd) {
        int cin = specs.get(0).inChannels();
        Signal x = new Signal(1, cin, length, randn(rnd, cin * length));
        Model model = new Model(layers(specs, p), null);
        float[] ref = frames(model.forward(x).features());
        FrameChain chain = StreamTesting.chain(specs, p);
        float[] in = frames(x);
        int[] chunks = split(rnd, length, 17);
        // the model's own streaming agrees with its whole-sequence forward, so either is the reference
        assertClose("the model streamed", ref, frames(model.stream(x, chunks).features()));
        assertClose("stream in " + Arrays.toString(chunks), ref, stream(chain, in, chunks));
        chain.reset();
        int[] single = new int[length];
        Arrays.fill(single, 1);
        int[] again = rnd.nextBoolean() ? single : split(rnd, length, 40);
        assertClose("after reset, stream in " + Arrays.toString(again), ref, stream(chain, in, again));
    }

    static int length(Random rnd, int divisor) {
        return divisor * (1 + rnd.nextInt(Math.max(1, 150 / divisor)));
    }

    @Test
    void randomNetworksStreamAsTheModelComputes() {
        Property.forAll(80, longs().all(), this::randomNetworksStreamAsTheModelComputes);
    }

    private void randomNetworksStreamAsTheModelComputes(long seed) {
        Random rnd = new Random(seed);
        MapParams p = new MapParams(rnd);
        RandomNetworks gen = new RandomNetworks(p, RandomNetworks.CAUSAL_NORMS);
        List<Spec> body = gen.body(1 + rnd.nextInt(6), 4);
        check(p, body, length(rnd, gen.divisor), rnd);
    }

    @Test
    void everySsmModeNormAndPostact() {
        Property.forAll(60, in -> new ModeCase(integers().between(0, 3).generate(in),
                integers().between(0, 3).generate(in),
                arbitrary().enumValues(PostactKind.class).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in)),
                a -> everySsmModeNormAndPostact(a.modeIndex(), a.normIndex(), a.postact(), a.activations(), a.seed()));
    }

    /** One try of {@link #everySsmModeNormAndPostact()}. */
    record ModeCase(int modeIndex, int normIndex, PostactKind postact, boolean activations, long seed) {
    }

    private void everySsmModeNormAndPostact(int modeIndex, int normIndex, PostactKind postact, boolean activations,
            long seed) {
        Random rnd = new Random(seed);
        MapParams p = new MapParams(rnd);
        BlockMode mode = BlockMode.values()[modeIndex];
        NormKind norm = RandomNetworks.CAUSAL_NORMS[normIndex];
        int least = RandomNetworks.scaleFree(norm) ? 2 : 1; // see RandomNetworks.norm(int)
        int cin = 2 * (least + rnd.nextInt(4));
        int cout = 2 * (least + rnd.nextInt(4));
        int states = 1 + rnd.nextInt(6);
        int blocks = mode == BlockMode.S5 || mode == BlockMode.NECK ? 1 + rnd.nextInt(3) : 1;
        BlockShape shape = RandomNetworks.conditioned(new BlockShape(mode, cin, cout, states, blocks), norm, activations);
        Ssm ssm = Ssm.of(p, shape, "layer", norm, postact, activations);
        check(p, List.of(ssm), 1 + rnd.nextInt(120), rnd);
    }

    @Test
    void everyResamplingMode() {
        Property.forAll(40, in -> new ResampleCase(arbitrary().enumValues(ResampleKind.class).generate(in),
                integers().between(1, 4).generate(in),
                longs().all().generate(in)),
                a -> everyResamplingMode(a.kind(), a.ratio(), a.seed()));
    }

    /** One try of {@link #everyResamplingMode()}. */
    record ResampleCase(ResampleKind kind, int ratio, long seed) {
    }

    private void everyResamplingMode(ResampleKind kind, int ratio, long seed) {
        Random rnd = new Random(seed);
        MapParams p = new MapParams(rnd);
        RandomNetworks gen = new RandomNetworks(p, RandomNetworks.CAUSAL_NORMS);
        int c = ratio * (1 + rnd.nextInt(3));
        int cout = switch (kind) {
            case DOWNSHAPING -> c * ratio;
            case UPSHAPING -> c / ratio;
            case DOWNSAMPLING, DOWNSAMPLING_WITH_BIAS, UPSAMPLING, UPSAMPLING_WITH_BIAS -> 1 + rnd.nextInt(5);
            default -> c;
        };
        List<Spec> specs = new ArrayList<>();
        specs.add(gen.ssm(c, c, null));
        specs.add(Resample.of(p, kind, ratio, c, cout, "pool"));
        specs.add(gen.ssm(cout, 1 + rnd.nextInt(4), null));
        int divisor = kind.isUpsampling() ? 1 : ratio;
        check(p, specs, length(rnd, divisor), rnd);
    }

    @Test
    void residualBlocksAndNestedSkipsAroundPooledBodies() {
        Property.forAll(25, longs().all(), this::residualBlocksAndNestedSkipsAroundPooledBodies);
    }

    private void residualBlocksAndNestedSkipsAroundPooledBodies(long seed) {
        Random rnd = new Random(seed);
        MapParams p = new MapParams(rnd);
        RandomNetworks gen = new RandomNetworks(p, RandomNetworks.CAUSAL_NORMS);
        int c = 1 + rnd.nextInt(5);
        // a two-level U-Net: shorten, [shorten, SSM, lengthen] + skip, SSM, lengthen, + skip
        Resample down = gen.shortening(c, 2 + rnd.nextInt(2));
        int c2 = down.outChannels();
        Residual inner = gen.skip(c2);
        Ssm mid = gen.ssm(c2, c2, null);
        Resample up = Resample.of(p, ResampleKind.UPSAMPLING, down.ratio(), c2, c, "up");
        Residual outer = Residual.of(p, List.of(down, inner, mid, up), NormKind.NONE, PostactKind.IDENTITY, "outer");
        Residual block = gen.residual(c);
        List<Spec> specs = List.of(gen.ssm(c, c, null), outer, block, gen.ssm(block.outChannels(), 3, null));
        check(p, specs, length(rnd, gen.divisor), rnd);
    }

    @Test
    void aResidualHoldsBackNoMoreThanItsBodyNeeds() {
        Property.forAll(10, in -> new RatioCase(integers().between(2, 4).generate(in),
                longs().all().generate(in)),
                a -> aResidualHoldsBackNoMoreThanItsBodyNeeds(a.ratio(), a.seed()));
    }

    /** One try of {@link #aResidualHoldsBackNoMoreThanItsBodyNeeds()}. */
    record RatioCase(int ratio, long seed) {
    }

    private void aResidualHoldsBackNoMoreThanItsBodyNeeds(int ratio, long seed) {
        Random rnd = new Random(seed);
        MapParams p = new MapParams(rnd);
        RandomNetworks gen = new RandomNetworks(p, RandomNetworks.CAUSAL_NORMS);
        Residual skip = gen.skip(3);
        FrameNode node = skip.node(p);
        // after every frame the output lags the input by less than the body's period
        float[] in = randn(rnd, 3 * 50);
        float[] out = new float[3 * 60];
        int produced = 0;
        for (int t = 0; t < 50; t++) {
            produced += node.process(in, 3 * t, 1, out, 3 * produced);
            assertEquals(node.emittedAfter(t + 1), produced);
            org.junit.jupiter.api.Assertions.assertTrue(t + 1 - produced < node.period());
        }
    }
}
