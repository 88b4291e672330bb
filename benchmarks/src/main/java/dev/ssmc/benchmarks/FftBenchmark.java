package dev.ssmc.benchmarks;

import dev.ssmc.runtime.fft.RealFft;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jtransforms.fft.FloatFFT_1D;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import pl.edu.icm.jlargearrays.ConcurrencyUtils;

/**
 * A real FFT forward and back (scaled inverse) of {@code rows} rows of {@code n} samples: our
 * {@link RealFft} (all rows in one call, split real/imaginary spectra, out of place) against
 * JTransforms' {@code FloatFFT_1D} (one row at a time, in place on a copy of the row, its packed
 * spectrum). The sizes are ones the planner picks: powers of two, and 8232 = 2^3 * 3 * 7^3, the
 * fast size (factors 2, 3, 5, 7) just above 2 * 4116 - 1 that an FFT convolution over 4116
 * samples uses; JTransforms has no radix 7 and takes Bluestein's algorithm there. JTransforms
 * runs on {@code jtThreads} threads (default 1, as ours: the runtime is single-threaded).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xss8m"})
public class FftBenchmark {
    @Param({"512", "2048", "8192", "8232", "32768"})
    int n;

    /** Rows per call: 1, or a batch of channels as the planner transforms them. */
    @Param({"1", "16"})
    int rows;

    @Param({"1"})
    int jtThreads;

    private float[] x;
    private float[] y;
    private float[] re;
    private float[] im;
    private float[] work;
    private RealFft ours;
    private FloatFFT_1D theirs;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(1);
        x = new float[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        y = new float[rows * n];
        ours = RealFft.forSize(n);
        re = new float[rows * ours.bins()];
        im = new float[rows * ours.bins()];
        ConcurrencyUtils.setNumberOfThreads(jtThreads);
        theirs = new FloatFFT_1D(n);
        work = new float[rows * n];
    }

    @Benchmark
    public float[] ssmcRealFft() {
        ours.forward(x, 0, n, n, re, im, 0, ours.bins(), rows);
        ours.inverse(re, im, 0, ours.bins(), y, 0, n, n, rows);
        return y;
    }

    @Benchmark
    public float[] jtransforms() {
        System.arraycopy(x, 0, work, 0, work.length);
        for (int r = 0; r < rows; r++) {
            theirs.realForward(work, r * n);
            theirs.realInverse(work, r * n, true);
        }
        return work;
    }
}
