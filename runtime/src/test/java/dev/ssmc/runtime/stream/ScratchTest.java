package dev.ssmc.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The thread's scratch arrays: a stack of reused arrays, which streams share without seeing each other. */
class ScratchTest {
    @Test
    void levelsAreReusedInStackOrderAndGrowWhenAskedForMore() {
        Scratch s = Scratch.ofThread();
        int mark = s.depth();
        float[] a = s.take(10);
        float[] b = s.take(3);
        assertNotSame(a, b, "an inner call's array is not its caller's");
        assertTrue(a.length >= 10 && b.length >= 3);
        s.release(mark);
        assertSame(a, s.take(5), "a level keeps its array");
        float[] bigger = s.take(100);
        assertTrue(bigger.length >= 100);
        s.release(mark);
        s.take(1);
        assertSame(bigger, s.take(100), "and keeps the grown one");
        s.release(mark);
        assertSame(mark, s.depth());
    }

    /**
     * Streams of every node kind interleaved on one thread (each call finding the other's leftovers
     * in the scratch arrays) and moving between threads give the bits of a stream run alone.
     */
    @Test
    void streamsSharingScratchGiveTheBitsOfAStreamAlone() throws Exception {
        NoAllocationTest.Loop alone = new NoAllocationTest.Loop(null, 7);
        NoAllocationTest.Loop mover = new NoAllocationTest.Loop(null, 7);
        NoAllocationTest.Loop other = new NoAllocationTest.Loop(null, 7);
        NoAllocationTest.Loop bigger = new NoAllocationTest.Loop(null, 64); // other sizes between them
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            for (int i = 0; i < 60; i++) {
                alone.calls(1);
                bigger.calls(1);
                if (i % 3 == 0) {
                    thread.submit(() -> mover.calls(1)).get();
                } else {
                    mover.calls(1);
                }
                thread.submit(() -> other.calls(1)).get();
                assertArrayEquals(alone.out, mover.out, "call " + i);
                assertArrayEquals(alone.out, other.out, "call " + i);
                assertArrayEquals(alone.logits, mover.logits, "call " + i);
            }
        } finally {
            thread.shutdownNow();
        }
    }
}
