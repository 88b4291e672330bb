package dev.ssmc.compiler.bench;

import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.stream.StreamingNetwork;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many streams of one network at once, as a server holding one per connected microphone: the heap
 * they keep (the heap in use after a full collection while they are held, each fed its first chunk
 * so that every buffer is sized, less the same once they are dropped) and the time some threads
 * take to feed every stream one chunk, each thread its own share of the streams (as a server's
 * workers would own connections).
 */
public final class ConcurrentStreams {
    private ConcurrentStreams() {
    }

    /**
     * @param streams           how many streams were held
     * @param threads           how many threads fed them
     * @param heapMb            the heap they keep, all together (MiB)
     * @param kbPerStream       the same per stream (KiB)
     * @param msPerRound        the median wall-clock time to feed every stream one chunk
     * @param realtimeStreams   how many streams the threads keep up with in real time at that rate
     */
    public record Result(int streams, int threads, double heapMb, double kbPerStream, double msPerRound,
                         double realtimeStreams) {
        /** {@link #realtimeStreams} per thread. */
        public double realtimeStreamsPerThread() {
            return realtimeStreams / threads;
        }
    }

    /**
     * Holds {@code count} streams of {@code network}, each fed chunks of {@code chunk} frames of
     * {@code channels} channels at {@code sampleRate} frames per second, on {@code threads} threads,
     * for at least {@code seconds} of timed rounds after one warm-up round.
     */
    public static Result measure(StreamingNetwork network, int count, int chunk, int channels, int sampleRate,
                                 double seconds, long seed, int threads) throws InterruptedException {
        if (count < 1 || chunk < 1 || threads < 1) {
            throw new InvalidInputException("--count, --chunk and --threads must be at least 1");
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] in = new float[chunk * channels];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (rnd.nextDouble() - 0.5);
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        NetworkStream[] held = new NetworkStream[count];
        for (int s = 0; s < count; s++) {
            held[s] = network.newStream();
            held[s].reserve(in.length);
        }
        int workers = Math.min(threads, count);
        List<Callable<Void>> shares = new ArrayList<>();
        for (int t = 0; t < workers; t++) {
            NetworkStream[] mine = Arrays.copyOfRange(held, (int) ((long) count * t / workers),
                    (int) ((long) count * (t + 1) / workers));
            float[] out = new float[mine[0].maxOutput(in.length)];
            shares.add(() -> {
                for (NetworkStream s : mine) {
                    s.process(in, 0, in.length, out);
                }
                return null;
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        try {
            round(pool, shares); // every buffer sized before the heap is measured
            long after = heapAfterCollection(memory);
            double[] rounds = new double[64];
            int n = 0;
            long start = System.nanoTime();
            while (n < 3 || System.nanoTime() - start < seconds * 1e9) {
                long t0 = System.nanoTime();
                round(pool, shares);
                if (n == rounds.length) {
                    rounds = Arrays.copyOf(rounds, 2 * n);
                }
                rounds[n++] = (System.nanoTime() - t0) / 1e6;
            }
            double[] sorted = Arrays.copyOf(rounds, n);
            Arrays.sort(sorted);
            double ms = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            // what the streams keep is what dropping them frees: measured that way round, garbage that
            // only a later collection frees (softly reachable caches of the in-memory compiler) cancels
            Arrays.fill(held, null);
            shares.clear();
            long released = heapAfterCollection(memory);
            double kept = Math.max(0, after - released);
            double chunkMs = 1000.0 * chunk / sampleRate;
            return new Result(count, workers, kept / (1024.0 * 1024.0), kept / 1024.0 / count, ms,
                    chunkMs / (ms / count));
        } finally {
            pool.shutdownNow();
        }
    }

    /** One chunk to every stream: each share on its thread (the calling thread waits). */
    private static void round(ExecutorService pool, List<Callable<Void>> shares) throws InterruptedException {
        for (Future<Void> f : pool.invokeAll(shares)) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a stream failed", e.getCause());
            }
        }
    }

    static long heapAfterCollection(MemoryMXBean memory) {
        // twice: the first collection may leave what finalization or reference processing frees
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
