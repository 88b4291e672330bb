package dev.ssmc.compiler.bench;

import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Origin;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.plan.ContractionSpec;
import dev.ssmc.compiler.plan.Pass;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.plan.Search;
import dev.ssmc.compiler.plan.Specs;
import dev.ssmc.runtime.io.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * How well the cost model picks: for shapes drawn from a grid, every candidate plan of a block's
 * training forward pass that the model does not rule out is timed through the plan executor, and
 * the chosen plan's time is compared with the fastest measured one.
 *
 * <p>The timings can be recorded and a later model scored against them without timing anything
 * ({@link #replay}): a change to the cost model is judged in seconds, on the same measurements,
 * instead of in a run of many minutes whose noise moves the close calls.
 */
public final class PlanFidelity {
    public static final int[] BATCHES = {1, 2, 4, 8, 16, 32};
    public static final int[] CHANNELS = {4, 8, 16, 32, 64, 128};
    public static final int[] STATES = {4, 8, 16, 32, 64};
    public static final int[] LENGTHS = {256, 1024, 4096, 16384};

    /** Candidates predicted slower than this many times the best are not timed. */
    static final double PRUNE = 20;
    /** Seconds each candidate runs before it is timed. */
    static final double WARMUP_SECONDS = 0.1;
    /** Seconds each candidate of the small shapes runs before a run times anything. */
    static final double KERNEL_WARMUP_SECONDS = 0.05;
    /** By default at most this many candidates are timed per shape (the cheapest predicted first). */
    public static final int MAX_TIMED = 24;

    /**
     * One shape's outcome: the chosen plan, its time ({@code NaN} when a replay has no time for it)
     * and the fastest timed plan's shape and time.
     */
    public record Point(SsmMode mode, int batch, int channels, int states, int length, int timed,
                        Plan chosen, double chosenSeconds, String fastest, double fastestSeconds) {
        public boolean withinTenPercent() {
            return chosenSeconds <= 1.1 * fastestSeconds;
        }

        public boolean measured() {
            return !Double.isNaN(chosenSeconds);
        }
    }

    /** One candidate's measured time on one shape: a line of a recording. */
    public record Timing(SsmMode mode, int batch, int channels, int states, int length, String plan, double seconds) {
        /** The first line of a recording. */
        public static final String HEADER = "mode\tbatch\tchannels\tstates\tlength\tplan\tseconds";

        String shapeKey() {
            return mode.spelling() + " " + batch + " " + channels + " " + states + " " + length;
        }

        /** Tab-separated, as {@link #HEADER} names the fields. */
        public String line() {
            return String.join("\t", mode.spelling(), Integer.toString(batch), Integer.toString(channels),
                    Integer.toString(states), Integer.toString(length), plan, Double.toString(seconds));
        }

        /** A line of a recording; {@code where} (file:line) prefixes the message of an error. */
        public static Timing parse(String line, String where) {
            String[] f = line.split("\t");
            if (f.length != 7) {
                throw new InvalidInputException(where + ": expected 7 tab-separated fields (" + HEADER.replace('\t', ' ')
                        + "), found " + f.length);
            }
            SsmMode mode;
            try {
                mode = SsmMode.parse(f[0]);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(where + ": " + e.getMessage());
            }
            try {
                Timing t = new Timing(mode, Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                        Integer.parseInt(f[4]), f[5], Double.parseDouble(f[6]));
                if (t.batch < 1 || t.channels < 1 || t.states < 1 || t.length < 1 || !(t.seconds > 0)) {
                    throw new InvalidInputException(where + ": sizes must be positive and the time above zero");
                }
                return t;
            } catch (NumberFormatException e) {
                throw new InvalidInputException(where + ": not a number: " + e.getMessage());
            }
        }
    }

    private final Profile profile;
    private final double budgetSeconds;
    private final int runs;
    private final int maxTimed;
    private final Consumer<Timing> recorder;

    /**
     * @param budgetSeconds shapes whose best plan is predicted to take longer are skipped
     * @param runs          timed runs per candidate (the fastest is kept)
     * @param maxTimed      candidates timed per shape at most
     * @param recorder      receives every candidate's time (or null)
     */
    public PlanFidelity(Profile profile, double budgetSeconds, int runs, int maxTimed, Consumer<Timing> recorder) {
        this.profile = profile;
        this.budgetSeconds = budgetSeconds;
        this.runs = runs;
        this.maxTimed = maxTimed;
        this.recorder = recorder;
    }

    /** {@code perMode} shapes of each mode drawn from the grid with a fixed seed, each reported to {@code sink}. */
    public List<Point> run(int perMode, long seed, Consumer<Point> sink) {
        warmUpKernels();
        Random r = new Random(seed);
        List<Point> out = new ArrayList<>();
        for (SsmMode mode : SsmMode.values()) {
            int done = 0;
            int attempts = 0;
            while (done < perMode && attempts++ < perMode * 20) {
                int batch = BATCHES[r.nextInt(BATCHES.length)];
                int channels = CHANNELS[r.nextInt(CHANNELS.length)];
                int states = STATES[r.nextInt(STATES.length)];
                int length = LENGTHS[r.nextInt(LENGTHS.length)];
                Point p = measure(mode, batch, channels, states, length, seed + attempts);
                if (p != null) {
                    out.add(p);
                    sink.accept(p);
                    done++;
                }
            }
        }
        return out;
    }

    /**
     * Runs the candidates of a small shape of every mode before anything is timed. Vector API code
     * runs many times slower until the JIT's optimizing compiler has compiled it; a candidate's own
     * warm-up is too short for that at the start of a run (a seed-11 run timed the first shape's
     * 0.06 ms scan at 0.85 ms).
     */
    private void warmUpKernels() {
        for (SsmMode mode : SsmMode.values()) {
            ContractionSpec spec = spec(mode, 2, 8, 8, 256);
            PlanTiming timing = new PlanTiming(spec, 1);
            List<Plan> candidates = Search.candidates(spec, profile);
            for (Plan p : candidates.subList(0, Math.min(maxTimed, candidates.size()))) {
                timing.warm(p, KERNEL_WARMUP_SECONDS);
            }
        }
    }

    /** The layer the grid describes: s5 and neck split their states over 4 blocks when they can. */
    public static SsmLayer layer(SsmMode mode, int channels, int states) {
        boolean blocks = mode == SsmMode.S5 || mode == SsmMode.NECK;
        int j = blocks ? Math.min(4, states) : 1;
        int perBlock = blocks ? Math.max(1, states / j) : states;
        return new SsmLayer(Origin.of("bench"), "bench", mode, channels, channels, perBlock, j, true,
                new Activation(NormKind.BATCH, Postact.RELU, 0));
    }

    /** The training forward pass of a grid point's layer: what is timed. */
    static ContractionSpec spec(SsmMode mode, int batch, int channels, int states, int length) {
        return Specs.of(layer(mode, channels, states), "bench", Pass.FORWARD, batch, length, length);
    }

    /** Times one shape, or null when its best plan is predicted to exceed the budget. */
    public Point measure(SsmMode mode, int batch, int channels, int states, int length, long seed) {
        ContractionSpec spec = spec(mode, batch, channels, states, length);
        List<Plan> candidates = Search.candidates(spec, profile);
        Plan chosen = candidates.get(0);
        if (chosen.cost().seconds() > budgetSeconds || chosen.cost().largestBytes() > 512e6) {
            return null;
        }
        PlanTiming timing = new PlanTiming(spec, seed);
        List<Plan> timedPlans = new ArrayList<>();
        for (Plan p : candidates) {
            if (timedPlans.size() >= maxTimed || p.cost().seconds() > PRUNE * chosen.cost().seconds()
                    || p.cost().largestBytes() > 512e6) {
                break;
            }
            timedPlans.add(p);
        }
        // warm every candidate first (the kernels they share compile once), then time each: the fastest run
        // is the least disturbed by the JIT, the collector and the other core's work
        for (Plan p : timedPlans) {
            timing.warm(p, WARMUP_SECONDS);
        }
        double[] seconds = new double[timedPlans.size()];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = timing.time(timedPlans.get(i), runs)[1];
        }
        // A disturbed round (a deoptimized kernel, a collection) only ever makes a plan look slower. The
        // verdict rests on the chosen plan and on those that ran faster than it: they run a second round,
        // warmed again, and keep their faster round.
        double firstChosen = seconds[0];
        for (int i = 0; i < seconds.length; i++) {
            if (i == 0 || seconds[i] < firstChosen) {
                timing.warm(timedPlans.get(i), WARMUP_SECONDS);
                seconds[i] = Math.min(seconds[i], timing.time(timedPlans.get(i), runs)[1]);
            }
        }
        double chosenSeconds = seconds[0];
        Plan fastest = null;
        double fastestSeconds = Double.POSITIVE_INFINITY;
        for (int i = 0; i < seconds.length; i++) {
            Plan p = timedPlans.get(i);
            if (recorder != null) {
                recorder.accept(new Timing(mode, batch, channels, states, length, p.shape(), seconds[i]));
            }
            if (seconds[i] < fastestSeconds) {
                fastestSeconds = seconds[i];
                fastest = p;
            }
        }
        int timed = timedPlans.size();
        return new Point(mode, batch, channels, states, length, timed, chosen, chosenSeconds, fastest.shape(),
                fastestSeconds);
    }

    /**
     * Scores the profile's model against recorded timings, timing nothing: for each recorded shape,
     * the plan the model chooses now, its recorded time (none when it was not timed) and the
     * fastest recorded one.
     */
    public static List<Point> replay(List<Timing> recorded, Profile profile) {
        Map<String, List<Timing>> byShape = new LinkedHashMap<>();
        for (Timing t : recorded) {
            byShape.computeIfAbsent(t.shapeKey(), k -> new ArrayList<>()).add(t);
        }
        List<Point> out = new ArrayList<>();
        for (List<Timing> times : byShape.values()) {
            Timing first = times.get(0);
            ContractionSpec spec = spec(first.mode(), first.batch(), first.channels(), first.states(), first.length());
            Plan chosen = Search.candidates(spec, profile).get(0);
            Timing fastest = times.get(0);
            double chosenSeconds = Double.NaN;
            for (Timing t : times) {
                if (t.seconds() < fastest.seconds()) {
                    fastest = t;
                }
                if (t.plan().equals(chosen.shape())) {
                    chosenSeconds = t.seconds();
                }
            }
            out.add(new Point(first.mode(), first.batch(), first.channels(), first.states(), first.length(), times.size(),
                    chosen, chosenSeconds, fastest.plan(), fastest.seconds()));
        }
        return out;
    }
}
