package dev.ssmc.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The keyed network job on Flink's MiniCluster (one task manager, 4 slots), with the trained
 * keyword spotter: 64 interleaved streams in random chunk sizes give every stream the outputs of
 * a local stream; a failure injected mid-run restarts the job from its last checkpoint and still
 * every output is there once and equal (the sink commits with checkpoints, and loss or duplicates
 * are counted by key and sequence number); and a job stopped with a savepoint at parallelism 2
 * and resumed at 4, its keys moving between subtasks, gives the same outputs.
 */
class KeyedNetworkJobTest {
    private static final int STREAMS = 64;

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(4).setConfiguration(clusterConfiguration()).build());

    private static NetworkSpec spec;
    private static NetworkSpec.Loaded net;

    @TempDir
    Path dir;

    private static Configuration clusterConfiguration() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        return conf;
    }

    @BeforeAll
    static void compile() throws Exception {
        Path examples = Files.isDirectory(Path.of("../examples")) ? Path.of("../examples") : Path.of("examples");
        spec = NetworkSpec.read(examples.resolve("kws/kws-trained.ssm"), null,
                examples.resolve("kws/kws-trained.safetensors"));
        net = spec.load(); // once for the JVM: the task manager's operators find it compiled
    }

    /** 64 streams of {@code chunks} chunks of 1 to 900 samples (up to 56 ms). */
    private static SyntheticStreams streams(int chunks, long seed) {
        return new SyntheticStreams(STREAMS, chunks, 1, 900, 1, 16000, seed, null);
    }

    private StreamExecutionEnvironment job(StreamJob.Settings s, SyntheticStreams input, double perSecond, String run) {
        Configuration conf = StreamJob.configuration(s, dir.resolve("checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamJob.environment(s, conf);
        StreamJob.build(env, s, StreamJob.source(input, perSecond), new CollectingSink(run));
        return env;
    }

    private static OutputCheck check(SyntheticStreams input, String run) {
        OutputCheck c = OutputCheck.of(input, net, CollectingSink.committed(run).outputs());
        CollectingSink.forget(run);
        assertEquals(0, c.lost(), "chunks without an output: " + c.problems());
        assertEquals(0, c.duplicates(), "outputs duplicated: " + c.problems());
        assertEquals(STREAMS, c.outputsEqual(), "streams whose outputs equal a local stream's: " + c.problems());
        return c;
    }

    @Test
    void interleavedStreamsInRandomChunksEqualLocalStreams(@InjectMiniCluster MiniCluster cluster) throws Exception {
        SyntheticStreams input = streams(12, 1);
        String run = UUID.randomUUID().toString();
        StreamJob.Settings s = new StreamJob.Settings(spec, 2, Duration.ofMillis(200), -1, run);
        StreamJob.awaitSuccess(cluster, StreamJob.submit(cluster, job(s, input, 0, run), null));
        OutputCheck c = check(input, run);
        assertEquals(0, c.restored(), "nothing was restored in a run without failures");
    }

    @Test
    void aFailureMidRunRestartsFromTheLastCheckpointWithEveryOutputOnce(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        SyntheticStreams input = streams(24, 2);
        String run = UUID.randomUUID().toString();
        // subtask 0 of the failure injector sees about half of the 1536 outputs; it throws at its 300th
        StreamJob.Settings s = new StreamJob.Settings(spec, 2, Duration.ofMillis(150), 300, run);
        StreamJob.awaitSuccess(cluster, StreamJob.submit(cluster, job(s, input, 600, run), null));
        assertTrue(FailOnce.failed(run), "the failure was injected");
        OutputCheck c = check(input, run);
        assertTrue(c.restored() > 0, "streams continued from the checkpoint's state: " + c.restored());
    }

    @Test
    void aSavepointAtParallelism2ResumesAtParallelism4(@InjectMiniCluster MiniCluster cluster) throws Exception {
        SyntheticStreams input = streams(24, 3);
        String run = UUID.randomUUID().toString();
        StreamJob.Settings two = new StreamJob.Settings(spec, 2, Duration.ofMillis(150), -1, run);
        JobID first = StreamJob.submit(cluster, job(two, input, 400, run), null);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (CollectingSink.committed(run).size() < input.count() / 4 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        int before = CollectingSink.committed(run).size();
        assertTrue(before > 0 && before < input.count(), "the job was stopped mid-run, after " + before + " outputs");
        String savepoint = cluster.stopWithSavepoint(first, dir.resolve("savepoints").toUri().toString(), false,
                SavepointFormatType.CANONICAL).get();
        StreamJob.awaitSuccess(cluster, first);

        StreamJob.Settings four = new StreamJob.Settings(spec, 4, Duration.ofMillis(150), -1, run);
        StreamJob.awaitSuccess(cluster, StreamJob.submit(cluster, job(four, input, 0, run), savepoint));
        OutputCheck c = check(input, run);
        assertTrue(c.restored() > 0, "streams continued from the savepoint's state: " + c.restored());
    }
}
