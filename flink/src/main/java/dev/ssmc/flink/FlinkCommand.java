package dev.ssmc.flink;

import dev.ssmc.compiler.cli.UserError;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.Wav;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ssmc flink FILE --checkpoint C --streams N --parallelism P}: the keyed network job on a local MiniCluster, checked. */
@Command(name = "flink", mixinStandardHelpOptions = true,
        description = "Run a network as a keyed Flink job on a local MiniCluster: N synthetic (or WAV-backed) audio streams, "
                + "one network stream per key with its state in Flink's keyed state, exactly-once checkpoints, one "
                + "injected failure (unless --no-failure); then check every stream's outputs against a local stream "
                + "of the network and print throughput, state size and "
                + "`streams=N outputs_equal=N restored=R duplicates=0`.")
public final class FlinkCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The .ssm file.")
    Path file;

    @Mixin
    StreamOptions options;

    @Option(names = "--parallelism", paramLabel = "P", description = "Subtasks of every operator (default: ${DEFAULT-VALUE}).")
    int parallelism = 2;

    @Option(names = "--wav", paramLabel = "FILE", description = "Stream this WAV file's samples (each stream from another offset) instead of synthetic audio.")
    Path wav;

    @Option(names = "--no-failure", description = "Do not inject the failure.")
    boolean noFailure;

    @Option(names = "--checkpoint-interval", paramLabel = "MS", description = "Milliseconds between checkpoints (default: ${DEFAULT-VALUE}).")
    long checkpointMillis = 500;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (options.problem() != null) {
            throw new UserError(options.problem());
        }
        if (parallelism < 1 || checkpointMillis < 10) {
            throw new UserError("--parallelism must be positive, --checkpoint-interval at least 10");
        }
        if (parallelism > StreamJob.MAX_PARALLELISM) {
            throw new UserError("--parallelism is at most " + StreamJob.MAX_PARALLELISM);
        }
        PrintWriter w = spec.commandLine().getOut();
        long compileStart = System.nanoTime();
        NetworkSpec networkSpec = read();
        NetworkSpec.Loaded net = networkSpec.load();
        double compileSeconds = (System.nanoTime() - compileStart) / 1e9;
        SyntheticStreams input = options.input(net, wavSamples(StreamOptions.rate(net)));
        String run = UUID.randomUUID().toString();
        long failAfter = noFailure ? -1 : Math.max(1, input.count() / (2L * parallelism)); // halfway through subtask 0's share
        StreamJob.Settings settings = new StreamJob.Settings(networkSpec, parallelism, Duration.ofMillis(checkpointMillis),
                failAfter, run);
        int stateBytes = stateBytes(net, input);

        w.printf(Locale.ROOT, "%s: network %s compiled in %.1f s; %d streams of %.1f s of %s audio in chunks of %d to %d "
                        + "samples (%,d records), parallelism %d, checkpoints every %d ms, %s%n",
                file, net.name(), compileSeconds, input.streams(), input.seconds() / input.streams(),
                wav == null ? "synthetic" : "WAV", input.minChunk(), input.maxChunk(), input.count(), parallelism,
                checkpointMillis,
                noFailure ? "no failure injected" : "one failure injected after " + failAfter + " outputs of subtask 0");
        w.flush();
        Path dir = Files.createTempDirectory("ssmc-flink");
        double jobSeconds;
        try {
            jobSeconds = runJob(settings, input, dir, run);
        } finally {
            deleteTree(dir);
        }
        double audio = input.seconds();
        OutputCheck check = OutputCheck.of(input, net, CollectingSink.committed(run).outputs());
        CollectingSink.forget(run);
        w.printf(Locale.ROOT, "job: %.1f s of audio in %.1f s%s: %.1f real-time streams sustained%n", audio, jobSeconds,
                noFailure ? "" : FailOnce.failed(run) ? " (with the failure and the restart)" : " (the failure was not reached)",
                audio / jobSeconds);
        w.printf(Locale.ROOT, "state: %,d bytes per stream (the stream's snapshot in keyed state, plus its next sequence number)%n",
                stateBytes);
        if (check.lost() > 0) {
            w.printf("lost=%d%n", check.lost());
        }
        check.problems().forEach(p -> w.println("  " + p));
        w.println(check.summary());
        w.flush();
        return check.passed() ? 0 : 1;
    }

    private NetworkSpec read() {
        try {
            return NetworkSpec.read(file, options.network, options.checkpoint);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(e.getFile() + ": no such file");
        } catch (IOException e) {
            throw new UserError("cannot read " + e.getMessage());
        }
    }

    private float[] wavSamples(int rate) {
        if (wav == null) {
            return null;
        }
        Audio a;
        try {
            a = Wav.read(wav);
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
        if (a.sampleRate() != rate) {
            throw new UserError(wav + ": sampled at " + a.sampleRate() + " Hz, but the network takes " + rate + " Hz");
        }
        if (a.frames() == 0) {
            throw new UserError(wav + ": no samples");
        }
        return a.channels()[0];
    }

    /** A stream's snapshot after a whole stream of input: what each key keeps in Flink. */
    private static int stateBytes(NetworkSpec.Loaded net, SyntheticStreams input) {
        ChunkRunner r = new ChunkRunner(net.streams().newStream(), net.labels());
        for (int seq = 0; seq < input.chunks(); seq++) {
            r.run("", seq, input.chunk(0, seq).samples(), false);
        }
        return r.stream().snapshot().length + Long.BYTES;
    }

    /** Runs the job on a MiniCluster of {@code parallelism} slots; its wall time in seconds. */
    private double runJob(StreamJob.Settings settings, SyntheticStreams input, Path dir, String run) throws Exception {
        Configuration conf = StreamJob.configuration(settings, dir.resolve("checkpoints").toUri().toString());
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
        conf.set(RestOptions.BIND_PORT, "0"); // no fixed port: another run or service may hold 8081
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(parallelism).build());
        cluster.start();
        try {
            StreamExecutionEnvironment env = StreamJob.environment(settings, conf);
            StreamJob.build(env, settings, StreamJob.source(input, 0), new CollectingSink(run));
            long start = System.nanoTime();
            try {
                StreamJob.awaitSuccess(cluster, StreamJob.submit(cluster, env, null));
            } catch (IllegalStateException e) {
                throw new UserError(e.getMessage());
            }
            double wall = (System.nanoTime() - start) / 1e9;
            return wall;
        } finally {
            cluster.close();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
