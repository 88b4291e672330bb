package dev.ssmc.runtime.kernels;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Time and floating-point operations per kernel, for "what share of a pass does each kernel take,
 * and at what fraction of the machine's peak does it run" ({@code ssmc bench --kernels}).
 *
 * <p>Off unless the JVM runs with {@code -Dssmc.meter=true} (or {@code detail}, which names every
 * contraction by its index strings, {@code ~} marking complex operands): {@link #ON} is a constant, so the JIT
 * drops every metering call when it is off. The kernels the generated code calls record
 * themselves, outermost call only (an FFT that permutes its input counts the permutation as FFT
 * time), so the kinds add up to at most the pass's time.
 *
 * <p>Operation counts are the conventional ones: a real multiply-add is 2, a complex
 * multiply-add 8 (4 when one side is real), a complex product 6, a real FFT of size n
 * {@code 2.5 n log2 n}.
 */
public final class KernelMeter {
    /** Whether kernels record themselves ({@code -Dssmc.meter=true}, or {@code detail}). */
    public static final boolean ON = Boolean.getBoolean("ssmc.meter") || detailed();
    /** Whether contractions record themselves by their index strings ({@code -Dssmc.meter=detail}). */
    public static final boolean DETAIL = detailed();

    /** Totals of one kind of kernel. */
    public record Totals(long calls, long nanos, double flops) {
        Totals plus(long nanos, double flops) {
            return new Totals(calls + 1, this.nanos + nanos, this.flops + flops);
        }
    }

    private static final Map<String, Totals> TOTALS = new TreeMap<>();
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private KernelMeter() {
    }

    private static boolean detailed() {
        return "detail".equals(System.getProperty("ssmc.meter"));
    }

    /** Marks a kernel's start; returns the time to give {@link #stop} (0 when metering is off). */
    public static long start() {
        if (!ON) {
            return 0;
        }
        DEPTH.get()[0]++;
        return System.nanoTime();
    }

    /** Records a kernel's call begun at {@code start} with {@code flops} operations, if outermost. */
    public static void stop(String kind, long start, double flops) {
        if (!ON) {
            return;
        }
        long nanos = System.nanoTime() - start;
        int[] depth = DEPTH.get();
        if (--depth[0] == 0) {
            synchronized (TOTALS) {
                TOTALS.merge(kind, new Totals(1, nanos, flops), (a, b) -> a.plus(b.nanos, b.flops));
            }
        }
    }

    /** The totals so far, by kind. */
    public static Map<String, Totals> snapshot() {
        synchronized (TOTALS) {
            return new LinkedHashMap<>(TOTALS);
        }
    }

    public static void reset() {
        synchronized (TOTALS) {
            TOTALS.clear();
        }
    }

    /** Operations of a real FFT (or its inverse) of size {@code n} over {@code rows} rows. */
    public static double fftFlops(int n, long rows) {
        return 2.5 * n * (Math.log(n) / Math.log(2)) * rows;
    }
}
