package dev.ssmc.compiler.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Times a workload like JMH's single-shot mode: each run is one call, timed on its own. A warm-up
 * (at least {@link Settings#warmupRuns} runs and {@link Settings#warmupSeconds}) lets the JIT
 * compile what the workload uses; then at least {@link Settings#runs} timed runs, going on until
 * {@link Settings#seconds} have passed, and the median is the result.
 *
 * <p>Memory: before the timed runs the heap is collected and every heap pool's peak usage is
 * reset; the peak heap is the sum of the pools' peaks over the timed runs. With a generational
 * collector that includes garbage not yet collected (a young generation fills before it is
 * collected), so it is an upper bound of what the runs needed, set partly by the collector's
 * sizing. The bytes all threads allocated per run (HotSpot's per-thread counters summed over
 * the live threads, so the kernels' worker pool counts) tell what a pass allocates, independent
 * of the collector.
 *
 * <p>The CPU time of each run is recorded too, summed over the live Java threads (the caller, the
 * kernels' workers, the JIT; not the collector's native threads): on cores shared with other
 * processes it is far less disturbed than the wall-clock time, which includes time spent waiting
 * for a core.
 */
public final class SingleShot {
    private static final double MB = 1024.0 * 1024.0;
    /** Keeps results reachable, so the JIT cannot drop the work. */
    private static volatile Object sink;

    private SingleShot() {
    }

    /**
     * @param warmupRuns    warm-up runs, at least
     * @param warmupSeconds warm-up time, at least
     * @param runs          timed runs, at least
     * @param seconds       the timed runs go on until this much time has passed
     */
    public record Settings(int warmupRuns, double warmupSeconds, int runs, double seconds) {
        /** At least 5 runs and 2 s of warm-up, then at least 10 timed runs or 3 s. */
        public static final Settings DEFAULT = new Settings(5, 2, 10, 3);

        public Settings {
            if (warmupRuns < 0 || runs < 1 || !(warmupSeconds >= 0) || !(seconds >= 0)) {
                throw new IllegalArgumentException("warm-up runs and seconds must not be negative, timed runs at least 1");
            }
        }
    }

    /**
     * @param timedMillis     every timed run, in milliseconds, sorted
     * @param peakHeapMb      the heap pools' peak usage over the timed runs (MiB)
     * @param cpuMillis       the Java threads' CPU time of every timed run, in milliseconds, sorted;
     *                        empty when the JVM cannot measure it
     * @param allocMbPerRun   bytes all threads allocated per timed run (MiB); NaN when the JVM cannot count them
     */
    public record Result(int warmupRuns, double warmupSeconds, double[] timedMillis, double[] cpuMillis,
                         double peakHeapMb, double allocMbPerRun) {
        public double medianMillis() {
            return median(timedMillis);
        }

        /**
         * The median CPU time of the Java threads per run (NaN when not measured): less disturbed than
         * the wall-clock time when other processes share the cores; with the kernels' workers busy
         * it can exceed the wall-clock time.
         */
        public double medianCpuMillis() {
            return cpuMillis.length == 0 ? Double.NaN : median(cpuMillis);
        }

        private static double median(double[] sorted) {
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        public double minMillis() {
            return timedMillis[0];
        }

        public double maxMillis() {
            return timedMillis[timedMillis.length - 1];
        }

        public int runs() {
            return timedMillis.length;
        }
    }

    /** Warms up, then times {@code work}. */
    public static Result measure(Supplier<?> work, Settings settings) {
        long start = System.nanoTime();
        int warmups = 0;
        while (warmups < settings.warmupRuns() || System.nanoTime() - start < settings.warmupSeconds() * 1e9) {
            sink = work.get();
            warmups++;
        }
        double warmupSeconds = (System.nanoTime() - start) / 1e9;
        sink = null;

        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isValid()).toList();
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.ThreadMXBean counting = threads instanceof com.sun.management.ThreadMXBean t
                && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled() ? t : null;
        long allocatedBefore = allocatedBytes(counting);

        com.sun.management.ThreadMXBean timing = threads instanceof com.sun.management.ThreadMXBean t
                && t.isThreadCpuTimeSupported() && t.isThreadCpuTimeEnabled() ? t : null;
        boolean cpu = timing != null;
        double[] times = new double[Math.max(settings.runs(), 16)];
        double[] cpuTimes = new double[times.length];
        int n = 0;
        long timedStart = System.nanoTime();
        while (n < settings.runs() || System.nanoTime() - timedStart < settings.seconds() * 1e9) {
            long c0 = cpu ? cpuNanos(timing) : 0;
            long t0 = System.nanoTime();
            sink = work.get();
            long t1 = System.nanoTime();
            long c1 = cpu ? cpuNanos(timing) : 0;
            if (n == times.length) {
                times = Arrays.copyOf(times, 2 * n);
                cpuTimes = Arrays.copyOf(cpuTimes, 2 * n);
            }
            cpuTimes[n] = (c1 - c0) / 1e6;
            times[n++] = (t1 - t0) / 1e6;
            sink = null;
        }
        // the recording arrays are a few KiB at most, noise next to a pass
        double allocated = counting == null ? Double.NaN : allocatedBytes(counting) - allocatedBefore;
        long peak = 0;
        for (MemoryPoolMXBean p : heap) {
            peak += p.getPeakUsage().getUsed();
        }
        double[] timed = Arrays.copyOf(times, n);
        Arrays.sort(timed);
        double[] cpuTimed = cpu ? Arrays.copyOf(cpuTimes, n) : new double[0];
        Arrays.sort(cpuTimed);
        return new Result(warmups, warmupSeconds, timed, cpuTimed, peak / MB, allocated / n / MB);
    }

    /**
     * The CPU time the live Java threads have used so far, in nanoseconds: to the nanosecond, where
     * the process's own counter ticks in hundredths of a second on Linux.
     */
    private static long cpuNanos(com.sun.management.ThreadMXBean timing) {
        long sum = 0;
        for (long nanos : timing.getThreadCpuTime(timing.getAllThreadIds())) {
            sum += Math.max(0, nanos);
        }
        return sum;
    }

    /** The bytes the live threads have allocated so far (0 without a counter). */
    private static long allocatedBytes(com.sun.management.ThreadMXBean counting) {
        if (counting == null) {
            return 0;
        }
        long sum = 0;
        for (long bytes : counting.getThreadAllocatedBytes(counting.getAllThreadIds())) {
            sum += Math.max(0, bytes);
        }
        return sum;
    }
}
