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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * How well the cost model picks: for shapes drawn from a grid, every candidate plan of a block's
 * training forward pass that the model does not rule out is timed through the plan executor, and
 * the chosen plan's time is compared with the fastest measured one.
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
    /** At most this many candidates are timed per shape (the cheapest predicted first). */
    static final int MAX_TIMED = 24;

    /** One shape's outcome. */
    public record Point(SsmMode mode, int batch, int channels, int states, int length, int timed,
                        Plan chosen, double chosenSeconds, Plan fastest, double fastestSeconds) {
        public boolean withinTenPercent() {
            return chosenSeconds <= 1.1 * fastestSeconds;
        }
    }

    private final Profile profile;
    private final double budgetSeconds;
    private final int runs;

    /**
     * @param budgetSeconds shapes whose best plan is predicted to take longer are skipped
     * @param runs          timed runs per candidate (the median is kept)
     */
    public PlanFidelity(Profile profile, double budgetSeconds, int runs) {
        this.profile = profile;
        this.budgetSeconds = budgetSeconds;
        this.runs = runs;
    }

    /** {@code perMode} shapes of each mode drawn from the grid with a fixed seed, each reported to {@code sink}. */
    public List<Point> run(int perMode, long seed, Consumer<Point> sink) {
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

    /** The layer the grid describes: s5 and neck split their states over 4 blocks when they can. */
    public static SsmLayer layer(SsmMode mode, int channels, int states) {
        boolean blocks = mode == SsmMode.S5 || mode == SsmMode.NECK;
        int j = blocks ? Math.min(4, states) : 1;
        int perBlock = blocks ? Math.max(1, states / j) : states;
        return new SsmLayer(Origin.of("bench"), "bench", mode, channels, channels, perBlock, j, true,
                new Activation(NormKind.BATCH, Postact.RELU, 0));
    }

    /** Times one shape, or null when its best plan is predicted to exceed the budget. */
    public Point measure(SsmMode mode, int batch, int channels, int states, int length, long seed) {
        SsmLayer layer = layer(mode, channels, states);
        ContractionSpec spec = Specs.of(layer, "bench", Pass.FORWARD, batch, length, length);
        List<Plan> candidates = Search.candidates(spec, profile);
        Plan chosen = candidates.get(0);
        if (chosen.cost().seconds() > budgetSeconds || chosen.cost().largestBytes() > 512e6) {
            return null;
        }
        PlanTiming timing = new PlanTiming(spec, seed);
        List<Plan> timedPlans = new ArrayList<>();
        for (Plan p : candidates) {
            if (timedPlans.size() >= MAX_TIMED || p.cost().seconds() > PRUNE * chosen.cost().seconds()
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
        double chosenSeconds = Double.NaN;
        Plan fastest = null;
        double fastestSeconds = Double.POSITIVE_INFINITY;
        for (Plan p : timedPlans) {
            double t = timing.time(p, runs)[1];
            if (p == chosen) {
                chosenSeconds = t;
            }
            if (t < fastestSeconds) {
                fastestSeconds = t;
                fastest = p;
            }
        }
        int timed = timedPlans.size();
        return new Point(mode, batch, channels, states, length, timed, chosen, chosenSeconds, fastest, fastestSeconds);
    }
}
