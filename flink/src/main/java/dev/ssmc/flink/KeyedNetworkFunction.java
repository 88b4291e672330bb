package dev.ssmc.flink;

import dev.ssmc.runtime.io.InvalidInputException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A generated network's stream per key (one key = one audio stream), its state in Flink's keyed
 * state, so that checkpoints and savepoints carry every stream and a restart or a rescaled job
 * continues each one exactly where it stood.
 *
 * <p>Per key, Flink keeps: the stream's {@link dev.ssmc.runtime.stream.NetworkStream#snapshot
 * snapshot} (SSM states, partial windows, the classifier's running sums, with the network's
 * fingerprint, so that a savepoint never continues on another checkpoint's weights), the next
 * sequence number it expects, the chunks that arrived ahead of it (they wait, ordered by
 * sequence number) and which operator instance last wrote the state. A chunk whose sequence
 * number was already run (a source that replays) is dropped. A chunk runs on one stream object
 * per operator instance: restored from the key's bytes, fed the chunk and every waiting chunk
 * that follows it, snapshotted back. So the state in Flink is the only state there is, and a
 * checkpoint needs nothing from the operator but what Flink already holds.
 *
 * <p>The network is compiled once per task manager ({@link NetworkSpec#load}).
 */
public final class KeyedNetworkFunction extends KeyedProcessFunction<String, AudioChunk, ChunkOutput> {
    private static final long serialVersionUID = 1L;

    private final NetworkSpec spec;
    private transient ChunkRunner runner;
    private transient ValueState<byte[]> streamState;
    private transient ValueState<Long> nextSequence;
    private transient ValueState<Long> writer;
    /** Chunks ahead of their turn, by sequence number, their samples as raw float bits (see {@link #bytes}). */
    private transient MapState<Long, byte[]> waiting;
    /** This operator instance: state written by another was restored from a checkpoint or savepoint. */
    private transient long incarnation;
    private transient Counter duplicates;

    public KeyedNetworkFunction(NetworkSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(OpenContext context) {
        NetworkSpec.Loaded net = spec.load();
        runner = new ChunkRunner(net.streams().newStream(), net.labels());
        streamState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("stream", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        nextSequence = getRuntimeContext().getState(new ValueStateDescriptor<>("next-sequence", Types.LONG));
        writer = getRuntimeContext().getState(new ValueStateDescriptor<>("writer", Types.LONG));
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting", Types.LONG,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        incarnation = ThreadLocalRandom.current().nextLong();
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicateChunksDropped");
    }

    @Override
    public void processElement(AudioChunk chunk, Context ctx, Collector<ChunkOutput> out) throws Exception {
        Long stored = nextSequence.value();
        long next = stored == null ? 0 : stored;
        long seq = chunk.sequence();
        if (seq < next || waiting.contains(seq)) {
            duplicates.inc();
            return;
        }
        if (seq > next) {
            waiting.put(seq, bytes(chunk.samples())); // ahead of its turn: it waits for the chunks before it
            return;
        }
        byte[] saved = streamState.value();
        Long lastWriter = writer.value();
        boolean restored = saved != null && (lastWriter == null || lastWriter != incarnation);
        if (saved == null) {
            runner.stream().reset();
        } else {
            try {
                runner.stream().restore(saved);
            } catch (InvalidInputException e) {
                throw new IllegalStateException("stream " + chunk.key() + " cannot continue from Flink's state: "
                        + e.getMessage(), e);
            }
        }
        out.collect(runner.run(chunk.key(), next++, chunk.samples(), restored));
        for (byte[] samples = waiting.get(next); samples != null; samples = waiting.get(next)) {
            waiting.remove(next);
            out.collect(runner.run(chunk.key(), next++, floats(samples), false));
        }
        streamState.update(runner.stream().snapshot());
        nextSequence.update(next);
        if (lastWriter == null || lastWriter != incarnation) {
            writer.update(incarnation);
        }
    }

    /**
     * Samples as bytes for the waiting chunks' state: Flink's serializer of a {@code float[]} reads a
     * restored checkpoint float by float (four reads of an unbuffered file each), a {@code byte[]}
     * in one read.
     */
    static byte[] bytes(float[] samples) {
        ByteBuffer b = ByteBuffer.allocate(4 * samples.length);
        b.asFloatBuffer().put(samples);
        return b.array();
    }

    static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(f);
        return f;
    }
}
