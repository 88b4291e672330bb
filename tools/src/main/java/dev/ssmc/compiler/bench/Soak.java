package dev.ssmc.compiler.bench;

import dev.ssmc.compiler.exec.NetworkStreams;
import dev.ssmc.compiler.oracle.Oracle;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.stream.StreamingNetwork;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Long runs of a network's streams, beyond what unit tests can afford: one stream fed minutes of
 * audio in random chunk sizes against the exact output over the same audio, with the heap watched
 * as it goes; and many streams of one network fed on many threads at once, each against the same
 * stream fed alone. The exact output is the oracle's (the double-precision specification), fed in
 * long chunks: its recurrence equals its full-sequence pass (OracleStreamingTest), and over
 * millions of samples it is the one full-sequence execution whose memory does not grow with the
 * length (a whole-sequence pass of the float engines holds intermediates of every sample: gigabytes).
 */
public final class Soak {
    /** The golden files' tolerance: {@code |x - ref| <= 1e-4 * max|ref| + 1e-6}. */
    private static final double RELATIVE_TOLERANCE = 1e-4;
    private static final double ABSOLUTE_TOLERANCE = 1e-6;
    /** How many times the heap is measured along a long stream. */
    private static final int HEAP_SAMPLES = 20;
    /** The oracle's chunks: long, as the reference pass, and far from the stream's random ones. */
    private static final int ORACLE_CHUNK = 8192;

    private Soak() {
    }

    /**
     * One long stream against the exact output.
     *
     * @param samples     input frames streamed
     * @param calls       calls to {@code processFeatures}
     * @param outputs     output values compared (features, and a classifier's logits at the end)
     * @param maxError    the largest {@code |stream - exact|} over the compared values
     * @param tolerance   what the golden files allow them ({@code 1e-4 * max|exact| + 1e-6})
     * @param heapFirstMb the heap in use after a full collection once the first twentieth was streamed (MiB)
     * @param heapMaxMb   the most of that and the later such measurements
     * @param streamSeconds the time the stream took, wall clock (the oracle's and the collections' time left out)
     */
    public record LongStream(long samples, long calls, long outputs, double maxError, double tolerance,
                             double heapFirstMb, double heapMaxMb, double streamSeconds) {
        public boolean equal() {
            return maxError <= tolerance;
        }
    }

    /**
     * Streams {@code samples} frames of a random signal into {@code network} in random chunks of
     * one frame up to {@code maxChunk} and compares its feature frames (and a classifier's logits at
     * the end) with the oracle's over the same signal.
     */
    public static LongStream longStream(StreamingNetwork network, Oracle oracle, int samples, int maxChunk, long seed) {
        NetworkStream stream = network.newStream();
        int cin = stream.inChannels();
        int width = stream.featureChannels();
        float[] frames = signal(samples * cin, seed);
        Oracle.Stream exact = oracle.newStream(1);
        ArrayDeque<double[]> pending = new ArrayDeque<>(); // exact feature frames the stream has not given yet
        int fedExact = 0;
        SplittableRandom rnd = new SplittableRandom(seed ^ 0x50A4L);
        float[] out = new float[stream.maxFeatures(maxChunk * cin)];
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        double first = -1;
        double max = 0;
        double maxError = 0;
        double maxAbs = 0;
        long calls = 0;
        long outputs = 0;
        long nextHeap = samples / HEAP_SAMPLES;
        long streamNanos = 0;
        for (int at = 0; at < samples; ) {
            int len = Math.min(samples - at, chunk(rnd, maxChunk));
            long t0 = System.nanoTime();
            int n = stream.processFeatures(frames, at * cin, len * cin, out);
            streamNanos += System.nanoTime() - t0;
            at += len;
            calls++;
            for (int f = 0; f < n / width; f++) {
                while (pending.isEmpty()) {
                    int end = Math.min(samples, fedExact + ORACLE_CHUNK);
                    enqueue(exact.process(NetworkStreams.oneSequence(frames, cin, fedExact, end)), pending);
                    fedExact = end;
                }
                double[] want = pending.poll();
                for (int c = 0; c < width; c++) {
                    maxAbs = Math.max(maxAbs, Math.abs(want[c]));
                    maxError = Math.max(maxError, Math.abs(out[f * width + c] - want[c]));
                }
            }
            outputs += n;
            if (at >= nextHeap) {
                double mb = ConcurrentStreams.heapAfterCollection(memory) / (1024.0 * 1024.0);
                first = first < 0 ? mb : first;
                max = Math.max(max, mb);
                nextHeap += samples / HEAP_SAMPLES;
            }
        }
        if (fedExact < samples) {
            enqueue(exact.process(NetworkStreams.oneSequence(frames, cin, fedExact, samples)), pending);
        }
        if (!pending.isEmpty()) {
            maxError = Double.POSITIVE_INFINITY; // the stream gave fewer frames than the exact output has
        }
        double tolerance = RELATIVE_TOLERANCE * maxAbs + ABSOLUTE_TOLERANCE;
        double[][] wantLogits = exact.logits();
        if (wantLogits != null) {
            float[] logits = new float[stream.classes()];
            stream.logits(logits);
            double logitAbs = 0;
            double logitError = 0;
            for (int k = 0; k < logits.length; k++) {
                logitAbs = Math.max(logitAbs, Math.abs(wantLogits[0][k]));
                logitError = Math.max(logitError, Math.abs(logits[k] - wantLogits[0][k]));
            }
            // scaled to the features' tolerance, so that one bound reports both
            maxError = Math.max(maxError, logitError * tolerance / (RELATIVE_TOLERANCE * logitAbs + ABSOLUTE_TOLERANCE));
            outputs += logits.length;
        }
        return new LongStream(samples, calls, outputs, maxError, tolerance, first, max, streamNanos / 1e9);
    }

    /**
     * How far the float32 full-sequence pass is from the exact output over the first {@code
     * prefix} frames of the same signal: the float32 floor of this network and these weights, what
     * a stream's distance from the exact output is to be judged against.
     *
     * @return {@code [max |full - exact|, max |exact|]} over the features
     */
    public static double[] fullSequenceFloor(StreamingNetwork network, Model model, Oracle oracle, int prefix, long seed) {
        int cin = network.newStream().inChannels();
        float[] frames = signal(prefix * cin, seed);
        float[] x = new float[prefix * cin];
        for (int t = 0; t < prefix; t++) {
            for (int c = 0; c < cin; c++) {
                x[c * prefix + t] = frames[t * cin + c];
            }
        }
        Signal full = model.forward(new Signal(1, cin, prefix, x)).features();
        Oracle.Stream exact = oracle.newStream(1);
        ArrayDeque<double[]> want = new ArrayDeque<>();
        for (int at = 0; at < prefix; at += ORACLE_CHUNK) {
            enqueue(exact.process(NetworkStreams.oneSequence(frames, cin, at, Math.min(prefix, at + ORACLE_CHUNK))), want);
        }
        double error = 0;
        double maxAbs = 0;
        for (int t = 0; !want.isEmpty() && t < full.length(); t++) {
            double[] w = want.poll();
            for (int c = 0; c < w.length; c++) {
                maxAbs = Math.max(maxAbs, Math.abs(w[c]));
                error = Math.max(error, Math.abs(full.x()[c * full.length() + t] - w[c]));
            }
        }
        return new double[] {error, maxAbs};
    }

    /** Appends the frames of {@code y[1][channels][time]} to {@code frames}, one array of channels each. */
    private static void enqueue(double[][][] y, ArrayDeque<double[]> frames) {
        int channels = y[0].length;
        int length = channels == 0 ? 0 : y[0][0].length;
        for (int t = 0; t < length; t++) {
            double[] f = new double[channels];
            for (int c = 0; c < channels; c++) {
                f[c] = y[0][c][t];
            }
            frames.add(f);
        }
    }

    /**
     * Many streams on many threads against each stream alone.
     *
     * @param mismatched streams whose output differs in any bit from the same stream fed alone
     */
    public record ManyStreams(int streams, int threads, int samplesPerStream, int mismatched, double seconds) {
    }

    /**
     * Feeds {@code streams} streams of {@code network}, each its own random signal of {@code
     * samples} frames in its own random chunks, round by round on a pool of {@code threads}
     * (a stream goes to whichever thread is free, so streams move between threads), and compares
     * every stream's output with the same stream fed alone on this thread, bit for bit.
     */
    public static ManyStreams manyStreams(StreamingNetwork network, int streams, int threads, int samples, int maxChunk,
                                          long seed) throws Exception {
        int cin = network.newStream().inChannels();
        List<Feed> feeds = new ArrayList<>();
        for (int s = 0; s < streams; s++) {
            feeds.add(new Feed(network, signal(samples * cin, seed + s), cin, chunks(samples, maxChunk, new SplittableRandom(seed * 31 + s))));
        }
        List<float[]> alone = new ArrayList<>();
        for (Feed f : feeds) {
            alone.add(new Feed(network, f.frames, cin, f.chunks).runAll());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
            int rounds = feeds.stream().mapToInt(f -> f.chunks.length).max().orElse(0);
            for (int r = 0; r < rounds; r++) {
                List<Future<?>> round = new ArrayList<>();
                for (Feed f : feeds) {
                    int chunk = r;
                    round.add(pool.submit(() -> f.run(chunk)));
                }
                for (Future<?> done : round) {
                    done.get();
                }
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int mismatched = 0;
        for (int s = 0; s < streams; s++) {
            if (!Arrays.equals(alone.get(s), feeds.get(s).output())) {
                mismatched++;
            }
        }
        return new ManyStreams(streams, threads, samples, mismatched, seconds);
    }

    /** One stream, its input and chunks, and what it gave: its output frames, or a classifier's logits after each call. */
    private static final class Feed {
        final NetworkStream stream;
        final float[] frames;
        final int cin;
        final int[] chunks;
        private final int[] starts;
        private float[] scratch = new float[0];
        private float[] out = new float[0];
        private int written;

        Feed(StreamingNetwork network, float[] frames, int cin, int[] chunks) {
            this.stream = network.newStream();
            this.frames = frames;
            this.cin = cin;
            this.chunks = chunks;
            this.starts = new int[chunks.length];
            for (int i = 1; i < chunks.length; i++) {
                starts[i] = starts[i - 1] + chunks[i - 1];
            }
        }

        void run(int i) {
            if (i >= chunks.length) {
                return;
            }
            int len = chunks[i] * cin;
            int need = stream.maxOutput(len);
            if (scratch.length < need) {
                scratch = new float[need];
            }
            int n = stream.process(frames, starts[i] * cin, len, scratch);
            if (out.length < written + n) {
                out = Arrays.copyOf(out, Math.max(written + n, 2 * out.length));
            }
            System.arraycopy(scratch, 0, out, written, n);
            written += n;
        }

        float[] runAll() {
            for (int i = 0; i < chunks.length; i++) {
                run(i);
            }
            return output();
        }

        float[] output() {
            return Arrays.copyOf(out, written);
        }
    }

    /** Chunk sizes summing to {@code samples} (see {@link #chunk}). */
    static int[] chunks(int samples, int maxChunk, SplittableRandom rnd) {
        List<Integer> sizes = new ArrayList<>();
        for (int left = samples; left > 0; ) {
            int c = Math.min(left, chunk(rnd, maxChunk));
            sizes.add(c);
            left -= c;
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A chunk size: a quarter of the time one frame, a quarter up to {@code maxChunk}, else up to 300 frames. */
    private static int chunk(SplittableRandom rnd, int maxChunk) {
        return switch (rnd.nextInt(4)) {
            case 0 -> 1;
            case 1 -> 1 + rnd.nextInt(maxChunk);
            default -> 1 + rnd.nextInt(Math.min(300, maxChunk));
        };
    }

    /** A random signal of {@code n} values, speech-like in level (about 0.1). */
    static float[] signal(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        double y = 0;
        for (int i = 0; i < n; i++) {
            y = 0.9 * y + 0.1 * (rnd.nextDouble() * 2 - 1); // low-passed noise
            x[i] = (float) y;
        }
        return x;
    }
}
