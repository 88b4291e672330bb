package dev.ssmc.flink;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that say which network runs and over what streams: shared by {@code ssmc flink} and the cluster job. */
public final class StreamOptions {
    @Option(names = "--network", paramLabel = "NAME", description = "The network to run when the file has several.")
    String network;

    @Option(names = "--checkpoint", required = true, paramLabel = "C", description = "A safetensors checkpoint with the reference's keys.")
    Path checkpoint;

    @Option(names = "--streams", paramLabel = "N", description = "Audio streams, one key each (default: ${DEFAULT-VALUE}).")
    int streams = 64;

    @Option(names = "--seconds", paramLabel = "S", description = "Seconds of audio per stream (default: ${DEFAULT-VALUE}).")
    double seconds = 10;

    @Option(names = "--chunk-ms", paramLabel = "MS", description = "Mean chunk length; chunks are 1/2 to 3/2 of it (default: ${DEFAULT-VALUE}).")
    double chunkMillis = 100;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the chunk sizes and synthetic audio (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    /** Whether the numbers are in range; a message saying which is not, else null. */
    String problem() {
        return streams < 1 || seconds <= 0 || chunkMillis <= 0 ? "--streams, --seconds and --chunk-ms must be positive" : null;
    }

    /** The streams these options ask for, at the network's rate (16 kHz when it states none), from {@code wav} if not null. */
    SyntheticStreams input(NetworkSpec.Loaded net, float[] wav) {
        int mean = Math.max(2, (int) Math.round(chunkMillis * rate(net) / 1000));
        int chunks = Math.max(1, (int) Math.ceil(seconds * rate(net) / mean));
        return new SyntheticStreams(streams, chunks, Math.max(1, mean / 2), mean * 3 / 2, net.inChannels(), rate(net),
                seed, wav);
    }

    static int rate(NetworkSpec.Loaded net) {
        return net.sampleRate() > 0 ? net.sampleRate() : 16000;
    }
}
