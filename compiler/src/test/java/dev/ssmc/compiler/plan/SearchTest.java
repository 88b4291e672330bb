package dev.ssmc.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Origin;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.runtime.testing.Property;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The search finds the cheapest of every candidate a brute-force enumeration builds. */
class SearchTest {
    @Test
    void everyTreeIsEnumeratedOnce() {
        assertEquals(3, Tree.all(3).size());
        assertEquals(15, Tree.all(4).size());
        assertEquals(105, Tree.all(5).size());
        assertEquals(945, Tree.all(6).size());
        Set<String> distinct = new HashSet<>();
        for (Tree t : Tree.all(5)) {
            distinct.add(canonical(t));
        }
        assertEquals(105, distinct.size());
    }

    /** A tree as text with children in a fixed order, so that mirror images compare equal. */
    private static String canonical(Tree t) {
        if (t instanceof Tree.Leaf l) {
            return Integer.toString(l.operand());
        }
        Tree.Join j = (Tree.Join) t;
        String a = canonical(j.left());
        String b = canonical(j.right());
        return a.compareTo(b) < 0 ? "(" + a + " " + b + ")" : "(" + b + " " + a + ")";
    }

    /** On random small specs and random machine speeds, the search's minimum is the brute-force minimum. */
    @Test
    void theSearchFindsTheBruteForceMinimum() {
        Property.forAll(120, longs().between(0, Long.MAX_VALUE), this::theSearchFindsTheBruteForceMinimum);
    }

    private void theSearchFindsTheBruteForceMinimum(long seed) {
        Random r = new Random(seed);
        ContractionSpec spec = randomSpec(r);
        Profile profile = randomProfile(r);
        Plan found = Search.best(spec, profile);
        double brute = Double.POSITIVE_INFINITY;
        for (TimeAlgorithm a : Search.algorithms(spec)) {
            Costing c = new Costing(spec, a, profile);
            for (Tree t : Tree.all(spec.operands().size())) {
                for (Costing.Option o : everything(c, t)) {
                    if (c.acceptableRoot(o.step()) && !Costing.isMultipliers(o.step())) {
                        brute = Math.min(brute, o.cost().seconds());
                    }
                }
            }
        }
        assertEquals(brute, found.cost().seconds(), 1e-12 * brute, spec.toString());
    }

    /** The subset dynamic program (used beyond six operands) agrees with enumerating every tree. */
    @Test
    void theSubsetProgramAgreesWithTreeEnumeration() {
        Property.forAll(120, longs().between(0, Long.MAX_VALUE), this::theSubsetProgramAgreesWithTreeEnumeration);
    }

    private void theSubsetProgramAgreesWithTreeEnumeration(long seed) {
        Random r = new Random(seed);
        ContractionSpec spec = randomSpec(r);
        Profile profile = randomProfile(r);
        for (TimeAlgorithm a : Search.algorithms(spec)) {
            Costing c = new Costing(spec, a, profile);
            Plan byTrees = Search.bestOverTrees(c);
            Plan bySubsets = Search.bestOverSubsets(c);
            assertEquals(byTrees == null, bySubsets == null, a.describe());
            if (byTrees != null) {
                assertEquals(byTrees.cost().seconds(), bySubsets.cost().seconds(), 1e-12 * byTrees.cost().seconds(),
                        a.describe() + " " + spec);
            }
        }
    }

    /** Every way to make and join the leaves of one tree, with every choice of domain at every node. */
    private static List<Costing.Option> everything(Costing c, Tree t) {
        List<Costing.Option> out = new ArrayList<>();
        if (t instanceof Tree.Leaf l) {
            for (Costing.Option o : c.leafOptions(l.operand())) {
                out.add(o);
                addIfNotNull(out, c.deliverIn(o, o.step().delivered().other()));
            }
            if (c.spec.operands().get(l.operand()).isKernel() && !(c.algorithm instanceof TimeAlgorithm.Fft)) {
                out.add(c.multipliers(l.operand()));
            }
            return out;
        }
        Tree.Join j = (Tree.Join) t;
        for (Costing.Option a : everything(c, j.left())) {
            for (Costing.Option b : everything(c, j.right())) {
                Costing.Option o = c.join(a, b);
                if (o != null && o.cost().possible()) {
                    out.add(o);
                    addIfNotNull(out, c.deliverIn(o, o.step().delivered().other()));
                }
            }
        }
        return out;
    }

    private static void addIfNotNull(List<Costing.Option> out, Costing.Option o) {
        if (o != null) {
            out.add(o);
        }
    }

    static ContractionSpec randomSpec(Random r) {
        SsmMode mode = SsmMode.values()[r.nextInt(4)];
        boolean blocks = mode == SsmMode.S5 || mode == SsmMode.NECK;
        SsmLayer layer = new SsmLayer(Origin.of("l"), "l", mode, 1 + r.nextInt(12), 1 + r.nextInt(12), 1 + r.nextInt(8),
                blocks ? 1 + r.nextInt(4) : 1, true, new Activation(NormKind.NONE, Postact.RELU, 0));
        List<Pass> passes = Specs.passes(layer);
        Pass pass = passes.get(r.nextInt(passes.size()));
        int length = 1 + r.nextInt(600);
        return Specs.of(layer, "l", pass, 1 + r.nextInt(16), length, 1 + r.nextInt(length));
    }

    static Profile randomProfile(Random r) {
        Map<StepKind, Double> speeds = new EnumMap<>(StepKind.class);
        for (StepKind k : StepKind.values()) {
            speeds.put(k, Math.pow(10, 8 + 3 * r.nextDouble()));
        }
        return new Profile(speeds, Math.pow(10, 9 + r.nextDouble()), 1e-7 * r.nextDouble(), 1 << (10 + r.nextInt(12)), "random");
    }

    @Test
    void everyPassOfEveryModeHasAPlanAndTheReferencesToo() {
        for (SsmMode mode : SsmMode.values()) {
            boolean blocks = mode == SsmMode.S5 || mode == SsmMode.NECK;
            SsmLayer layer = new SsmLayer(Origin.of("l"), "l", mode, 8, 16, 4, blocks ? 2 : 1, true,
                    new Activation(NormKind.BATCH, Postact.RELU, 0));
            for (Pass p : Specs.passes(layer)) {
                ContractionSpec spec = Specs.of(layer, "l", p, 4, 256, 16);
                Plan best = Search.best(spec, Profile.defaults());
                assertNotNull(best);
                Plan ref = ReferenceRule.plan(layer, spec, Profile.defaults());
                assertNotNull(ref, mode + " " + p);
                // the reference's plan is in the search space when its FFT size (2L) is a fast size
                assertTrue(best.cost().seconds() <= ref.cost().seconds() * (1 + 1e-12), mode + " " + p + ": " + best
                        + " vs reference " + ref);
            }
        }
    }
}
