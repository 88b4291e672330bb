package dev.ssmc.compiler.codegen;

import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.plan.NetworkPlan;
import dev.ssmc.compiler.plan.Operand;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.PlanStep;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.plan.Search;
import dev.ssmc.compiler.plan.TimeAlgorithm;
import java.util.List;

/**
 * How a block's streaming step computes one frame: which weights meet the input before the
 * recurrence and which are applied to the state after it, read off the STREAM_STEP plan. Every
 * form keeps the smallest state (one complex number per kernel state); the lane layout (which
 * index runs along the vector lanes) is chosen from the block's sizes.
 *
 * <p>A step carries its state from frame to frame, so it is always a recurrence: when the
 * planner's step plan is not a scan (an FFT over the one frame plus the carried state, which the
 * cost model can rank first for a single frame), the step follows the cheapest scan candidate;
 * and a scan whose order would keep a larger state (s5's {@code ((u * V') B) C}, a state per input
 * channel and state) runs the nearest minimal-state order. {@link #note} says which, and the
 * generated code repeats it.
 *
 * @param eOnInput dws, full, neck: E weights the recurrence's input ({@code x = a x + E v}), else the readout
 * @param bAfter   neck with one input channel: Bhat scales each block's readout instead of its input
 * @param lanesOverStates dws, full: lanes run over the states of one channel (one output channel for full)
 *                 with a sum across lanes per frame, instead of over channels (few channels, many states)
 * @param plan     the plan the step follows (a scan)
 * @param chosen   the planner's step plan
 * @param note     why the step does not follow {@code chosen} exactly, or null
 */
record StepForm(SsmMode mode, boolean eOnInput, boolean bAfter, boolean lanesOverStates, Plan plan, Plan chosen,
                String note) {

    /** Lanes of a typical vector of floats (AVX2), the width the lane layout is chosen for. */
    static final int LANES_HINT = 8;

    private enum Side { INPUT, KERNEL, OUTPUT }

    static StepForm of(SsmLayer layer, NetworkPlan.PassPlan step, Profile profile) {
        Plan chosen = step.chosen();
        Plan scan = chosen;
        String note = null;
        if (!(chosen.algorithm() instanceof TimeAlgorithm.Scan)) {
            scan = Search.candidates(step.spec(), profile).stream()
                    .filter(p -> p.algorithm() instanceof TimeAlgorithm.Scan).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no scan plan for " + step.spec()));
            note = "The planner chose " + chosen.shape() + " (predicted " + String.format(java.util.Locale.ROOT, "%.3f",
                    chosen.cost().seconds() * 1e3) + " ms), which transforms time within a call; a stream carries its "
                    + "state from frame to frame, so the step runs the cheapest recurrence instead";
        }
        List<Operand> ops = scan.spec().operands();
        PlanStep.Join conv = conv(scan.root());
        PlanStep signal = contains(conv.left(), index(ops, "u")) ? conv.left() : conv.right();
        int cin = layer.inChannels();
        boolean eOnInput = false;
        boolean bAfter = false;
        boolean lanesOverStates = false;
        switch (layer.mode()) {
            case DWS, FULL -> {
                eOnInput = side(ops, conv, signal, "E") != Side.OUTPUT;
                boolean dws = layer.mode() == SsmMode.DWS;
                int lanes = dws ? cin : layer.ssmOutChannels();
                int per = dws ? layer.states() : cin * layer.states();
                lanesOverStates = lanes < LANES_HINT && per > lanes;
            }
            case S5 -> {
            }
            case NECK -> {
                eOnInput = side(ops, conv, signal, "E") != Side.OUTPUT;
                bAfter = cin == 1 && side(ops, conv, signal, "B") == Side.OUTPUT;
            }
            default -> throw new AssertionError(layer.mode());
        }
        StepForm form = new StepForm(layer.mode(), eOnInput, bAfter, lanesOverStates, scan, chosen, note);
        if (form.describe().equals(scan.shape())) {
            return form;
        }
        String why = stateSize(scan.spec(), conv) > stateSize(scan.spec(), null)
                ? "The scan " + scan.describe() + " keeps a larger state (one per " + stateLetters(conv)
                        + "), so the step runs the nearest order that keeps one per kernel state"
                : "The scan " + scan.describe() + " does the same work in another order, with the same state";
        return new StepForm(layer.mode(), eOnInput, bAfter, lanesOverStates, scan, chosen,
                note == null ? why : note + ". " + why);
    }

    /** The states a recurrence keeps: the convolution's indices without time ({@code conv} null: the kernel's own). */
    private static long stateSize(dev.ssmc.compiler.plan.ContractionSpec spec, PlanStep.Join conv) {
        String letters = conv == null ? spec.operands().get(spec.kernelOperand()).stateIndices() : stateLetters(conv);
        long n = 1;
        for (char c : letters.toCharArray()) {
            n *= spec.size(c);
        }
        return n;
    }

    private static String stateLetters(PlanStep.Join conv) {
        StringBuilder sb = new StringBuilder();
        for (char c : conv.indices().toCharArray()) {
            if (!dev.ssmc.compiler.plan.TimeRole.isTimeLetter(c) && c != 'b') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The order this step computes, in the planner's notation. */
    String describe() {
        return "scan " + switch (mode) {
            case DWS, FULL -> eOnInput ? "((u E) * V')" : "((u * V') E)";
            case S5 -> "(((u B) * V') C)";
            case NECK -> {
                String core = bAfter ? (eOnInput ? "((u E) * V')" : "((u * V') E)") : (eOnInput ? "(((u B) E) * V')"
                        : "(((u B) * V') E)");
                yield bAfter ? "((" + core + " B) C)" : "(" + core + " C)";
            }
        };
    }

    /** The convolution join of a scan plan: the recurrence. */
    private static PlanStep.Join conv(PlanStep s) {
        if (s instanceof PlanStep.Join j) {
            if (j.coupling() == PlanStep.Coupling.CONV) {
                return j;
            }
            PlanStep.Join left = conv(j.left());
            return left != null ? left : conv(j.right());
        }
        return null;
    }

    private static boolean contains(PlanStep s, int operand) {
        return (s.subset() & (1 << operand)) != 0;
    }

    private static int index(List<Operand> ops, String name) {
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no operand " + name);
    }

    private static Side side(List<Operand> ops, PlanStep.Join conv, PlanStep signal, String weight) {
        int w = index(ops, weight);
        if (!contains(conv, w)) {
            return Side.OUTPUT;
        }
        return contains(signal, w) ? Side.INPUT : Side.KERNEL;
    }
}
