package dev.ssmc.runtime.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's peak float32 rate through the Vector API: a register-blocked loop of fused
 * multiply-adds with no loads or stores (sixteen independent accumulators, enough to cover the
 * FMA latency on every current x86 and ARM core), on one thread and on several. It is the
 * yardstick kernels are measured against ("this kernel runs at X% of peak"), not a kernel.
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int ACCUMULATORS = 16;

    private FmaPeak() {
    }

    /** The vector width used, in floats. */
    public static int lanes() {
        return S.length();
    }

    /** Floating-point operations per second (an FMA counts two) summed over {@code threads} threads, each busy for about {@code seconds}. */
    public static double flops(int threads, double seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // warm up (compile the loop) on every thread, then time
            run(pool, threads, 0.2);
            return run(pool, threads, seconds);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double run(ExecutorService pool, int threads, double seconds) throws Exception {
        List<Future<double[]>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            results.add(pool.submit((Callable<double[]>) () -> spin(seconds)));
        }
        double total = 0;
        for (Future<double[]> f : results) {
            double[] r = f.get();
            total += r[0] / r[1];
        }
        return total;
    }

    /** {operations, seconds} of one thread's loop, run in rounds until {@code seconds} have passed. */
    private static double[] spin(double seconds) {
        long rounds = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        float sink = 0;
        long now;
        do {
            sink += block(1 << 16);
            rounds++;
            now = System.nanoTime();
        } while (now < end);
        if (sink == 42.4242f) {
            System.out.print(""); // keep the result alive
        }
        double ops = (double) rounds * (1 << 16) * ACCUMULATORS * S.length() * 2;
        return new double[] {ops, (now - start) * 1e-9};
    }

    private static float block(int iterations) {
        FloatVector x = FloatVector.broadcast(S, 0.999999f);
        FloatVector y = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 0.1f);
        FloatVector a1 = FloatVector.broadcast(S, 0.2f);
        FloatVector a2 = FloatVector.broadcast(S, 0.3f);
        FloatVector a3 = FloatVector.broadcast(S, 0.4f);
        FloatVector a4 = FloatVector.broadcast(S, 0.5f);
        FloatVector a5 = FloatVector.broadcast(S, 0.6f);
        FloatVector a6 = FloatVector.broadcast(S, 0.7f);
        FloatVector a7 = FloatVector.broadcast(S, 0.8f);
        FloatVector a8 = FloatVector.broadcast(S, 0.9f);
        FloatVector a9 = FloatVector.broadcast(S, 1.0f);
        FloatVector a10 = FloatVector.broadcast(S, 1.1f);
        FloatVector a11 = FloatVector.broadcast(S, 1.2f);
        FloatVector a12 = FloatVector.broadcast(S, 1.3f);
        FloatVector a13 = FloatVector.broadcast(S, 1.4f);
        FloatVector a14 = FloatVector.broadcast(S, 1.5f);
        FloatVector a15 = FloatVector.broadcast(S, 1.6f);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
            a12 = a12.fma(x, y);
            a13 = a13.fma(x, y);
            a14 = a14.fma(x, y);
            a15 = a15.fma(x, y);
        }
        FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7)
                .add(a8).add(a9).add(a10).add(a11).add(a12).add(a13).add(a14).add(a15);
        return s.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
