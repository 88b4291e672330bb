package dev.ssmc.runtime.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkspaceTest {
    @Test
    void theNextCallFindsTheArraysOfTheLast() {
        WorkspacePool pool = new WorkspacePool(1 << 20);
        Workspace ws = pool.acquire();
        float[] a = ws.floats(100);
        float[] b = ws.floats(100);
        float[] c = ws.floats(7);
        assertNotSame(a, b);
        pool.release(ws);
        assertEquals(207, pool.allocatedFloats());
        Workspace next = pool.acquire();
        assertSame(ws, next);
        float[] x = next.floats(100);
        float[] y = next.floats(100);
        float[] z = next.floats(7);
        assertTrue((x == a && y == b) || (x == b && y == a));
        assertSame(c, z);
        assertEquals(207, pool.allocatedFloats(), "nothing new");
        assertNotSame(a, next.floats(100), "a third array of 100 is new: two were lent");
        assertEquals(307, pool.allocatedFloats());
    }

    @Test
    void aDetachedArrayIsNeverLentAgain() {
        WorkspacePool pool = new WorkspacePool(1 << 20);
        Workspace ws = pool.acquire();
        float[] result = ws.detach(ws.floats(50));
        ws.detach(new float[3]); // not lent: nothing happens
        ws.floats(20);
        pool.release(ws);
        assertEquals(20, pool.allocatedFloats(), "a result given away is not an intermediate");
        Workspace next = pool.acquire();
        assertNotSame(result, next.floats(50));
        assertEquals(1, next.lent().size());
    }

    @Test
    void concurrentCallsNeverShareAWorkspace() {
        WorkspacePool pool = new WorkspacePool(1 << 20);
        Workspace first = pool.acquire();
        Workspace second = pool.acquire(); // while the first is out
        assertNotSame(first, second);
        pool.release(second);
        pool.release(first);
        assertSame(first, pool.acquire(), "the last given back is kept");
    }

    @Test
    void keepsNoMoreThanItsBudgetDroppingTheLeastRecentlyUsedLengths() {
        WorkspacePool pool = new WorkspacePool(250);
        Workspace ws = pool.acquire();
        ws.floats(100);
        pool.release(ws);
        ws = pool.acquire();
        ws.floats(120);
        pool.release(ws); // 100 and 120 kept
        assertEquals(220, ws.keptFloats());
        ws = pool.acquire();
        float[] again = ws.floats(120); // 120 is now the most recently used length
        ws.floats(90);
        pool.release(ws); // 310 > 250: the length used longest ago (100) goes
        assertEquals(210, ws.keptFloats());
        ws = pool.acquire();
        assertSame(again, ws.floats(120));
    }

    @Test
    void noWorkspaceMeansNewArrays() {
        assertArrayEquals(new float[4], Workspace.floats(null, 4));
    }

    @Test
    void theCacheKeepsCopiesAndRecyclesTheLastWeightsArrays() {
        PlanCache cache = new PlanCache();
        Object weights1 = new Object();
        assertNull(cache.get(weights1, 8, "k"));
        float[] lent = {1, 2, 3};
        float[][] v = cache.put(weights1, 8, "k", lent, null);
        assertSame(lent, v[0], "the caller goes on with its own array");
        lent[0] = 99; // the workspace lends it again: the cache is not affected
        float[] kept = cache.get(weights1, 8, "k")[0];
        assertArrayEquals(new float[] {1, 2, 3}, kept);

        Object weights2 = new Object();
        assertNull(cache.get(weights2, 8, "k"));
        cache.put(weights2, 8, "k", new float[] {4, 5, 6}, null);
        float[] recycled = cache.get(weights2, 8, "k")[0];
        assertSame(kept, recycled, "the new weights' value went into the old weights' array");
        assertArrayEquals(new float[] {4, 5, 6}, recycled);

        assertNull(cache.get(weights2, 16, "k"), "another length empties the cache");
        cache.put(weights2, 16, "k", new float[] {7, 8, 9}, null);
        float[] other = cache.get(weights2, 16, "k")[0];
        assertNotSame(recycled, other, "a length change does not recycle: another thread may still read the old value");
        assertArrayEquals(new float[] {4, 5, 6}, recycled);
    }
}
