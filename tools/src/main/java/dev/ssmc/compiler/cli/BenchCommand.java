package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.bench.BenchPass;
import dev.ssmc.compiler.bench.BlockCase;
import dev.ssmc.compiler.bench.ConcurrentStreams;
import dev.ssmc.compiler.bench.GeneratedWorkload;
import dev.ssmc.compiler.bench.KernelShares;
import dev.ssmc.compiler.bench.PlanFidelity;
import dev.ssmc.compiler.bench.SingleShot;
import dev.ssmc.compiler.codegen.InMemoryCompiler;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.kernels.FmaPeak;
import dev.ssmc.runtime.kernels.KernelMeter;
import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.stream.StreamingNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ssmc bench}: measurements. At the top level, times generated code: one SSM block
 * ({@code --mode}) or a whole network ({@code FILE.ssm}); {@code ssmc bench plans} measures the planner.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Time generated code: one SSM block (--mode) or a whole network (FILE.ssm), planned for "
                + "exactly the shapes timed, generated, compiled in memory and initialized (init(seed)). "
                + "--pass forward: a full-sequence forward pass over the batch; train: the forward pass "
                + "keeping what backward needs, then the gradients of sum(y * g) for a random g; stream: "
                + "the whole length fed through one stream in chunks of --chunk samples.%n%nA block has its "
                + "activations off (norm none, postact identity): its contraction and, for dws, its "
                + "pointwise conv. Its sizes default to the mode's comparison case: 64 channels in and out "
                + "(16 for full), 16 states, 4 blocks for s5 and neck, batch 8 (stream: 1), length 4096. A "
                + "network's batch, length and chunk default to its plans (stream: batch 1).%n%nPrints a line "
                + "describing the case, then key=value lines: peak_heap_mb (the heap pools' peak over the "
                + "timed runs), alloc_mb_per_run, cpu_ms_median (the CPU time of all Java threads, "
                + "steadier on shared cores) and, last, ms_median: the median wall-clock time of the timed runs after the "
                + "warm-up.%n%n'ssmc bench plans' measures how well the planner picks instead.",
        subcommands = {BenchCommand.Plans.class, BenchCommand.Peak.class, BenchCommand.Streams.class, SoakCommand.class})
public final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "FILE", description = "A .ssm file: time its network (instead of --mode).")
    Path file;

    @Option(names = "--network", paramLabel = "NAME", description = "The network to time when FILE has several.")
    String networkName;

    @Option(names = "--mode", paramLabel = "MODE", description = "Time one SSM block of this mode: dws, s5, neck or full.")
    String mode;

    @Option(names = "--pass", paramLabel = "PASS", description = "train, forward or stream.")
    String pass;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences per pass (default: 8, or the network's training batch; 1 to stream).")
    Integer batch;

    @Option(names = "--in", paramLabel = "C", description = "Block input channels (default: 64, 16 for full).")
    Integer in;

    @Option(names = "--out", paramLabel = "D", description = "Block output channels (default: --in).")
    Integer out;

    @Option(names = "--states", paramLabel = "N", description = "Block states, per block for s5 and neck (default: 16).")
    Integer states;

    @Option(names = "--blocks", paramLabel = "J", description = "State blocks of an s5 or neck block (default: 4; dws and full have 1).")
    Integer blocks;

    @Option(names = "--length", paramLabel = "L", description = "Samples per sequence (default: 4096, or the network's training length).")
    Integer length;

    @Option(names = "--chunk", paramLabel = "T", description = "Samples per streaming chunk; must divide --length (default: 1, or the network's planned chunk).")
    Integer chunk;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "Warm-up time, at least (default: ${DEFAULT-VALUE}).")
    double warmupSeconds = SingleShot.Settings.DEFAULT.warmupSeconds();

    @Option(names = "--warmup-runs", paramLabel = "N", description = "Warm-up runs, at least (default: ${DEFAULT-VALUE}).")
    int warmupRuns = SingleShot.Settings.DEFAULT.warmupRuns();

    @Option(names = "--runs", paramLabel = "N", description = "Timed runs, at least (default: ${DEFAULT-VALUE}).")
    int runs = SingleShot.Settings.DEFAULT.runs();

    @Option(names = "--time", paramLabel = "SECONDS", description = "The timed runs go on for at least this long (default: ${DEFAULT-VALUE}).")
    double seconds = SingleShot.Settings.DEFAULT.seconds();

    @Option(names = "--seed", description = "Seed of the initialization and the random inputs (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "A calibration profile (default: ~/.ssmc/profile.json or the shipped one).")
    Path profilePath;

    @Option(names = "--kernels", description = "After the timing, run --runs more passes with the kernels metered and print, "
            + "per kind of kernel, its share of the pass, its GFLOP/s and its percent of this machine's measured peak.")
    boolean kernels;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (kernels) {
            // before any kernel class loads: KernelMeter.ON is a constant read once
            if (!"detail".equals(System.getProperty("ssmc.meter"))) {
                System.setProperty("ssmc.meter", "true");
            }
            if (!KernelMeter.ON) {
                throw new UserError("--kernels: the kernels were loaded before their meter could be switched on;"
                        + " run with SSMC_JAVA_OPTS=-Dssmc.meter=true");
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        if (file == null && mode == null) {
            if (pass != null || batch != null || length != null || chunk != null) {
                throw new UserError("give --mode MODE (one SSM block) or a .ssm FILE to time");
            }
            spec.commandLine().usage(w);
            return 0;
        }
        if (file != null && mode != null) {
            throw new UserError("give either a .ssm FILE or --mode, not both");
        }
        if (pass == null) {
            throw new UserError("give --pass train, forward or stream");
        }
        BenchPass benchPass = BenchPass.parse(pass);
        if (runs < 1 || warmupRuns < 0 || !(warmupSeconds >= 0) || !(seconds >= 0)) {
            throw new UserError("--runs must be at least 1; --warmup, --warmup-runs and --time not negative");
        }
        requireFinite(warmupSeconds, "--warmup");
        requireFinite(seconds, "--time");
        if (chunk != null && benchPass != BenchPass.STREAM) {
            throw new UserError("--chunk applies to --pass stream only");
        }
        Profile profile = Profiles.load(profilePath);
        String what;
        Network network;
        if (file != null) {
            if (in != null || out != null || states != null || blocks != null) {
                throw new UserError("--in, --out, --states and --blocks describe a block (--mode); a network's come from its file");
            }
            Frontend.Compilation c = NetworkChoice.compiled(file);
            network = network(c, benchPass);
            what = "network " + network.name() + " (" + file + ")";
        } else {
            BlockCase block = block();
            network = block.network(planning(benchPass, BlockCase.COMPARISON_BATCH, BlockCase.COMPARISON_LENGTH, 1));
            what = block.describe();
        }
        GeneratedWorkload.check(network, benchPass);
        Planning p = network.planning();
        requireMemory(network, benchPass, what);
        w.printf(Locale.ROOT, "bench %s; pass %s, batch %d, length %d%s%n", what, benchPass.spelling(), p.batch(),
                p.length(), benchPass == BenchPass.STREAM ? ", chunk " + p.chunk() : "");
        w.flush();
        SingleShot.Result r;
        List<String> kernelLines = List.of();
        try {
            GeneratedWorkload work = GeneratedWorkload.of(network, benchPass, profile, seed);
            r = SingleShot.measure(work::run, new SingleShot.Settings(warmupRuns, warmupSeconds, runs, seconds));
            if (kernels) {
                kernelLines = KernelShares.measure(work::run, runs);
            }
        } catch (OutOfMemoryError e) {
            throw new UserError(String.format(Locale.ROOT, "the pass needs more heap than the %.0f MB this JVM may use;"
                    + " give it more with SSMC_JAVA_OPTS=-Xmx...", Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0)));
        }
        w.printf(Locale.ROOT, "warmup_runs=%d%n", r.warmupRuns());
        w.printf(Locale.ROOT, "warmup_s=%.2f%n", r.warmupSeconds());
        w.printf(Locale.ROOT, "runs=%d%n", r.runs());
        w.printf(Locale.ROOT, "ms_min=%.3f%n", r.minMillis());
        w.printf(Locale.ROOT, "ms_max=%.3f%n", r.maxMillis());
        w.printf(Locale.ROOT, "peak_heap_mb=%.1f%n", r.peakHeapMb());
        w.printf(Locale.ROOT, "max_heap_mb=%.0f%n", Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));
        if (!Double.isNaN(r.allocMbPerRun())) {
            w.printf(Locale.ROOT, "alloc_mb_per_run=%.2f%n", r.allocMbPerRun());
        }
        if (!Double.isNaN(r.medianCpuMillis())) {
            w.printf(Locale.ROOT, "cpu_ms_median=%.3f%n", r.medianCpuMillis());
        }
        kernelLines.forEach(w::println);
        w.printf(Locale.ROOT, "ms_median=%.3f%n", r.medianMillis());
        w.flush();
        return 0;
    }

    /** What the timed pass holds at least, before the workload allocates it. */
    private static void requireMemory(Network network, BenchPass pass, String what) {
        Planning p = network.planning();
        long bytes = switch (pass) {
            case TRAIN -> MemoryNeeds.training(network, p.batch(), p.length());
            case FORWARD -> MemoryNeeds.forward(network, p.batch(), p.length());
            // the whole input is made up front, then fed a chunk at a time
            case STREAM -> MemoryNeeds.streams(network, p.batch()) + (long) Float.BYTES * p.batch() * p.length()
                    * network.inChannels();
        };
        MemoryNeeds.require(bytes, "timing " + what + " at batch " + p.batch() + " x length " + p.length(),
                "use a smaller --batch or --length");
    }

    /** Seconds of work: infinitely many would never end. */
    static void requireFinite(double seconds, String option) {
        if (!Double.isFinite(seconds)) {
            throw new UserError(option + " must be a finite number of seconds, not " + seconds);
        }
    }

    /** The block of --mode and the size options, defaults from the mode's comparison case. */
    private BlockCase block() {
        SsmMode m;
        try {
            m = SsmMode.parse(mode);
        } catch (InvalidInputException e) {
            throw new UserError("--mode: " + e.getMessage());
        }
        BlockCase d = BlockCase.comparison(m);
        int cin = in != null ? in : d.in();
        int cout = out != null ? out : in != null ? in : d.out();
        return new BlockCase(m, cin, cout, states != null ? states : d.states(), blocks != null ? blocks : d.blocks());
    }

    /** The shapes to plan and time for: the options, else the defaults; stream runs batch 1 unless told. */
    private Planning planning(BenchPass p, int defaultBatch, int defaultLength, int defaultChunk) {
        int b = batch != null ? batch : p == BenchPass.STREAM ? 1 : defaultBatch;
        return new Planning(b, length != null ? length : defaultLength, chunk != null ? chunk : defaultChunk);
    }

    /** FILE's network, re-planned for the shapes timed. */
    private Network network(Frontend.Compilation c, BenchPass p) {
        Network n = NetworkChoice.pick(c, file, networkName);
        Planning planned = n.planning();
        return new Network(n.name(), n.origin(), n.inChannels(), n.sampleRate(), n.body(), n.head(),
                planning(p, planned.batch(), planned.length(), planned.chunk()));
    }

    /** {@code ssmc bench plans}: how often the chosen plan is within 10% of the fastest measured candidate. */
    @Command(name = "plans", mixinStandardHelpOptions = true,
            description = "For shapes drawn from a grid (batch 1..32, channels 4..128, states 4..64, length "
                + "256..16384) of each mode, time every candidate plan of the training forward pass through "
                + "the plan executor (those the model predicts within 20x of its choice, at most --candidates per "
                + "shape) and report how often the chosen plan is within 10%% of the fastest measured one "
                + "(the fastest of --runs runs after a warm-up; the chosen plan and those that ran faster than it "
                + "run a second round and keep their faster one). --record keeps every time; --replay scores the "
                + "model (after a change, or with another --profile) against such a recording without timing.")
    public static final class Plans implements Callable<Integer> {
        @Option(names = "--shapes", paramLabel = "N", description = "Shapes per mode (default: ${DEFAULT-VALUE}).")
        int perMode = 12;

        @Option(names = "--seed", description = "Seed of the shape draw (default: ${DEFAULT-VALUE}).")
        long seed = 7;

        @Option(names = "--budget", paramLabel = "SECONDS", description = "Skip shapes whose chosen plan is predicted slower (default: ${DEFAULT-VALUE}).")
        double budget = 0.5;

        @Option(names = "--runs", description = "Timed runs per candidate, the fastest kept (default: ${DEFAULT-VALUE}).")
        int runs = 5;

        @Option(names = "--profile", paramLabel = "PROFILE", description = "A calibration profile (default: ~/.ssmc/profile.json or the shipped one).")
        Path profilePath;

        @Option(names = "--candidates", paramLabel = "N", description = "Candidates timed per shape at most (default: ${DEFAULT-VALUE}).")
        int maxTimed = PlanFidelity.MAX_TIMED;

        @Option(names = "--record", paramLabel = "FILE", description = "Also write every candidate's time to FILE (tab-separated), for --replay.")
        Path record;

        @Option(names = "--replay", paramLabel = "FILE", description = "Time nothing: score the model's choices against the times recorded in FILE.")
        Path replay;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (perMode < 1 || runs < 1 || maxTimed < 1 || !(budget > 0)) {
                throw new UserError("--shapes, --runs and --candidates must be at least 1 and --budget positive");
            }
            if (record != null && replay != null) {
                throw new UserError("--record and --replay do not go together: replaying times nothing");
            }
            if (record != null) {
                UserFiles.output(record, "--record");
            }
            if (replay != null) {
                UserFiles.input(replay, "--replay");
            }
            Profile profile = Profiles.load(profilePath);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-5s %5s %8s %6s %6s %5s  %-44s %10s  %-44s %10s %6s%n", "mode", "batch", "channels", "states",
                    "length", "timed", "chosen", "ms", "fastest", "ms", "ratio");
            out.flush();
            Consumer<PlanFidelity.Point> print = p -> {
                out.printf(Locale.ROOT, "%-5s %5d %8d %6d %6d %5d  %-44s %10.3f  %-44s %10.3f %6.2f%s%n",
                        p.mode().spelling(), p.batch(), p.channels(), p.states(), p.length(), p.timed(), p.chosen().shape(),
                        p.chosenSeconds() * 1e3, p.fastest(), p.fastestSeconds() * 1e3,
                        p.chosenSeconds() / p.fastestSeconds(), !p.measured() ? "  (chosen plan not recorded)"
                                : p.withinTenPercent() ? "" : "  *");
                out.flush();
            };
            List<PlanFidelity.Point> points;
            if (replay != null) {
                points = PlanFidelity.replay(readTimings(replay), profile);
                points.forEach(print);
            } else {
                points = measure(profile, print);
            }
            Map<SsmMode, int[]> counts = new EnumMap<>(SsmMode.class);
            int unmeasured = 0;
            for (PlanFidelity.Point p : points) {
                int[] c = counts.computeIfAbsent(p.mode(), m -> new int[2]);
                c[0] += p.withinTenPercent() ? 1 : 0;
                c[1]++;
                unmeasured += p.measured() ? 0 : 1;
            }
            int within = 0;
            for (Map.Entry<SsmMode, int[]> e : counts.entrySet()) {
                out.printf(Locale.ROOT, "%s: %d of %d shapes within 10%% of the fastest%n", e.getKey().spelling(),
                        e.getValue()[0], e.getValue()[1]);
                within += e.getValue()[0];
            }
            if (unmeasured > 0) {
                out.printf(Locale.ROOT, "%d chosen plans have no recorded time (counted as misses): record with more "
                        + "--candidates%n", unmeasured);
            }
            out.printf(Locale.ROOT, "overall: %d of %d shapes (%.0f%%) within 10%% of the fastest measured candidate%n",
                    within, points.size(), 100.0 * within / Math.max(1, points.size()));
            return 0;
        }

        private List<PlanFidelity.Point> measure(Profile profile, Consumer<PlanFidelity.Point> print) throws IOException {
            if (record == null) {
                return new PlanFidelity(profile, budget, runs, maxTimed, null).run(perMode, seed, print);
            }
            // written as it goes, not atomically: an interrupted run keeps what it measured
            try (PrintWriter w = new PrintWriter(newWriter(record))) {
                w.println(PlanFidelity.Timing.HEADER);
                // each time is written as it is measured, so an interrupted run keeps what it measured
                List<PlanFidelity.Point> points = new PlanFidelity(profile, budget, runs, maxTimed, t -> {
                    w.println(t.line());
                    w.flush();
                }).run(perMode, seed, print);
                if (w.checkError()) {
                    throw new UserError("could not write the timings to " + record);
                }
                return points;
            }
        }

        private static java.io.Writer newWriter(Path file) {
            try {
                return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw UserFiles.failure(file, e);
            }
        }

        private static List<PlanFidelity.Timing> readTimings(Path file) {
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw UserFiles.failure(file, e);
            }
            if (lines.isEmpty() || !lines.get(0).equals(PlanFidelity.Timing.HEADER)) {
                throw new UserError(file + ":1: not a recording of 'ssmc bench plans --record' (its first line names "
                        + "the fields: " + PlanFidelity.Timing.HEADER.replace('\t', ' ') + ")");
            }
            List<PlanFidelity.Timing> timings = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                timings.add(PlanFidelity.Timing.parse(lines.get(i), file + ":" + (i + 1)));
            }
            if (timings.isEmpty()) {
                throw new UserError(file + ": the recording has no timings");
            }
            return timings;
        }
    }

    /** {@code ssmc bench peak}: the machine's peak float32 FMA rate, the yardstick of kernel efficiency. */
    @Command(name = "peak", mixinStandardHelpOptions = true,
            description = "Measure this machine's peak float32 rate: a register-blocked loop of Vector API fused "
                + "multiply-adds (16 independent accumulators, no memory traffic), on one thread and on "
                + "--threads threads. Prints peak_gflops_1_thread and, last, peak_gflops.")
    public static final class Peak implements Callable<Integer> {
        /** More threads than this measure the scheduler, not the cores; a typo of 10^9 would exhaust the machine. */
        static final int MAX_THREADS = 1024;

        @Option(names = "--threads", paramLabel = "N", description = "Threads of the second measurement (default: the available processors).")
        int threads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--time", paramLabel = "SECONDS", description = "Seconds per measurement (default: ${DEFAULT-VALUE}).")
        double seconds = 2;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (threads < 1 || threads > MAX_THREADS || !(seconds > 0)) {
                throw new UserError("--threads must be from 1 to " + MAX_THREADS + " and --time positive");
            }
            requireFinite(seconds, "--time");
            if (!VectorSupport.available()) {
                throw new UserError("the Vector API is not available in this JVM (start it with --add-modules jdk.incubator.vector)");
            }
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "vector_lanes=%d%n", FmaPeak.lanes());
            out.printf(Locale.ROOT, "peak_gflops_1_thread=%.1f%n", FmaPeak.flops(1, seconds) / 1e9);
            out.printf(Locale.ROOT, "threads=%d%n", threads);
            out.printf(Locale.ROOT, "peak_gflops=%.1f%n", FmaPeak.flops(threads, seconds) / 1e9);
            return 0;
        }
    }

    /** {@code ssmc bench streams FILE}: the heap and time of many concurrent streams of one network. */
    @Command(name = "streams", mixinStandardHelpOptions = true,
            description = "Hold --count streams of the network in FILE at once (its generated newStream(), initialized "
                + "weights), each fed one chunk so that every buffer is sized, and report the heap they keep "
                + "(heap in use after a full collection while held, less the same once dropped) and the time "
                + "--threads threads, each feeding its own share of the streams, take to feed every stream one more "
                + "chunk. Prints streams_heap_mb, kb_per_stream, ms_per_round, realtime_streams_per_thread and "
                + "realtime_streams (all threads).")
    public static final class Streams implements Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "A .ssm file.")
        Path file;

        @Option(names = "--network", paramLabel = "NAME", description = "The network when FILE has several.")
        String networkName;

        @Option(names = "--count", paramLabel = "N", description = "Streams to hold (default: ${DEFAULT-VALUE}).")
        int count = 1000;

        @Option(names = "--chunk", paramLabel = "T", description = "Samples per chunk (default: the network's planned chunk).")
        Integer chunk;

        @Option(names = "--time", paramLabel = "SECONDS", description = "Seconds of timed rounds, at least (default: ${DEFAULT-VALUE}).")
        double seconds = 3;

        @Option(names = "--threads", paramLabel = "N", description = "Threads feeding the streams, each its own share "
                + "of them (default: ${DEFAULT-VALUE}).")
        int threads = 1;

        @Option(names = "--seed", description = "Seed of the weights and the input (default: ${DEFAULT-VALUE}).")
        long seed = 1;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (threads < 1) {
                throw new UserError("--threads must be at least 1");
            }
            Frontend.Compilation c = NetworkChoice.compiled(file);
            Network network = NetworkChoice.pick(c, file, networkName);
            int t = chunk != null ? chunk : network.planning().chunk();
            if (count < 1 || t < 1 || !(seconds >= 0)) {
                throw new UserError("--count and --chunk must be at least 1, --time not negative");
            }
            requireFinite(seconds, "--time");
            MemoryNeeds.require(MemoryNeeds.streams(network, count) + (long) Float.BYTES * t * network.inChannels(),
                    count + " streams of " + MemoryNeeds.describe(network), "use a smaller --count");
            if (network.sampleRate() <= 0) {
                throw new UserError("network " + network.name() + " has no sample rate (input ... @ 16 kHz), so real time is undefined");
            }
            Object instance = InMemoryCompiler.networkClass(network, Profiles.load(null), file.getFileName().toString())
                    .getMethod("init", long.class).invoke(null, seed);
            ConcurrentStreams.Result r = ConcurrentStreams.measure((StreamingNetwork) instance, count, t,
                    network.inChannels(), network.sampleRate(), seconds, seed, threads);
            PrintWriter out = spec.commandLine().getOut();
            out.printf(Locale.ROOT, "bench streams: %d streams of network %s (%s), chunks of %d samples (%.1f ms), "
                    + "%d thread%s%n", count, network.name(), file, t, 1000.0 * t / network.sampleRate(), r.threads(),
                    r.threads() == 1 ? "" : "s");
            out.printf(Locale.ROOT, "streams_heap_mb=%.2f%n", r.heapMb());
            out.printf(Locale.ROOT, "kb_per_stream=%.2f%n", r.kbPerStream());
            out.printf(Locale.ROOT, "ms_per_round=%.3f%n", r.msPerRound());
            out.printf(Locale.ROOT, "realtime_streams_per_thread=%.0f%n", r.realtimeStreamsPerThread());
            out.printf(Locale.ROOT, "realtime_streams=%.0f%n", r.realtimeStreams());
            out.flush();
            return 0;
        }
    }
}
