package dev.ssmc.compiler.bench;

import dev.ssmc.runtime.kernels.FmaPeak;
import dev.ssmc.runtime.kernels.KernelMeter;
import dev.ssmc.runtime.kernels.Parallel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where a pass's time goes, kernel by kernel, and how close each kernel runs to the machine's
 * peak: a few more runs of a warmed-up workload with {@link KernelMeter} on, against the FMA peak
 * measured on as many threads as the kernels use ({@link FmaPeak}).
 */
public final class KernelShares {
    private KernelShares() {
    }

    /**
     * Runs {@code work} {@code runs} times metered and returns {@code key=value} lines: per kind of
     * kernel (most time first) its share of the runs' wall-clock time, ms per run, GFLOP/s and
     * percent of peak; then what no metered kernel took ({@code kernel_other}), and the peak.
     *
     * @throws IllegalStateException when the meter is off ({@code -Dssmc.meter=true} was not set in time)
     */
    public static List<String> measure(Supplier<?> work, int runs) {
        if (!KernelMeter.ON) {
            throw new IllegalStateException("the kernels' meter is off: start the JVM with -Dssmc.meter=true");
        }
        KernelMeter.reset();
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            work.get();
        }
        double passNanos = System.nanoTime() - start;
        Map<String, KernelMeter.Totals> totals = KernelMeter.snapshot();
        double peak;
        try {
            peak = FmaPeak.flops(Parallel.threads(), 1.0);
        } catch (Exception e) {
            throw new IllegalStateException("measuring the FMA peak failed: " + e.getMessage(), e);
        }
        List<Map.Entry<String, KernelMeter.Totals>> kinds = new ArrayList<>(totals.entrySet());
        kinds.sort(Comparator.comparingLong((Map.Entry<String, KernelMeter.Totals> e) -> e.getValue().nanos()).reversed());
        List<String> lines = new ArrayList<>();
        long metered = 0;
        for (Map.Entry<String, KernelMeter.Totals> e : kinds) {
            KernelMeter.Totals t = e.getValue();
            metered += t.nanos();
            double flopsPerSecond = t.nanos() == 0 ? 0 : t.flops() / (t.nanos() / 1e9);
            lines.add(String.format(Locale.ROOT, "kernel_%s=%.1f%% of the pass, %.2f ms/run, %d calls/run%s", e.getKey(),
                    100 * t.nanos() / passNanos, t.nanos() / 1e6 / runs, t.calls() / runs,
                    t.flops() == 0 ? "" : String.format(Locale.ROOT, ", %.2f GFLOP/s, %.1f%% of peak",
                            flopsPerSecond / 1e9, 100 * flopsPerSecond / peak)));
        }
        lines.add(String.format(Locale.ROOT, "kernel_other=%.1f%% of the pass, %.2f ms/run",
                100 * (passNanos - metered) / passNanos, (passNanos - metered) / 1e6 / runs));
        lines.add(String.format(Locale.ROOT, "peak_gflops=%.1f (%d threads)", peak / 1e9, Parallel.threads()));
        return lines;
    }
}
