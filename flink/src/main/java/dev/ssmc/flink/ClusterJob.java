package dev.ssmc.flink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.PrintSink;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The job as {@code flink run} submits it to a cluster (the job jar's main class): the network's
 * {@code .ssm} file and checkpoint are read here, on the client, and travel inside the job, so the
 * task managers need neither file. The input is the synthetic streams paced to real time and the
 * outputs are printed to the task managers' logs; a deployment replaces both with Kafka (the
 * README shows how), keeping the keyed network operator and its state as they are.
 */
@Command(name = "ssmc-flink-job", mixinStandardHelpOptions = true,
        description = "Run a network over synthetic audio streams on the Flink cluster this is submitted to.")
public final class ClusterJob implements Callable<Integer> {
    @Option(names = "--ssm", required = true, paramLabel = "FILE", description = "The .ssm file.")
    Path ssm;

    @Option(names = "--network", paramLabel = "NAME", description = "The network, when the file has several.")
    String network;

    @Option(names = "--checkpoint", required = true, paramLabel = "C", description = "The network's safetensors checkpoint.")
    Path checkpoint;

    @Option(names = "--streams", paramLabel = "N", description = "Audio streams (default: ${DEFAULT-VALUE}).")
    int streams = 64;

    @Option(names = "--seconds", paramLabel = "S", description = "Seconds of audio per stream (default: ${DEFAULT-VALUE}).")
    double seconds = 60;

    @Option(names = "--chunk-ms", paramLabel = "MS", description = "Mean chunk length (default: ${DEFAULT-VALUE}).")
    double chunkMillis = 100;

    @Option(names = "--checkpoint-interval", paramLabel = "MS", description = "Milliseconds between checkpoints (default: ${DEFAULT-VALUE}).")
    long checkpointMillis = 10_000;

    @Option(names = "--as-fast-as-possible", description = "Do not pace the streams to real time.")
    boolean unpaced;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ClusterJob()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        NetworkSpec spec = NetworkSpec.read(ssm, network, checkpoint);
        NetworkSpec.Loaded net = spec.load(); // checks the source and the checkpoint before anything is submitted
        int rate = net.sampleRate() > 0 ? net.sampleRate() : 16000;
        int mean = Math.max(2, (int) Math.round(chunkMillis * rate / 1000));
        int chunks = Math.max(1, (int) Math.ceil(seconds * rate / mean));
        SyntheticStreams input = new SyntheticStreams(streams, chunks, Math.max(1, mean / 2), mean * 3 / 2,
                net.inChannels(), rate, 1, null);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StreamJob.Settings settings = new StreamJob.Settings(spec, env.getParallelism(), Duration.ofMillis(checkpointMillis),
                -1, UUID.randomUUID().toString());
        env.setMaxParallelism(StreamJob.MAX_PARALLELISM);
        env.enableCheckpointing(checkpointMillis, org.apache.flink.core.execution.CheckpointingMode.EXACTLY_ONCE);
        double perSecond = unpaced ? 0 : streams * 1000.0 / chunkMillis;
        StreamJob.build(env, settings, StreamJob.source(input, perSecond), new PrintSink<>());
        env.execute("ssmc " + net.name() + " over " + streams + " streams");
        return 0;
    }
}
