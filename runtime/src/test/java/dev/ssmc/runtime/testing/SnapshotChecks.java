package dev.ssmc.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.ssmc.runtime.stream.NetworkStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The check every snapshot test makes, on hand-built chains and generated networks alike: a
 * stream snapshotted at random calls and restored into a fresh stream of the same network gives,
 * call by call, the outputs of one stream that never stopped, to the bit.
 */
public final class SnapshotChecks {
    private SnapshotChecks() {
    }

    /**
     * Feeds {@code frames} (frame-major) in the given calls (sizes in frames) to one uninterrupted
     * stream, and again to a stream that at 1 to 3 random calls is snapshotted and replaced by a
     * fresh stream restored from the bytes; at one of them it also runs to the end, rolls back to
     * the snapshot and runs the rest again. Every call's output must equal the uninterrupted one's,
     * and a restored stream's own snapshot must be the bytes it was restored from.
     *
     * @return the size of the last snapshot taken, in bytes
     */
    public static int assertResumesExactly(Supplier<NetworkStream> streams, float[] frames, int[] calls, Random rnd) {
        List<float[]> expected = run(streams.get(), frames, calls, 0, calls.length);
        TreeSet<Integer> cuts = new TreeSet<>();
        int count = 1 + rnd.nextInt(3);
        for (int i = 0; i < count; i++) {
            cuts.add(rnd.nextInt(calls.length + 1));
        }
        int rollback = cuts.first();
        NetworkStream s = streams.get();
        int size = 0;
        int from = 0;
        for (int cut : cuts) {
            check(expected, run(s, frames, calls, from, cut), from, "before the cut at call " + cut);
            byte[] bytes = s.snapshot();
            size = bytes.length;
            if (cut == rollback) {
                // the stream runs on, then returns to the snapshot: restore replaces its whole state
                run(s, frames, calls, cut, calls.length);
                s.restore(bytes);
                check(expected, run(s, frames, calls, cut, calls.length), cut, "after rolling back to call " + cut);
            }
            s = streams.get();
            s.restore(bytes);
            assertArrayEquals(bytes, s.snapshot(), "a restored stream's snapshot is the bytes it was restored from");
            from = cut;
        }
        check(expected, run(s, frames, calls, from, calls.length), from, "after the last restore, at call " + from);
        return size;
    }

    private static void check(List<float[]> expected, List<float[]> got, int from, String when) {
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(expected.get(from + i), got.get(i), "call " + (from + i) + "'s output " + when);
        }
    }

    /** The outputs of calls {@code [from, to)}, each a copy of what {@code process} wrote. */
    private static List<float[]> run(NetworkStream s, float[] frames, int[] calls, int from, int to) {
        int cin = s.inChannels();
        int at = 0;
        for (int i = 0; i < from; i++) {
            at += calls[i];
        }
        List<float[]> outs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            int len = calls[i] * cin;
            float[] out = new float[s.maxOutput(len)];
            int n = s.process(frames, at * cin, len, out);
            outs.add(Arrays.copyOf(out, n));
            at += calls[i];
        }
        return outs;
    }
}
