package dev.ssmc.compiler.plan;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.Rational;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plans of every SSM block of a network, for every pass, at the shapes each block sees: the
 * network's training batch and length (and streaming chunk) scaled by the block's sample rate.
 */
public record NetworkPlan(Network network, List<BlockPlan> blocks) {

    /** One block's shapes and its plans, pass by pass. */
    public record BlockPlan(SsmLayer layer, int batch, int length, int chunk, Map<Pass, PassPlan> passes) {
    }

    /**
     * The chosen plan of one pass, the best plan that differs in tree or algorithm, and the
     * reference's plan (null when it has none).
     */
    public record PassPlan(ContractionSpec spec, Plan chosen, Plan runnerUp, Plan reference) {
    }

    /** Picks a pass's plan among its candidates; the model's choice unless a measured mode is asked for. */
    public interface Chooser {
        Plan choose(ContractionSpec spec, Profile profile);
    }

    /** Plans every block of a network with the given profile, choosing by the model. */
    public static NetworkPlan of(Network network, Profile profile) {
        return of(network, profile, Search::best);
    }

    /** Plans every block of a network with the given profile and chooser. */
    public static NetworkPlan of(Network network, Profile profile, Chooser chooser) {
        NetworkShapes shapes = ShapeInference.infer(network);
        Planning planning = network.planning();
        List<BlockPlan> blocks = new ArrayList<>();
        for (Node n : shapes.nodes()) {
            if (!(n instanceof SsmLayer layer)) {
                continue;
            }
            Rational rate = shapes.rateIn().get(n);
            int length = scaled(planning.length(), rate);
            int chunk = scaled(planning.chunk(), rate);
            Map<Pass, PassPlan> passes = new LinkedHashMap<>();
            for (Pass p : Specs.passes(layer)) {
                ContractionSpec spec = Specs.of(layer, name(layer), p, planning.batch(), length, chunk);
                passes.put(p, planPass(layer, spec, profile, chooser));
            }
            blocks.add(new BlockPlan(layer, planning.batch(), length, chunk, passes));
        }
        return new NetworkPlan(network, blocks);
    }

    /** A pass's chosen plan, its runner-up and the reference's plan. */
    public static PassPlan planPass(SsmLayer layer, ContractionSpec spec, Profile profile, Chooser chooser) {
        List<Plan> all = Search.candidates(spec, profile);
        Plan chosen = chooser.choose(spec, profile);
        Plan runnerUp = null;
        for (Plan p : all) {
            if (!p.shape().equals(chosen.shape())) {
                runnerUp = p;
                break;
            }
        }
        return new PassPlan(spec, chosen, runnerUp, ReferenceRule.plan(layer, spec, profile));
    }

    static String name(SsmLayer layer) {
        return layer.key().isEmpty() ? layer.mode().spelling() + " layer" : layer.key();
    }

    /** Samples a block sees: at least one. */
    private static int scaled(int samples, Rational rate) {
        long n = samples * rate.num() / rate.den();
        return (int) Math.max(1, n);
    }
}
