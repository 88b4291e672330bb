package dev.ssmc.compiler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The single-shot harness's counting and statistics (not its clock). */
class SingleShotTest {
    @Test
    void warmsUpThenTimesTheRunsAskedForWhenNoTimeIsSet() {
        AtomicInteger calls = new AtomicInteger();
        SingleShot.Result r = SingleShot.measure(() -> new float[calls.incrementAndGet()],
                new SingleShot.Settings(3, 0, 4, 0));
        assertEquals(3, r.warmupRuns());
        assertEquals(4, r.runs());
        assertEquals(7, calls.get());
        double[] t = r.timedMillis();
        for (int i = 1; i < t.length; i++) {
            assertTrue(t[i - 1] <= t[i], "sorted");
        }
        assertEquals((t[1] + t[2]) / 2, r.medianMillis());
        assertEquals(t[0], r.minMillis());
        assertEquals(t[3], r.maxMillis());
        assertTrue(r.peakHeapMb() > 0);
        assertEquals(4, r.cpuMillis().length);
    }

    @Test
    void theMedianOfAnOddCountIsTheMiddleRun() {
        SingleShot.Result r = new SingleShot.Result(0, 0, new double[] {1, 2, 9}, new double[] {1, 1, 8}, 1, 1);
        assertEquals(2, r.medianMillis());
        assertEquals(1, r.medianCpuMillis());
        assertTrue(Double.isNaN(new SingleShot.Result(0, 0, new double[] {1}, new double[0], 1, 1).medianCpuMillis()));
    }

    @Test
    void settingsRejectNoTimedRun() {
        assertThrows(IllegalArgumentException.class, () -> new SingleShot.Settings(0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SingleShot.Settings(-1, 0, 1, 0));
    }
}
