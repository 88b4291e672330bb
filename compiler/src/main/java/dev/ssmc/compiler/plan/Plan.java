package dev.ssmc.compiler.plan;

/** A way to compute one pass of one block: the contraction tree with its domains, the time algorithm, the cost. */
public record Plan(ContractionSpec spec, TimeAlgorithm algorithm, PlanStep root, Cost cost) {

    /** The tree with operand names, couplings ({@code *} convolution, {@code x} correlation, {@code #} cross-correlation) and FFTs. */
    public String describe() {
        return PlanStep.render(root, spec.operands());
    }

    /** Plans with the same tree and algorithm (whatever the placement). */
    public String shape() {
        return algorithm.describe() + " " + describe();
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s  %s  %.3g ms", algorithm.describe(), describe(), cost.seconds() * 1e3);
    }
}
