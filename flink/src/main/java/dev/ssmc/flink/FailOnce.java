package dev.ssmc.flink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;

/**
 * Failure injection: passes outputs through, and in its first subtask throws once, after
 * {@code after} records and at least one completed checkpoint (so that the restart has one to
 * restore). Once per {@code token} and JVM: after the restart it passes everything. What the
 * command's demonstration and the exactly-once test run between the network and the sink.
 */
public final class FailOnce extends RichMapFunction<ChunkOutput, ChunkOutput> implements CheckpointListener {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Boolean> FAILED = new ConcurrentHashMap<>();

    private final String token;
    private final long after;
    private transient long seen;
    private transient boolean checkpointed;
    private transient boolean armed;

    public FailOnce(String token, long after) {
        this.token = token;
        this.after = after;
    }

    /** Whether the failure of {@code token} happened. */
    public static boolean failed(String token) {
        return FAILED.containsKey(token);
    }

    @Override
    public void open(OpenContext context) {
        armed = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0 && !FAILED.containsKey(token);
    }

    @Override
    public ChunkOutput map(ChunkOutput value) {
        if (armed && ++seen >= after && checkpointed && FAILED.putIfAbsent(token, Boolean.TRUE) == null) {
            throw new InjectedFailure("injected failure after " + seen + " records (the job restarts from its last checkpoint)");
        }
        return value;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        checkpointed = true;
    }

    /** The injected failure, told apart from real ones in logs. */
    public static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }
}
