package dev.ssmc.compiler.plan;

import dev.ssmc.runtime.fft.RealFft;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search for the cheapest plan of a spec: over every time algorithm, every contraction tree
 * (all of them for up to {@value #ENUMERATE_UP_TO} operands, a dynamic program over subsets of
 * operands beyond), where FFTs and inverse FFTs sit, and how the kernel is made. For a fixed tree
 * and algorithm the placement is itself a small dynamic program over the tree's nodes: each node's
 * best result in each domain.
 */
public final class Search {
    /** Up to this many operands every tree is enumerated; beyond, the subset dynamic program runs. */
    public static final int ENUMERATE_UP_TO = 6;
    /** Chunk sizes the chunked algorithm tries. */
    static final int[] CHUNKS = {8, 16, 32, 64, 128, 256};

    private Search() {
    }

    /** How a node's result can be delivered: in time, in frequency, or as a kernel's bare multipliers. */
    enum Variant { TIME, FREQ, MULT }

    /** The time algorithms a spec may use. */
    public static List<TimeAlgorithm> algorithms(ContractionSpec spec) {
        List<TimeAlgorithm> out = new ArrayList<>();
        int length = spec.length();
        out.add(new TimeAlgorithm.Scan());
        // FFT sizes: the smallest fast size >= 2L-1, the next one, the smallest power of two, and 2L
        // itself (the reference's choice) when it is fast.
        Set<Integer> sizes = new java.util.TreeSet<>();
        int min = Math.max(2, 2 * length - 1);
        int first = RealFft.nextFastSize(min);
        sizes.add(first);
        sizes.add(RealFft.nextFastSize(first + 1));
        sizes.add(Integer.highestOneBit(min - 1) << 1);
        if (RealFft.isFastSize(2 * length)) {
            sizes.add(2 * length);
        }
        for (int n : sizes) {
            out.add(new TimeAlgorithm.Fft(n));
        }
        for (int c : CHUNKS) {
            if (c < length) {
                out.add(new TimeAlgorithm.Chunked(c));
            }
        }
        return out;
    }

    /**
     * The largest intermediate a chosen plan may hold, in bytes: above it a plan is passed over
     * while another fits (very long sequences, where an FFT of all of them or a kernel over every
     * lag would need gigabytes and a scan a few megabytes). {@code -Dssmc.plan.maxIntermediateMb}.
     */
    public static final double MAX_INTERMEDIATE_BYTES = Long.getLong("ssmc.plan.maxIntermediateMb", 1024) * 1024.0 * 1024.0;

    /** The cheapest plan whose intermediates fit {@link #MAX_INTERMEDIATE_BYTES}; when none does, the one that needs least. */
    public static Plan best(ContractionSpec spec, Profile profile) {
        Plan best = null;
        for (TimeAlgorithm a : algorithms(spec)) {
            Costing c = new Costing(spec, a, profile);
            Plan p = spec.operands().size() <= ENUMERATE_UP_TO ? bestOverTrees(c) : bestOverSubsets(c);
            if (p != null && (best == null || better(p, best))) {
                best = p;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no plan computes " + spec);
        }
        return best;
    }

    private static boolean better(Plan p, Plan than) {
        boolean fits = p.cost().largestBytes() <= MAX_INTERMEDIATE_BYTES;
        boolean thanFits = than.cost().largestBytes() <= MAX_INTERMEDIATE_BYTES;
        if (fits != thanFits) {
            return fits;
        }
        return fits ? p.cost().seconds() < than.cost().seconds() : p.cost().largestBytes() < than.cost().largestBytes();
    }

    /**
     * Every candidate: for each tree and algorithm, its best placement; sorted cheapest first. For
     * specs with more operands than {@value #ENUMERATE_UP_TO}, the best plan of each algorithm.
     */
    public static List<Plan> candidates(ContractionSpec spec, Profile profile) {
        List<Plan> out = new ArrayList<>();
        for (TimeAlgorithm a : algorithms(spec)) {
            Costing c = new Costing(spec, a, profile);
            if (spec.operands().size() <= ENUMERATE_UP_TO) {
                for (Tree t : Tree.all(spec.operands().size())) {
                    Plan p = bestForTree(c, t);
                    if (p != null) {
                        out.add(p);
                    }
                }
            } else {
                Plan p = bestOverSubsets(c);
                if (p != null) {
                    out.add(p);
                }
            }
        }
        out.sort(Comparator.comparingDouble(p -> p.cost().seconds()));
        return out;
    }

    static Plan bestOverTrees(Costing c) {
        Plan best = null;
        for (Tree t : Tree.all(c.count)) {
            Plan p = bestForTree(c, t);
            if (p != null && (best == null || p.cost().seconds() < best.cost().seconds())) {
                best = p;
            }
        }
        return best;
    }

    /** The best placement of FFTs and kernel making on one tree. */
    static Plan bestForTree(Costing c, Tree tree) {
        return finish(c, solveTree(c, tree));
    }

    private static Map<Variant, Costing.Option> solveTree(Costing c, Tree tree) {
        if (tree instanceof Tree.Leaf leaf) {
            return leafVariants(c, leaf.operand());
        }
        Tree.Join j = (Tree.Join) tree;
        return combine(c, solveTree(c, j.left()), solveTree(c, j.right()));
    }

    /** The cheapest plan over every tree, by dynamic programming over subsets of operands. */
    static Plan bestOverSubsets(Costing c) {
        Map<Integer, Map<Variant, Costing.Option>> best = new HashMap<>();
        int full = c.allOperands();
        for (int s = 1; s <= full; s++) {
            if (Integer.bitCount(s) == 1) {
                best.put(s, leafVariants(c, Integer.numberOfTrailingZeros(s)));
                continue;
            }
            Map<Variant, Costing.Option> here = new EnumMap<>(Variant.class);
            int low = Integer.lowestOneBit(s);
            for (int a = (s - 1) & s; a > 0; a = (a - 1) & s) {
                if ((a & low) == 0) {
                    continue;
                }
                Map<Variant, Costing.Option> joined = combine(c, best.get(a), best.get(s & ~a));
                joined.forEach((v, o) -> keepCheaper(here, v, o));
            }
            best.put(s, here);
        }
        return finish(c, best.get(full));
    }

    private static Map<Variant, Costing.Option> leafVariants(Costing c, int operand) {
        Map<Variant, Costing.Option> out = new EnumMap<>(Variant.class);
        for (Costing.Option o : c.leafOptions(operand)) {
            keepCheaper(out, variant(o.step()), o);
            Costing.Option moved = c.deliverIn(o, o.step().delivered().other());
            if (moved != null) {
                keepCheaper(out, variant(moved.step()), moved);
            }
        }
        if (c.spec.operands().get(operand).isKernel() && !(c.algorithm instanceof TimeAlgorithm.Fft)) {
            keepCheaper(out, Variant.MULT, c.multipliers(operand));
        }
        return out;
    }

    /** Every join of the two sides' variants, each then delivered in either domain. */
    private static Map<Variant, Costing.Option> combine(Costing c, Map<Variant, Costing.Option> left,
                                                        Map<Variant, Costing.Option> right) {
        Map<Variant, Costing.Option> out = new EnumMap<>(Variant.class);
        for (Costing.Option a : left.values()) {
            for (Costing.Option b : right.values()) {
                Costing.Option j = c.join(a, b);
                if (j == null || !j.cost().possible()) {
                    continue;
                }
                keepCheaper(out, variant(j.step()), j);
                Costing.Option moved = c.deliverIn(j, j.step().delivered().other());
                if (moved != null) {
                    keepCheaper(out, variant(moved.step()), moved);
                }
            }
        }
        return out;
    }

    private static Plan finish(Costing c, Map<Variant, Costing.Option> root) {
        Costing.Option best = null;
        for (Costing.Option o : root.values()) {
            if (c.acceptableRoot(o.step()) && !Costing.isMultipliers(o.step())
                    && (best == null || o.cost().seconds() < best.cost().seconds())) {
                best = o;
            }
        }
        return best == null ? null : new Plan(c.spec, c.algorithm, best.step(), best.cost());
    }

    static Variant variant(PlanStep s) {
        if (Costing.isMultipliers(s)) {
            return Variant.MULT;
        }
        return s.delivered() == Domain.FREQ ? Variant.FREQ : Variant.TIME;
    }

    private static void keepCheaper(Map<Variant, Costing.Option> m, Variant v, Costing.Option o) {
        Costing.Option old = m.get(v);
        if (old == null || o.cost().seconds() < old.cost().seconds()) {
            m.put(v, o);
        }
    }
}
