package dev.ssmc.runtime.plan;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The workspaces of one generated network: each call of a block's whole-sequence pass takes one
 * and gives it back, so in steady state (one training or inference call after another) its
 * intermediates reuse the arrays of the call before. Blocks share it: they run one after another,
 * and blocks of equal shapes need arrays of equal lengths. Thread-safe: a call on another thread
 * while the workspace is out gets a workspace of its own (allocating as before), so concurrent
 * calls never share an array.
 */
public final class WorkspacePool {
    /** What a workspace keeps between calls: an eighth of the heap, so reuse never crowds out the work. */
    static final long DEFAULT_BUDGET_FLOATS = Runtime.getRuntime().maxMemory() / 8 / Float.BYTES;

    private final AtomicReference<Workspace> idle = new AtomicReference<>();
    private final LongAdder allocated = new LongAdder();
    private final long budget;

    public WorkspacePool() {
        this(DEFAULT_BUDGET_FLOATS);
    }

    /** @param budget the floats a workspace keeps between calls at most */
    public WorkspacePool(long budget) {
        this.budget = budget;
    }

    /** A workspace for one call; give it back with {@link #release}, in a {@code finally}. */
    public Workspace acquire() {
        Workspace ws = idle.getAndSet(null);
        return ws != null ? ws : new Workspace(budget, allocated);
    }

    /**
     * The floats of the arrays this pool's workspaces allocated so far for intermediates (not the
     * results they gave away, which are new at every call): flat once the shapes were seen.
     */
    public long allocatedFloats() {
        return allocated.sum();
    }

    /** Takes back what {@code ws} lent and keeps it for the next call. */
    public void release(Workspace ws) {
        ws.reclaim();
        idle.set(ws);
    }
}
