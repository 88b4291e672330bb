package dev.ssmc.runtime.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Splits a kernel's independent work (rows of FFTs, rows of products, states of kernel powers)
 * between the cores. The caller's thread takes the first part and a small pool the others; work too
 * small to repay a hand-off (some microseconds) and work started from inside another part run
 * on the calling thread alone, so kernels can split freely without nesting pools.
 *
 * <p>Threads: the system property {@code ssmc.threads} (default: the available processors); 1
 * turns splitting off. Every part runs the same code as a serial call over its range, so results
 * do not depend on the thread count.
 */
public final class Parallel {
    /** Below this many operations in all, the work stays on the calling thread. */
    static final long MIN_WORK = 1 << 17;

    private static final int THREADS = Math.max(1, Integer.getInteger("ssmc.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS - 1, pool -> {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setDaemon(true);
        t.setName("ssmc-kernel-" + t.getPoolIndex());
        return t;
    }, null, false) : null;
    /** Whether this thread is running a part of split work (then it does not split again). */
    private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

    private Parallel() {
    }

    /** A body run over a range of indices. */
    @FunctionalInterface
    public interface Range {
        void run(int from, int to);
    }

    /** How many threads kernels split their work between. */
    public static int threads() {
        return THREADS;
    }

    /**
     * How many parts {@link #forRange} splits {@code n} indices in groups of {@code grain} and
     * {@code work} operations into, called from outside a part (a cost model's question).
     */
    public static int parts(int n, int grain, long work) {
        int groups = (n + grain - 1) / grain;
        return (int) Math.max(1, Math.min(Math.min(THREADS, groups), work / MIN_WORK));
    }

    /**
     * Whether {@link #forRange} with these arguments would split the work between threads. Callers
     * that must not allocate when it does not (streams: a capturing lambda is an object) call their
     * body directly otherwise.
     */
    public static boolean splits(int n, int grain, long work) {
        return parts(n, grain, work) > 1 && !INSIDE.get()[0];
    }

    /**
     * Runs {@code body} on the calling thread as if it were a part of split work, so the kernels it
     * calls do not split: what one thread does (calibration measures single-thread speeds).
     */
    public static void serially(Runnable body) {
        boolean[] inside = INSIDE.get();
        boolean was = inside[0];
        inside[0] = true;
        try {
            body.run();
        } finally {
            inside[0] = was;
        }
    }

    /**
     * Runs {@code body} over {@code [0, n)}, split into at most {@link #threads()} contiguous parts
     * whose bounds are multiples of {@code grain} (so vector kernels keep whole groups), when the
     * whole is at least {@link #MIN_WORK} operations ({@code work}, an estimate). Returns when every
     * part has run; an exception in a part is rethrown.
     */
    public static void forRange(int n, int grain, long work, Range body) {
        int groups = (n + grain - 1) / grain;
        int parts = parts(n, grain, work);
        boolean[] inside = INSIDE.get();
        if (parts <= 1 || inside[0]) {
            body.run(0, n);
            return;
        }
        int per = (groups + parts - 1) / parts * grain;
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[parts - 1];
        for (int p = 1; p < parts; p++) {
            int from = Math.min(n, p * per);
            int to = Math.min(n, (p + 1) * per);
            tasks[p - 1] = POOL.submit(() -> {
                boolean[] mine = INSIDE.get();
                mine[0] = true;
                try {
                    body.run(from, to);
                } finally {
                    mine[0] = false;
                }
            });
        }
        inside[0] = true;
        try {
            body.run(0, Math.min(n, per));
        } finally {
            inside[0] = false;
            for (ForkJoinTask<?> t : tasks) {
                t.join();
            }
        }
    }
}
