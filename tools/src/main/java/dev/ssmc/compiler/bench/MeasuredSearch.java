package dev.ssmc.compiler.bench;

import dev.ssmc.compiler.plan.ContractionSpec;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.plan.Search;
import java.util.ArrayList;
import java.util.List;

/**
 * The measured mode of the search: the model ranks the candidates, then the best few are run
 * through the plan executor and the fastest is kept. Slower to plan, immune to the model's
 * blind spots on this machine.
 */
public final class MeasuredSearch {
    /** Seconds each finalist runs before it is timed. */
    static final double WARMUP_SECONDS = 0.05;
    static final int RUNS = 5;

    private MeasuredSearch() {
    }

    /** The fastest measured of the model's {@code finalists} best candidates (distinct in tree or algorithm). */
    public static Plan best(ContractionSpec spec, Profile profile, int finalists) {
        List<Plan> top = new ArrayList<>();
        for (Plan p : Search.candidates(spec, profile)) {
            if (top.stream().noneMatch(q -> q.shape().equals(p.shape()))) {
                top.add(p);
            }
            if (top.size() == finalists) {
                break;
            }
        }
        PlanTiming timing = new PlanTiming(spec, 1);
        for (Plan p : top) {
            timing.warm(p, WARMUP_SECONDS);
        }
        Plan best = null;
        double bestSeconds = Double.POSITIVE_INFINITY;
        for (Plan p : top) {
            double t = timing.time(p, RUNS)[1];
            if (t < bestSeconds) {
                bestSeconds = t;
                best = p;
            }
        }
        return best;
    }
}
