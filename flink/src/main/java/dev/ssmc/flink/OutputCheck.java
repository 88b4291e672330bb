package dev.ssmc.flink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What a run's committed outputs say: for every stream, each of its chunks must have exactly one
 * output (none lost, none duplicated, found by key and sequence number) equal to what a local
 * stream of the same network computes on the same chunks in order, to the bit.
 *
 * @param outputsEqual streams whose every output is present once and equal to the local stream's
 * @param restored     streams with an output from a stream restored from a checkpoint or savepoint
 * @param duplicates   outputs beyond the first for a key and sequence number
 * @param lost         chunks without an output
 * @param problems     the first few differences, for a message
 */
public record OutputCheck(int streams, int outputsEqual, int restored, int duplicates, int lost, List<String> problems) {

    /** The line the command prints last. */
    public String summary() {
        return "streams=" + streams + " outputs_equal=" + outputsEqual + " restored=" + restored + " duplicates=" + duplicates;
    }

    public boolean passed() {
        return outputsEqual == streams && duplicates == 0 && lost == 0;
    }

    /** Checks {@code outputs} against local streams of {@code net} over {@code input}, on all cores. */
    public static OutputCheck of(SyntheticStreams input, NetworkSpec.Loaded net, List<ChunkOutput> outputs) {
        Map<String, List<ChunkOutput>> byKey = new HashMap<>();
        for (ChunkOutput o : outputs) {
            byKey.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o);
        }
        int n = input.streams();
        Stream[] verdicts = IntStream.range(0, n).parallel()
                .mapToObj(k -> stream(input, net, k, byKey.getOrDefault(SyntheticStreams.key(k), List.of())))
                .toArray(Stream[]::new);
        int equal = 0;
        int restored = 0;
        int duplicates = 0;
        int lost = 0;
        List<String> problems = new ArrayList<>();
        for (Stream v : verdicts) {
            equal += v.problem == null ? 1 : 0;
            restored += v.restored ? 1 : 0;
            duplicates += v.duplicates;
            lost += v.lost;
            if (v.problem != null && problems.size() < 5) {
                problems.add(v.problem);
            }
        }
        return new OutputCheck(n, equal, restored, duplicates, lost, List.copyOf(problems));
    }

    private record Stream(String problem, boolean restored, int duplicates, int lost) {
    }

    private static Stream stream(SyntheticStreams input, NetworkSpec.Loaded net, int k, List<ChunkOutput> got) {
        String key = SyntheticStreams.key(k);
        ChunkOutput[] bySeq = new ChunkOutput[input.chunks()];
        int duplicates = 0;
        boolean restored = false;
        String problem = null;
        for (ChunkOutput o : got) {
            restored |= o.restored();
            if (o.sequence() < 0 || o.sequence() >= bySeq.length) {
                problem = key + ": an output for chunk " + o.sequence() + ", which was never sent";
            } else if (bySeq[(int) o.sequence()] != null) {
                duplicates++;
            } else {
                bySeq[(int) o.sequence()] = o;
            }
        }
        ChunkRunner local = new ChunkRunner(net.streams().newStream(), net.labels());
        int lost = 0;
        for (int seq = 0; seq < bySeq.length; seq++) {
            ChunkOutput want = local.run(key, seq, input.chunk(k, seq).samples(), false);
            ChunkOutput have = bySeq[seq];
            if (have == null) {
                lost++;
            } else if (problem == null && !(have.label().equals(want.label()) && Arrays.equals(have.values(), want.values()))) {
                problem = key + ": chunk " + seq + "'s output differs from a local stream's (" + have.label() + " "
                        + Arrays.toString(Arrays.copyOf(have.values(), Math.min(4, have.values().length))) + "... vs "
                        + want.label() + " " + Arrays.toString(Arrays.copyOf(want.values(), Math.min(4, want.values().length)))
                        + "...)";
            }
        }
        if (problem == null && (lost > 0 || duplicates > 0)) {
            problem = key + ": " + lost + " chunks without an output, " + duplicates + " outputs duplicated";
        }
        return new Stream(problem, restored, duplicates, lost);
    }
}
