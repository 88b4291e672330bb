package dev.ssmc.runtime.stream;

import static dev.ssmc.runtime.stream.StreamTesting.assertClose;
import static dev.ssmc.runtime.stream.StreamTesting.frames;
import static dev.ssmc.runtime.stream.StreamTesting.randn;
import static dev.ssmc.runtime.stream.StreamTesting.signal;
import static dev.ssmc.runtime.stream.StreamTesting.split;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.model.ActivationLayer;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.nn.ResampleKind;
import dev.ssmc.runtime.stream.StreamTesting.Act;
import dev.ssmc.runtime.stream.StreamTesting.MapParams;
import dev.ssmc.runtime.stream.StreamTesting.Resample;
import dev.ssmc.runtime.stream.StreamTesting.Residual;
import dev.ssmc.runtime.stream.StreamTesting.Spec;
import dev.ssmc.runtime.stream.StreamTesting.Ssm;
import dev.ssmc.runtime.testing.Property;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Activations on frames equal the model's activation layer call by call, for every norm and
 * postact: the causal norms frame by frame, the norms over time (layer, group, instance) over each
 * call's frames, as the model's streamer applies them to each chunk.
 */
class ActivationFramesTest {

    @Test
    void everyNormAndPostactCallByCall() {
        Property.forAll(150, in -> new ActCase(arbitrary().enumValues(NormKind.class).generate(in),
                arbitrary().enumValues(PostactKind.class).generate(in),
                integers().between(1, 6).generate(in),
                longs().all().generate(in)),
                a -> everyNormAndPostactCallByCall(a.norm(), a.postact(), a.quarter(), a.seed()));
    }

    /** One try of {@link #everyNormAndPostactCallByCall()}. */
    record ActCase(NormKind norm, PostactKind postact, int quarter, long seed) {
    }

    private void everyNormAndPostactCallByCall(NormKind norm, PostactKind postact, int quarter, long seed) {
        Random rnd = new Random(seed);
        MapParams p = new MapParams(rnd);
        int channels = norm == NormKind.GROUP || postact == PostactKind.GLU ? 4 * quarter : quarter + rnd.nextInt(9);
        Act act = Act.of(p, norm, postact, "act", channels);
        ActivationLayer layer = act.layer(p);
        ActivationFrames node = act.node(p);
        assertEquals(act.outChannels(), node.outChannels());
        int length = 1 + rnd.nextInt(80);
        float[] in = randn(rnd, channels * length);
        for (int i = 0; i < in.length; i++) {
            in[i] = in[i] * 2 + 0.5f; // away from zero mean, so a missing mean shows
        }
        int at = 0;
        for (int size : split(rnd, length, 20)) {
            float[] chunk = Arrays.copyOfRange(in, at * channels, (at + size) * channels);
            float[] got = new float[size * node.outChannels() + 3];
            assertEquals(size, node.process(chunk, 0, size, got, 3));
            if (size > 0) {
                float[] ref = frames(layer.apply(signal(chunk, channels, size)));
                assertClose(norm + "/" + postact, ref, Arrays.copyOfRange(got, 3, got.length), 2e-6);
            }
            at += size;
        }
    }

    @Test
    void networksWithNormsOverTimeStreamAsTheModelStreams() {
        Property.forAll(40, in -> new NormOverTimeCase(integers().between(0, 2).generate(in),
                longs().all().generate(in)),
                a -> networksWithNormsOverTimeStreamAsTheModelStreams(a.normIndex(), a.seed()));
    }

    /** One try of {@link #networksWithNormsOverTimeStreamAsTheModelStreams()}. */
    record NormOverTimeCase(int normIndex, long seed) {
    }

    private void networksWithNormsOverTimeStreamAsTheModelStreams(int normIndex, long seed) {
        NormKind norm = new NormKind[] {NormKind.LAYER, NormKind.GROUP, NormKind.INSTANCE}[normIndex];
        Random rnd = new Random(seed);
        MapParams p = new MapParams(rnd);
        int c = 4;
        List<Spec> specs = List.of(
                Ssm.of(p, new BlockShape(BlockMode.S5, c, 8, 4, 2), "s5", norm, PostactKind.GELU, true),
                Resample.of(p, ResampleKind.AVERAGE, 2, 8, 8, "pool"),
                Residual.of(p, List.<Spec>of(Ssm.of(p, new BlockShape(BlockMode.DWS, 8, 8, 3, 1), "dws", norm,
                        PostactKind.RELU, true)), norm, PostactKind.TANH, "res"),
                Residual.of(p, List.<Spec>of(Resample.of(p, ResampleKind.DOWNSAMPLING, 2, 8, 4, "down"),
                        Ssm.of(p, new BlockShape(BlockMode.NECK, 4, 4, 3, 2), "neck", norm, PostactKind.SIGMOID, true),
                        Resample.of(p, ResampleKind.UPSAMPLING, 2, 4, 8, "up")), NormKind.NONE, PostactKind.IDENTITY,
                        "skip"));
        int length = 4 * (1 + rnd.nextInt(30));
        int[] chunks = split(rnd, length, 16);
        chunks = Arrays.stream(chunks).map(s -> s == 1 ? 2 : s).toArray(); // a one-frame norm over time is degenerate
        int total = Arrays.stream(chunks).sum();
        Signal x = new Signal(1, c, total, randn(rnd, c * total));
        float[] ref = frames(new Model(StreamTesting.layers(specs, p), null).stream(x, chunks).features());
        assertClose("stream in " + Arrays.toString(chunks), ref, StreamTesting.stream(StreamTesting.chain(specs, p),
                frames(x), chunks), 1e-3);
    }

    @Test
    void layerNormOverTimeRefusesCallsLongerThanItsWeights() {
        Property.forAll(5, longs().all(), this::layerNormOverTimeRefusesCallsLongerThanItsWeights);
    }

    private void layerNormOverTimeRefusesCallsLongerThanItsWeights(long seed) {
        MapParams p = new MapParams(new Random(seed));
        ActivationFrames node = Act.of(p, NormKind.LAYER, PostactKind.RELU, "act", 3).node(p);
        int f = StreamTesting.LAYER_NORM_LENGTH + 1;
        assertThrows(IllegalArgumentException.class, () -> node.process(new float[3 * f], 0, f, new float[3 * f], 0));
    }
}
