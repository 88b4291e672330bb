package dev.ssmc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Parallel}: every index once, in grain-aligned parts; no nested splitting; failures surface. */
class ParallelTest {
    @Test
    void everyIndexRunsOnceInGrainAlignedParts() {
        for (int n : new int[] {0, 1, 7, 16, 33, 1000, 4097}) {
            for (int grain : new int[] {1, 16}) {
                int[] hits = new int[n];
                List<int[]> parts = Collections.synchronizedList(new ArrayList<>());
                Parallel.forRange(n, grain, Long.MAX_VALUE, (from, to) -> {
                    parts.add(new int[] {from, to});
                    for (int i = from; i < to; i++) {
                        hits[i]++;
                    }
                });
                int[] once = new int[n];
                java.util.Arrays.fill(once, 1);
                assertArrayEquals(once, hits, "n=" + n + " grain=" + grain);
                assertTrue(parts.size() <= Math.max(1, Parallel.threads()), "parts " + parts.size());
                for (int[] p : parts) {
                    assertTrue(p[0] % grain == 0, "part starts at " + p[0] + " with grain " + grain);
                }
            }
        }
    }

    @Test
    void smallWorkAndNestedCallsStayOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        Parallel.forRange(1000, 1, 10, (from, to) -> {
            assertEquals(caller, Thread.currentThread());
            assertEquals(0, from);
            assertEquals(1000, to);
        });
        Parallel.forRange(64, 1, Long.MAX_VALUE, (from, to) -> {
            Thread outer = Thread.currentThread();
            Parallel.forRange(100, 1, Long.MAX_VALUE, (a, b) -> {
                assertEquals(outer, Thread.currentThread(), "a nested split left its thread");
                assertEquals(0, a);
                assertEquals(100, b);
            });
        });
    }

    @Test
    void partsSaysHowForRangeSplitsAndSeriallyKeepsOneThread() {
        for (int n : new int[] {0, 1, 7, 16, 33, 1000}) {
            for (long work : new long[] {10, Parallel.MIN_WORK, 3 * Parallel.MIN_WORK, Long.MAX_VALUE}) {
                List<int[]> parts = Collections.synchronizedList(new ArrayList<>());
                Parallel.forRange(n, 16, work, (from, to) -> parts.add(new int[] {from, to}));
                int expected = Parallel.parts(n, 16, work);
                assertTrue(expected >= 1 && expected <= Parallel.threads(), "parts " + expected);
                // forRange may leave a trailing part empty when the groups do not divide evenly; never more parts
                assertTrue(parts.size() <= expected, "n=" + n + " work=" + work + ": " + parts.size() + " > " + expected);
                // as many as there are threads, whole groups of 16, and MIN_WORK operations each
                long byWork = work / Parallel.MIN_WORK;
                assertEquals(Math.max(1, Math.min(Math.min(Parallel.threads(), (n + 15) / 16), byWork)), expected,
                        "n=" + n + " work=" + work);
            }
        }
        Thread caller = Thread.currentThread();
        Parallel.serially(() -> Parallel.forRange(1000, 1, Long.MAX_VALUE, (from, to) -> {
            assertEquals(caller, Thread.currentThread());
            assertEquals(0, from);
            assertEquals(1000, to);
        }));
        // and afterwards the caller splits again
        List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
        Parallel.forRange(1000, 1, Long.MAX_VALUE, (from, to) -> threads.add(Thread.currentThread()));
        assertEquals(Math.min(Parallel.threads(), 1000), threads.size());
    }

    @Test
    void aFailingPartFailsTheCall() {
        RuntimeException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(100, 1, Long.MAX_VALUE,
                (from, to) -> {
                    if (to == 100) {
                        throw new IllegalStateException("last part");
                    }
                }));
        assertTrue(e.getMessage().contains("last part") || e.getCause() != null);
    }

    @Test
    void splitKernelsEqualTheSerialOnes() {
        // a scan with many lanes and long enough to be split, against the scalar path
        Random rnd = new Random(3);
        int lanes = 200;
        int length = 3000;
        float[] aRe = new float[lanes];
        float[] aIm = new float[lanes];
        float[] v = new float[lanes * length];
        for (int s = 0; s < lanes; s++) {
            double r = 0.9 + 0.099 * rnd.nextDouble();
            double th = rnd.nextDouble() * Math.PI;
            aRe[s] = (float) (r * Math.cos(th) - 1); // the scan takes a - 1
            aIm[s] = (float) (r * Math.sin(th));
        }
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        float[] serialRe = new float[v.length];
        float[] splitRe = new float[v.length];
        Scan.scalar(lanes, length, aRe, aIm, v, null, 0, new float[lanes], new float[lanes], serialRe, null, 0, false);
        Scan.run(lanes, length, aRe, aIm, v, null, 0, new float[lanes], new float[lanes], splitRe, null, 0, false);
        for (int i = 0; i < v.length; i++) {
            assertEquals(serialRe[i], splitRe[i], 1e-3 * (1 + Math.abs(serialRe[i])), "element " + i);
        }
    }
}
