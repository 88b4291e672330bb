package dev.ssmc.compiler.plan;

import dev.ssmc.runtime.fft.RealFft;
import dev.ssmc.runtime.kernels.Contract;
import dev.ssmc.runtime.kernels.Gemm;
import dev.ssmc.runtime.kernels.Layout;
import dev.ssmc.runtime.kernels.Parallel;
import dev.ssmc.runtime.kernels.Scan;
import dev.ssmc.runtime.kernels.SsmKernels;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

/**
 * Measures this machine's speed for each kind of step with the runtime's own kernels, on shapes
 * like those of a training pass, counting work the way the cost model does, on one thread. Each
 * measurement repeats its kernel until it has run for a fixed time and keeps the best rate of a few
 * rounds.
 */
public final class Calibration {
    private final double secondsPerRound;

    public Calibration(double secondsPerRound) {
        this.secondsPerRound = secondsPerRound;
    }

    /** Measures every kind and returns the profile; {@code machine} describes where it ran. */
    public Profile measure(String machine) {
        Map<StepKind, Double> speeds = new EnumMap<>(StepKind.class);
        Random rnd = new Random(1);

        int m = 192;
        float[] a = random(rnd, m * m);
        float[] b = random(rnd, m * m);
        float[] c = new float[m * m];
        speeds.put(StepKind.GEMM, rate(2.0 * m * m * m, () -> Gemm.gemm(m, m, m, a, 0, m, b, 0, m, c, 0, m, false)));

        int n = 4096;
        int rows = 32;
        RealFft fft = RealFft.forSize(n);
        float[] x = random(rnd, rows * n);
        float[] re = new float[rows * (n / 2 + 1)];
        float[] im = new float[rows * (n / 2 + 1)];
        double fftWork = 2 * rows * 2.5 * n * (Math.log(n) / Math.log(2));
        speeds.put(StepKind.FFT, rate(fftWork, () -> {
            fft.forward(x, 0, n, n, re, im, 0, n / 2 + 1, rows);
            fft.inverse(re, im, 0, n / 2 + 1, x, 0, n, n, rows);
        }));

        int lanes = 256;
        int len = 1024;
        float[] aRe = new float[lanes];
        float[] aIm = new float[lanes];
        for (int s = 0; s < lanes; s++) {
            aRe[s] = 0.9f * (float) Math.cos(s);
            aIm[s] = 0.9f * (float) Math.sin(s);
        }
        float[] v = random(rnd, lanes * len);
        float[] out = new float[lanes * len];
        float[] xRe = new float[lanes];
        float[] xIm = new float[lanes];
        speeds.put(StepKind.SCAN, rate(Costing.SCAN_FLOPS * lanes * len,
                () -> Scan.runReal(lanes, len, aRe, aIm, v, null, 0, xRe, xIm, out, 0, false)));

        float[] zRe = new float[lanes];
        float[] zIm = new float[lanes];
        for (int s = 0; s < lanes; s++) {
            zRe[s] = -0.01f * (1 + s % 7);
            zIm[s] = 0.1f * s;
        }
        float[] kRe = new float[lanes * len];
        float[] kIm = new float[lanes * len];
        speeds.put(StepKind.KERNEL, rate(Costing.POWER_FLOPS * lanes * len,
                () -> SsmKernels.powersFromExponent(lanes, len, zRe, zIm, kRe, kIm)));

        // a complex Hadamard product of spectra, as the products in frequency without a summed index
        int bins = 2049;
        int k = 64;
        float[] pRe = random(rnd, k * bins);
        float[] pIm = random(rnd, k * bins);
        float[] qRe = random(rnd, k * bins);
        float[] qIm = random(rnd, k * bins);
        float[] oRe = new float[k * bins];
        float[] oIm = new float[k * bins];
        Map<Character, Integer> sizes = Map.of('a', k, 'k', bins);
        speeds.put(StepKind.ELEMENTWISE, rate(8.0 * k * bins,
                () -> Contract.pairwise("ak", pRe, pIm, "ak", qRe, qIm, "ak", oRe, oIm, ch -> sizes.get((char) ch))));

        int words = 8 << 20;
        float[] big = new float[words];
        float[] copy = new float[words];
        double bandwidth = rate(8.0 * words, () -> System.arraycopy(big, 0, copy, 0, words));

        // the moves around a scan: a [b, c, t] signal to time-major lanes over the kernel's states, the
        // scan's [t, b, c, n] result back to time last; on a long signal, whose lanes leave the cache
        // (the moves that cost are those of long signals: strided passes over memory, not over cache)
        Map<Character, Integer> lay = Map.of('b', 4, 'c', 16, 'n', 4, 't', 16384);
        float[] sig = random(rnd, 4 * 16 * 16384);
        float[] lanesIn = new float[sig.length * 4];
        float[] lanesOut = new float[sig.length * 4];
        speeds.put(StepKind.LAYOUT, rate(2.0 * lanesIn.length, () -> {
            Layout.map("bct", sig, "tbcn", lanesIn, ch -> lay.get((char) ch));
            Layout.map("tbcn", lanesIn, "bcnt", lanesOut, ch -> lay.get((char) ch));
        }));

        // one tiny step as the executor takes it: fresh arrays, a layout move and a contraction
        Map<Character, Integer> tiny = Map.of('i', 2, 'j', 2, 'k', 2);
        double callsPerSecond = rate(1, () -> {
            float[] t1 = Layout.map("ij", new float[] {1, 2, 3, 4}, "ji", ch -> tiny.get((char) ch));
            float[] t3 = new float[4];
            Contract.pairwise("ji", t1, null, "jk", t1, null, "ik", t3, null, ch -> tiny.get((char) ch));
        });
        return new Profile(speeds, bandwidth, 1 / callsPerSecond, 1 << 20, machine);
    }

    /**
     * Work units per second on one thread (kernels that split their work between threads do not,
     * here: the cost model shares a step's operations among the threads its kernel will use): the
     * best of five rounds of repeating {@code body}.
     */
    private double rate(double work, Runnable body) {
        double[] best = new double[1];
        Parallel.serially(() -> best[0] = serialRate(work, body));
        return best[0];
    }

    private double serialRate(double work, Runnable body) {
        for (int i = 0; i < 20; i++) {
            body.run(); // warm up the JIT
        }
        double best = 0;
        for (int round = 0; round < 5; round++) {
            long start = System.nanoTime();
            long deadline = start + (long) (secondsPerRound * 1e9);
            long reps = 0;
            long now;
            do {
                body.run();
                reps++;
                now = System.nanoTime();
            } while (now < deadline);
            best = Math.max(best, work * reps / ((now - start) / 1e9));
        }
        return best;
    }

    private static float[] random(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /** A one-line description of this machine: processors and JVM. */
    public static String describeMachine() {
        String cpu = System.getProperty("os.arch");
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: the architecture name will do
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + (dev.ssmc.runtime.kernels.VectorSupport.enabled()
                ? ", Vector API" : ", scalar kernels");
    }
}
