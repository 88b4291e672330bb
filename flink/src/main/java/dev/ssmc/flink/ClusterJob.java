package dev.ssmc.flink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.PrintSink;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The job as {@code flink run} submits it to a cluster (the job jar's main class): the network's
 * {@code .ssm} file and checkpoint are read here, on the client, and travel inside the job, so the
 * task managers need neither file. The input is the synthetic streams paced to real time and the
 * outputs are printed to the task managers' logs; a deployment replaces both with Kafka (the
 * docs/flink.md shows how), keeping the keyed network operator and its state as they are.
 */
@Command(name = "ssmc-flink-job", mixinStandardHelpOptions = true,
        description = "Run a network over synthetic audio streams on the Flink cluster this is submitted to.")
public final class ClusterJob implements Callable<Integer> {
    @Option(names = "--ssm", required = true, paramLabel = "FILE", description = "The .ssm file.")
    Path ssm;

    @Mixin
    StreamOptions options;

    @Option(names = "--checkpoint-interval", paramLabel = "MS", description = "Milliseconds between checkpoints (default: ${DEFAULT-VALUE}).")
    long checkpointMillis = 10_000;

    @Option(names = "--as-fast-as-possible", description = "Do not pace the streams to real time.")
    boolean unpaced;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (options.problem() != null) {
            throw new CommandLine.ParameterException(new CommandLine(this), options.problem());
        }
        NetworkSpec spec = NetworkSpec.read(ssm, options.network, options.checkpoint);
        NetworkSpec.Loaded net = spec.load(); // checks the source and the checkpoint before anything is submitted
        SyntheticStreams input = options.input(net, null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamJob.Settings settings = new StreamJob.Settings(spec, env.getParallelism(), Duration.ofMillis(checkpointMillis),
                -1, UUID.randomUUID().toString());
        env.setMaxParallelism(StreamJob.MAX_PARALLELISM);
        env.enableCheckpointing(checkpointMillis, org.apache.flink.core.execution.CheckpointingMode.EXACTLY_ONCE);
        double perSecond = unpaced ? 0 : input.streams() * 1000.0 / options.chunkMillis;
        StreamJob.build(env, settings, StreamJob.source(input, perSecond), new PrintSink<>());
        env.execute("ssmc " + net.name() + " over " + input.streams() + " streams");
        return 0;
    }
}
