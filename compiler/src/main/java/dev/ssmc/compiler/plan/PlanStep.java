package dev.ssmc.compiler.plan;

import java.util.List;

/**
 * A node of a plan: an operand made in some domain, or the join of two steps, with where its
 * result is computed and in which domain it is delivered (an FFT or inverse FFT between the two).
 */
public sealed interface PlanStep permits PlanStep.Leaf, PlanStep.Join {
    /** The result's indices: non-time letters, then its time letter if it keeps time. */
    String indices();

    TimeRole role();

    Domain computed();

    Domain delivered();

    int subset();

    default boolean transformed() {
        return role().hasTime() && computed() != delivered();
    }

    /** How a kernel operand is made. */
    enum Making {
        /** Not a kernel. */
        NONE,
        /** Powers {@code a^l} over time lags (the Vandermonde way). */
        POWERS,
        /** Directly in frequency from {@code sum_l a^l w^(-kl) = (1 - a^L w^(-kL)) / (1 - a w^(-k))}. */
        CLOSED_FORM,
        /** Only the multipliers {@code a}: the scan needs no kernel. */
        MULTIPLIERS
    }

    /** How a join couples time. */
    enum Coupling {
        /** No time on one side at least: an ordinary contraction. */
        NONE,
        /** Both sides on the same time axis: a product over time (summed when time is not kept). */
        SAME_TIME,
        /** Input time with lag: a causal convolution. */
        CONV,
        /** Output time with lag: an anti-causal correlation (the gradient's direction). */
        CORR,
        /** Input time with output time: a cross-correlation over lags. */
        XCORR
    }

    record Leaf(int operand, String indices, TimeRole role, Domain computed, Domain delivered, Making making)
            implements PlanStep {
        @Override
        public int subset() {
            return 1 << operand;
        }
    }

    record Join(PlanStep left, PlanStep right, String indices, TimeRole role, Coupling coupling, Domain computed,
                Domain delivered) implements PlanStep {
        @Override
        public int subset() {
            return left.subset() | right.subset();
        }
    }

    /** Renders the step with operand names and where FFTs sit, e.g. {@code ((fft(u) B) V~) C}. */
    static String render(PlanStep step, List<Operand> operands) {
        String inner;
        if (step instanceof Leaf l) {
            inner = operands.get(l.operand()).name() + switch (l.making()) {
                case CLOSED_FORM -> "~";
                case MULTIPLIERS -> "'";
                default -> "";
            };
        } else {
            Join j = (Join) step;
            String sep = switch (j.coupling()) {
                case CONV -> " * ";
                case CORR -> " x ";
                case XCORR -> " # ";
                default -> " ";
            };
            inner = "(" + render(j.left(), operands) + sep + render(j.right(), operands) + ")";
        }
        if (step.transformed()) {
            return (step.delivered() == Domain.FREQ ? "fft" : "ifft") + "(" + inner + ")";
        }
        return inner;
    }
}
