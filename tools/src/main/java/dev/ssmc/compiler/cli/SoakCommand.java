package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.bench.Soak;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.oracle.Oracle;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.train.Networks;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.stream.StreamingNetwork;
import dev.ssmc.runtime.tensor.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ssmc bench soak FILE}: long and many streams of a network against the full sequence and each other. */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Soak the generated streams of the network in FILE: one stream fed --samples frames of a random "
                + "signal in random chunks (one frame up to --max-chunk), compared as it goes with the exact output "
                + "over the same signal (the oracle's, in double precision; the golden files' tolerance), with the heap "
                + "measured along the way; then "
                + "--streams streams, each its own signal of --stream-samples frames in its own random chunks, fed "
                + "round by round on --threads threads, each compared bit for bit with the same stream fed alone. "
                + "Last line: soak long_stream=equal|DIFFERENT many_streams=N/N heap_growth_mb=X; status 1 on a "
                + "difference.")
public final class SoakCommand implements Callable<Integer> {
    /** Frames of the full-sequence float32 pass compared with the exact output (longer needs gigabytes). */
    static final int PREFIX = 1 << 16;

    @Parameters(paramLabel = "FILE", description = "A .ssm file.")
    Path file;

    @Option(names = "--network", paramLabel = "NAME", description = "The network when FILE has several.")
    String networkName;

    @Option(names = "--checkpoint", paramLabel = "C", description = "Its weights (default: init(--seed)).")
    Path checkpoint;

    @Option(names = "--samples", paramLabel = "N",
            description = "Frames of the long stream (default: ${DEFAULT-VALUE}, 10 minutes at 16 kHz).")
    int samples = 10_000_000;

    @Option(names = "--max-chunk", paramLabel = "T",
            description = "Longest chunk (default: ${DEFAULT-VALUE}); a quarter of the chunks are one frame, half up to 300.")
    int maxChunk = 4096;

    @Option(names = "--streams", paramLabel = "S", description = "Concurrent streams (default: ${DEFAULT-VALUE}).")
    int streams = 1000;

    @Option(names = "--threads", paramLabel = "P", description = "Threads feeding them (default: ${DEFAULT-VALUE}).")
    int threads = 8;

    @Option(names = "--stream-samples", paramLabel = "N", description = "Frames per concurrent stream (default: ${DEFAULT-VALUE}).")
    int streamSamples = 16_000;

    @Option(names = "--seed", description = "Seed of the weights, signals and chunks (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (samples < 1 || maxChunk < 1 || streams < 0 || threads < 1 || streamSamples < 1) {
            throw new UserError("--samples, --max-chunk, --threads and --stream-samples must be at least 1, --streams at least 0");
        }
        Frontend.Compilation c = NetworkChoice.compiled(file);
        Network network = NetworkChoice.pick(c, file, networkName);
        int window = ShapeInference.infer(network).minimumLength();
        if (samples < window || streamSamples < window) {
            throw new UserError("--samples and --stream-samples must be at least one window of network " + network.name()
                    + "'s resampling (" + window + " samples)");
        }
        Trainable net = load(network);
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "soak: network %s (%s)%n", network.name(), file);
        out.flush();
        Oracle oracle = new Oracle(network, weights(network, net));
        double[] floor = Soak.fullSequenceFloor((StreamingNetwork) net, net.model(), oracle, Math.min(samples, PREFIX), seed);
        out.printf(Locale.ROOT, "full_sequence_prefix=%d%nfull_sequence_error=%.3e%nfull_sequence_relative_error=%.3e%n",
                Math.min(samples, PREFIX), floor[0], floor[0] / Math.max(floor[1], Double.MIN_NORMAL));
        out.flush();
        Soak.LongStream l = Soak.longStream((StreamingNetwork) net, oracle, samples, maxChunk, seed);
        out.printf(Locale.ROOT, "long_stream_samples=%d%nlong_stream_calls=%d%nlong_stream_outputs=%d%n", l.samples(),
                l.calls(), l.outputs());
        out.printf(Locale.ROOT, "long_stream_max_error=%.3e%nlong_stream_tolerance=%.3e%n", l.maxError(), l.tolerance());
        out.printf(Locale.ROOT, "long_stream_seconds=%.1f%nheap_first_mb=%.1f%nheap_max_mb=%.1f%n", l.streamSeconds(),
                l.heapFirstMb(), l.heapMaxMb());
        out.flush();
        Soak.ManyStreams m = streams == 0 ? new Soak.ManyStreams(0, threads, streamSamples, 0, 0)
                : Soak.manyStreams((StreamingNetwork) net, streams, threads, streamSamples, maxChunk, seed);
        out.printf(Locale.ROOT, "many_streams=%d%nmany_streams_threads=%d%nmany_streams_mismatched=%d%nmany_streams_seconds=%.1f%n",
                m.streams(), m.threads(), m.mismatched(), m.seconds());
        out.printf(Locale.ROOT, "soak long_stream=%s many_streams=%d/%d heap_growth_mb=%.1f%n",
                l.equal() ? "equal" : "DIFFERENT", m.streams() - m.mismatched(), m.streams(), l.heapMaxMb() - l.heapFirstMb());
        out.flush();
        return l.equal() && m.mismatched() == 0 ? 0 : 1;
    }

    /** The network's stored tensors as the oracle takes them. */
    private static Weights weights(Network network, Trainable net) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (ParamSpec p : network.parameters()) {
            tensors.put(p.key(), Tensor.of(net.parameters().get(p.key()), p.shape()));
        }
        return Weights.bind(network, tensors, "the network's parameters");
    }

    private Trainable load(Network network) throws IOException {
        String source = file.getFileName().toString();
        if (checkpoint == null) {
            return Networks.init(network, Profiles.load(null), source, seed);
        }
        try {
            return Networks.load(network, Profiles.load(null), source, checkpoint);
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }
}
