package dev.ssmc.runtime.plan;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The intermediates of one call of generated code: arrays lent for the call and taken back when
 * it ends, so that the next call of the same shapes finds them again instead of allocating (and
 * the collector clearing) a few hundred megabytes per training pass. A call that returns an array
 * {@link #detach}es it first; the caller owns it from then on, as if it were new.
 *
 * <p>Lent arrays hold whatever the last call left in them: every step that takes one overwrites
 * all of it (contractions, transforms and layout maps do). One thread uses a workspace at a time;
 * {@link WorkspacePool} hands them out.
 */
public final class Workspace {
    /** Free arrays by length, the most recently used lengths last (evicted first: the oldest). */
    private final LinkedHashMap<Integer, ArrayDeque<float[]>> free = new LinkedHashMap<>(16, 0.75f, true);
    private final IdentityHashMap<float[], Boolean> lent = new IdentityHashMap<>();
    private final long budget;
    private final LongAdder allocated;
    private long freeFloats;

    /**
     * @param budget the floats kept between calls at most; the least recently used lengths go first
     * @param allocated counts the floats of the arrays this workspace allocated for intermediates
     */
    Workspace(long budget, LongAdder allocated) {
        this.budget = budget;
        this.allocated = allocated;
    }

    /** An array of {@code n} floats, of unspecified contents, lent until the call ends. */
    public float[] floats(int n) {
        ArrayDeque<float[]> q = free.get(n);
        float[] a = q == null ? null : q.pollLast();
        if (a == null) {
            a = new float[n];
            allocated.add(n);
        } else {
            freeFloats -= n;
        }
        lent.put(a, Boolean.TRUE);
        return a;
    }

    /** {@link #floats} from {@code ws}, or a new array when there is no workspace. */
    public static float[] floats(Workspace ws, int n) {
        return ws == null ? new float[n] : ws.floats(n);
    }

    /** Gives {@code a} up: it leaves with the call's result and is never lent again. Any array. */
    public float[] detach(float[] a) {
        if (lent.remove(a) != null) {
            allocated.add(-a.length); // a result, allocated for the caller, not for reuse
        }
        return a;
    }

    /** Takes every lent array back and drops the least recently used lengths beyond the budget. */
    void reclaim() {
        for (float[] a : lent.keySet()) {
            free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).addLast(a);
            freeFloats += a.length;
        }
        lent.clear();
        Iterator<Map.Entry<Integer, ArrayDeque<float[]>>> it = free.entrySet().iterator();
        while (freeFloats > budget && it.hasNext()) {
            Map.Entry<Integer, ArrayDeque<float[]>> e = it.next();
            freeFloats -= (long) e.getKey() * e.getValue().size();
            it.remove();
        }
    }

    /** The floats kept for the next call. */
    long keptFloats() {
        return freeFloats;
    }

    /** The arrays lent and not yet taken back (tests). */
    List<float[]> lent() {
        return new ArrayList<>(lent.keySet());
    }
}
