package dev.ssmc.runtime.stream;

import static dev.ssmc.runtime.stream.StreamTesting.randn;
import static dev.ssmc.runtime.stream.StreamTesting.split;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.model.ClassifierHead;
import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.model.Parameter;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.stream.StreamTesting.MapParams;
import dev.ssmc.runtime.stream.StreamTesting.Spec;
import dev.ssmc.runtime.testing.Property;
import dev.ssmc.runtime.testing.SnapshotChecks;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Snapshots of streams over random networks of every node kind (SSM layers of every mode,
 * resampling of every mode with its partial windows, residual blocks and skip additions with their
 * waiting frames, norms of every kind, a classifier head's running sums): restored at random calls
 * of random splits, they continue as an uninterrupted stream does, to the bit; and a snapshot of
 * another network, structure or weights, or damaged bytes, is refused with a message naming what
 * differs.
 */
class SnapshotTest {
    /**
     * The causal norms and two that span time (their statistics are each call's own, so a restore
     * must leave them alone); group norm is left out as it needs widths divisible by 4.
     */
    private static final NormKind[] NORMS = {NormKind.BATCH, NormKind.LAYER_FEATURE, NormKind.RMS, NormKind.NONE,
        NormKind.INSTANCE, NormKind.LAYER};

    /** A random network as a stream factory, with its parameters. */
    private record Net(MapParams params, List<Spec> body, List<ClassifierHead.Linear> head, int divisor, String name) {
        static Net random(Random rnd, String name) {
            MapParams p = new MapParams(rnd);
            RandomNetworks gen = new RandomNetworks(p, NORMS);
            List<Spec> body = gen.body(1 + rnd.nextInt(4), 5);
            List<ClassifierHead.Linear> head = null;
            if (rnd.nextBoolean()) {
                int channels = body.get(body.size() - 1).outChannels();
                head = List.of(new ClassifierHead.Linear("head.0", channels, 5, PostactKind.RELU),
                        new ClassifierHead.Linear("head.1", 5, 1 + rnd.nextInt(4), PostactKind.IDENTITY));
                for (ClassifierHead.Linear l : head) {
                    p.random(Params.join(l.key(), "weight"), l.in() * l.out());
                    p.random(Params.join(l.key(), "bias"), l.out());
                }
            }
            return new Net(p, body, head, gen.divisor, name);
        }

        ChainStream stream() {
            return new ChainStream(StreamTesting.chain(body, params), head == null ? null : new HeadFrames(head, params),
                    fingerprint());
        }

        NetworkFingerprint fingerprint() {
            Map<String, float[]> sorted = new TreeMap<>(params.map);
            List<Parameter> list = new ArrayList<>();
            sorted.forEach((k, v) -> list.add(new Parameter(k, new int[] {v.length}, Parameter.Role.WEIGHT)));
            return NetworkFingerprint.of(name, list, sorted);
        }

        int inChannels() {
            return body.get(0).inChannels();
        }

        StreamSnapshots.Identity identity() {
            return StreamSnapshots.Identity.of(fingerprint(), StreamTesting.chain(body, params),
                    head == null ? null : new HeadFrames(head, params));
        }
    }

    @Test
    void randomNetworksResumeExactlyAtRandomCalls() {
        Property.forAll(80, longs().all(), this::randomNetworksResumeExactlyAtRandomCalls);
    }

    private void randomNetworksResumeExactlyAtRandomCalls(long seed) {
        Random rnd = new Random(seed);
        Net net = Net.random(rnd, "random");
        int length = net.divisor() * (1 + rnd.nextInt(Math.max(1, 200 / net.divisor()))) + rnd.nextInt(net.divisor());
        float[] in = randn(rnd, length * net.inChannels());
        int[] calls = split(rnd, length, 1 + rnd.nextInt(40));
        SnapshotChecks.assertResumesExactly(net::stream, in, calls, rnd);
    }

    /** A stream that has run a while on a random input. */
    private static ChainStream warm(Net net, Random rnd) {
        ChainStream s = net.stream();
        int len = net.divisor() * 3 + 1;
        float[] in = randn(rnd, len * net.inChannels());
        s.process(in, 0, in.length, new float[s.maxOutput(in.length)]);
        return s;
    }

    @Test
    void anotherNetworkIsRefusedByName() {
        Random rnd = new Random(1);
        Net a = Net.random(rnd, "Alpha");
        byte[] snapshot = warm(a, rnd).snapshot();
        Net b = new Net(a.params(), a.body(), a.head(), a.divisor(), "Beta");
        var e = assertThrows(IllegalArgumentException.class, () -> b.stream().restore(snapshot));
        assertEquals("the snapshot is of network `Alpha`, this stream of network `Beta`", e.getMessage());
    }

    @Test
    void anotherStructureIsRefusedNamingTheLayer() {
        Random rnd = new Random(2);
        Net a = Net.random(new Random(3), "Same");
        Net b = Net.random(new Random(4), "Same");
        byte[] snapshot = warm(a, rnd).snapshot();
        ChainStream target = b.stream();
        var e = assertThrows(IllegalArgumentException.class, () -> target.restore(snapshot));
        assertTrue(e.getMessage().startsWith("the snapshot's network `Same` has another structure: "), e.getMessage());
        List<String> theirs = a.identity().layers();
        List<String> ours = b.identity().layers();
        int i = 0;
        while (i < Math.min(theirs.size(), ours.size()) && theirs.get(i).equals(ours.get(i))) {
            i++;
        }
        String expected = i < Math.min(theirs.size(), ours.size())
                ? "its layer " + (i + 1) + " differs from this stream's, " + ours.get(i)
                : theirs.size() + " layers, this stream's " + ours.size();
        assertTrue(e.getMessage().endsWith(expected), e.getMessage() + "\nexpected it to end with " + expected);
    }

    @Test
    void changedWeightsAreRefusedNamingTheTensors() {
        Random rnd = new Random(5);
        Net a = Net.random(rnd, "Weights");
        byte[] snapshot = warm(a, rnd).snapshot();
        String changed = new TreeMap<>(a.params().map).firstKey();
        a.params().map.get(changed)[0] += 1e-3f; // one float of one tensor, as a retrained checkpoint would differ
        var e = assertThrows(IllegalArgumentException.class, () -> a.stream().restore(snapshot));
        assertTrue(e.getMessage().startsWith("the snapshot was taken with other weights: 1 of "), e.getMessage());
        assertTrue(e.getMessage().contains("(" + changed + ")"), e.getMessage());
    }

    @Test
    void damagedBytesAreRefusedAndTheStreamIsKept() {
        Random rnd = new Random(6);
        Net net = Net.random(rnd, "Damage");
        ChainStream s = warm(net, rnd);
        byte[] good = s.snapshot();
        ChainStream other = warm(net, new Random(7));
        byte[] before = other.snapshot();

        byte[] flipped = good.clone();
        flipped[flipped.length / 2] ^= 1;
        var e = assertThrows(IllegalArgumentException.class, () -> other.restore(flipped));
        assertTrue(e.getMessage().startsWith("the snapshot is damaged"), e.getMessage());
        var cut = assertThrows(IllegalArgumentException.class,
                () -> other.restore(java.util.Arrays.copyOf(good, good.length - 9)));
        assertTrue(cut.getMessage().startsWith("the snapshot is damaged"), cut.getMessage());
        var junk = assertThrows(IllegalArgumentException.class, () -> other.restore(new byte[] {1, 2, 3}));
        assertTrue(junk.getMessage().startsWith("not an ssmc stream snapshot"), junk.getMessage());
        assertArrayEquals(before, other.snapshot(), "a refused snapshot leaves the stream as it was");

        byte[] future = good.clone();
        ByteBuffer.wrap(future).putInt(4, StreamSnapshots.VERSION + 1);
        CRC32 crc = new CRC32();
        crc.update(future, 0, future.length - 4);
        ByteBuffer.wrap(future).putInt(future.length - 4, (int) crc.getValue());
        var v = assertThrows(IllegalArgumentException.class, () -> other.restore(future));
        assertEquals("the snapshot has format version " + (StreamSnapshots.VERSION + 1) + ", this ssmc reads version "
                + StreamSnapshots.VERSION, v.getMessage());
    }

    @Test
    void aFreshStreamRoundTripsAndResetsLikeNew() {
        Random rnd = new Random(8);
        Net net = Net.random(rnd, "Fresh");
        byte[] fresh = net.stream().snapshot();
        ChainStream s = warm(net, rnd);
        s.restore(fresh);
        s.reset();
        assertArrayEquals(fresh, s.snapshot());
        ChainStream t = warm(net, rnd);
        t.reset();
        assertArrayEquals(fresh, t.snapshot(), "reset clears exactly what a snapshot holds");
    }
}
