package dev.ssmc.flink;

import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The job: audio chunks keyed by stream, a network's stream per key ({@link KeyedNetworkFunction}),
 * outputs to a sink, with exactly-once checkpoints and a restart strategy. Operators have fixed
 * ids, so a savepoint restores into a job built again (at another parallelism too: the keys are
 * spread over {@link #MAX_PARALLELISM} key groups, which move between subtasks whole).
 */
public final class StreamJob {
    /** Key groups: the most subtasks the network operator can ever be rescaled to. */
    public static final int MAX_PARALLELISM = 128;

    private StreamJob() {
    }

    /**
     * @param failAfter inject one failure after this many outputs (see {@link FailOnce}), or a negative number for none
     * @param failToken what makes the injected failure happen once
     */
    public record Settings(NetworkSpec network, int parallelism, Duration checkpointInterval, long failAfter,
                           String failToken) {
    }

    /** The configuration the job runs with: exactly-once checkpoints every interval, three restarts. */
    public static Configuration configuration(Settings s, String checkpointDirectory) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        // an unthrottled source keeps the network's buffers full: aligned barriers would wait behind
        // them, checkpoints would complete seldom and a restart would redo much; unaligned ones overtake
        conf.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
        if (checkpointDirectory != null) {
            conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDirectory);
        }
        return conf;
    }

    /** An environment for the job, configured as {@link #configuration} says. */
    public static StreamExecutionEnvironment environment(Settings s, Configuration conf) {
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
        env.configure(conf);
        env.setParallelism(s.parallelism());
        env.setMaxParallelism(MAX_PARALLELISM);
        env.enableCheckpointing(s.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        return env;
    }

    /** A replayable source of the synthetic streams, at most {@code recordsPerSecond} records a second (0: as fast as it can). */
    public static Source<AudioChunk, ?, ?> source(SyntheticStreams input, double recordsPerSecond) {
        return new DataGeneratorSource<>(input, input.count(),
                recordsPerSecond > 0 ? RateLimiterStrategy.perSecond(recordsPerSecond) : RateLimiterStrategy.noOp(),
                TypeInformation.of(AudioChunk.class));
    }

    /** Source, keyed network, failure injection if asked for, sink. */
    public static void build(StreamExecutionEnvironment env, Settings s, Source<AudioChunk, ?, ?> source,
                             Sink<ChunkOutput> sink) {
        // one reader: the generator splits its records into contiguous ranges per reader, and readers
        // far apart in the streams would leave half of every stream's chunks waiting for their turn
        DataStream<AudioChunk> chunks = env.fromSource(source, WatermarkStrategy.noWatermarks(), "audio chunks")
                .setParallelism(1).uid("audio-chunks");
        SingleOutputStreamOperator<ChunkOutput> outputs = chunks.keyBy(AudioChunk::key)
                .process(new KeyedNetworkFunction(s.network()), TypeInformation.of(ChunkOutput.class))
                .uid("ssmc-network").name("ssmc " + s.network().sourceName());
        if (s.failAfter() >= 0) {
            outputs = outputs.map(new FailOnce(s.failToken(), s.failAfter())).uid("fail-once").name("fail once");
        }
        outputs.sinkTo(sink).uid("outputs").name("outputs");
    }

    /** Submits the job {@code env} holds to a local cluster, restored from {@code savepoint} unless it is null. */
    public static JobID submit(MiniCluster cluster, StreamExecutionEnvironment env, String savepoint) throws Exception {
        StreamGraph graph = env.getStreamGraph();
        if (savepoint != null) {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint));
        }
        return cluster.submitJob(graph).get().getJobID();
    }

    /**
     * Waits for a job to finish.
     *
     * @throws IllegalStateException with the job's failure when it failed (after its restarts)
     */
    public static void awaitSuccess(MiniCluster cluster, JobID id) throws Exception {
        JobResult result = cluster.requestJobResult(id).get();
        if (!result.isSuccess()) {
            Throwable cause = result.getSerializedThrowable().map(t -> (Throwable) t).orElse(null);
            throw new IllegalStateException("the job failed: " + (cause == null ? "unknown cause" : cause.getMessage()), cause);
        }
    }
}
