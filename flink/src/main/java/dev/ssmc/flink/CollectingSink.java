package dev.ssmc.flink;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * An exactly-once sink into this JVM's memory, for a job on a local MiniCluster (the command's
 * demonstration and the tests): a two-phase commit as a transactional sink (Kafka's) does it.
 * The writer gathers outputs until a checkpoint, hands them over as one batch with a new id, and
 * the committer makes the batch visible in {@link #committed} once the checkpoint completed.
 * Outputs after the last completed checkpoint are thrown away with a failed attempt, and a batch
 * committed again after a restore (its checkpoint completed, the notification did not arrive) is
 * recognized by its id, so every output becomes visible exactly once.
 */
public final class CollectingSink implements Sink<ChunkOutput>, SupportsCommitter<CollectingSink.Batch> {
    private static final long serialVersionUID = 1L;
    private static final Map<String, Committed> RUNS = new ConcurrentHashMap<>();

    private final String run;

    /** A sink whose committed outputs are {@code committed(run)}. */
    public CollectingSink(String run) {
        this.run = run;
    }

    /** What the sinks of {@code run} committed so far. */
    public static Committed committed(String run) {
        return RUNS.computeIfAbsent(run, r -> new Committed());
    }

    /** Forgets a run's outputs. */
    public static void forget(String run) {
        RUNS.remove(run);
    }

    /** The committed outputs of one run, and the ids of the batches they came in. */
    public static final class Committed {
        private final Map<String, Boolean> batches = new ConcurrentHashMap<>();
        private final Queue<ChunkOutput> outputs = new ConcurrentLinkedQueue<>();

        void commit(Batch b) {
            if (batches.putIfAbsent(b.id(), Boolean.TRUE) == null) {
                outputs.addAll(b.outputs());
            }
        }

        public List<ChunkOutput> outputs() {
            return List.copyOf(outputs);
        }

        public int size() {
            return outputs.size();
        }
    }

    /** The outputs one writer gathered between two checkpoints. */
    public record Batch(String id, List<ChunkOutput> outputs) {
    }

    @Override
    public SinkWriter<ChunkOutput> createWriter(WriterInitContext context) {
        return new Writer();
    }

    @Override
    public Committer<Batch> createCommitter(CommitterInitContext context) {
        return new Committer<>() {
            @Override
            public void commit(Collection<CommitRequest<Batch>> requests) {
                Committed c = committed(run);
                for (CommitRequest<Batch> r : requests) {
                    c.commit(r.getCommittable());
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public SimpleVersionedSerializer<Batch> getCommittableSerializer() {
        return new BatchSerializer();
    }

    private static final class Writer implements CommittingSinkWriter<ChunkOutput, Batch> {
        private List<ChunkOutput> pending = new ArrayList<>();

        @Override
        public void write(ChunkOutput element, Context context) {
            pending.add(element);
        }

        @Override
        public void flush(boolean endOfInput) {
        }

        @Override
        public Collection<Batch> prepareCommit() {
            if (pending.isEmpty()) {
                return List.of();
            }
            Batch b = new Batch(UUID.randomUUID().toString(), List.copyOf(pending));
            pending = new ArrayList<>();
            return List.of(b);
        }

        @Override
        public void close() {
        }
    }

    /** Batches in checkpoints: the id, then each output's fields. */
    static final class BatchSerializer implements SimpleVersionedSerializer<Batch> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Batch b) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(b.id());
                out.writeInt(b.outputs().size());
                for (ChunkOutput o : b.outputs()) {
                    out.writeUTF(o.key());
                    out.writeLong(o.sequence());
                    out.writeUTF(o.label());
                    out.writeInt(o.values().length);
                    for (float v : o.values()) {
                        out.writeFloat(v);
                    }
                    out.writeBoolean(o.restored());
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public Batch deserialize(int version, byte[] serialized) throws IOException {
            if (version != 1) {
                throw new IOException("unknown batch version " + version);
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                String id = in.readUTF();
                int n = in.readInt();
                List<ChunkOutput> outputs = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String key = in.readUTF();
                    long seq = in.readLong();
                    String label = in.readUTF();
                    float[] values = new float[in.readInt()];
                    for (int k = 0; k < values.length; k++) {
                        values[k] = in.readFloat();
                    }
                    outputs.add(new ChunkOutput(key, seq, label, values, in.readBoolean()));
                }
                return new Batch(id, outputs);
            }
        }
    }
}
