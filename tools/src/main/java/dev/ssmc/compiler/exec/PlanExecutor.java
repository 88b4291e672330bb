package dev.ssmc.compiler.exec;

import dev.ssmc.compiler.plan.ContractionSpec;
import dev.ssmc.compiler.plan.Domain;
import dev.ssmc.compiler.plan.Operand;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.PlanStep;
import dev.ssmc.compiler.plan.TimeAlgorithm;
import dev.ssmc.compiler.plan.TimeRole;
import dev.ssmc.runtime.kernels.Contract;
import dev.ssmc.runtime.kernels.Layout;
import dev.ssmc.runtime.plan.PlanSteps;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Runs any plan of a contraction spec with the runtime's generic float32 kernels: pairwise
 * contractions, real FFTs, scans, chunked Toeplitz convolutions and kernels made by powers or in
 * closed form. Every candidate the search considers can be run, which is what makes plans
 * measurable before code is generated for them, and what the generated code is checked against.
 *
 * <p>Operands are given in their spec index order; the kernel operand by its exponent
 * {@code dtA} (complex, over the kernel's state indices). The output comes in the spec's output
 * order; the dynamics gradient is complex (the plan is run once for each part of the derivative
 * kernel {@code l a^l}, which is linear in it).
 */
public final class PlanExecutor {
    private final Plan plan;
    private final ContractionSpec spec;
    private final int fftSize;
    private final int bins;
    private final Map<String, float[]> operands;
    private final float[] dtARe;
    private final float[] dtAIm;
    /** Which part of the derivative kernel this run computes: 0 real, 1 imaginary. */
    private final int part;

    /** A tensor between steps: its letters ({@code k} for frequency bins), its values, the domain. */
    private record Value(String idx, float[] re, float[] im) {
    }

    /** The output: real, or real and imaginary parts for the dynamics gradient. */
    public record Output(float[] re, float[] im) {
    }

    private PlanExecutor(Plan plan, Map<String, float[]> operands, float[] dtARe, float[] dtAIm, int part) {
        this.plan = plan;
        this.spec = plan.spec();
        this.fftSize = plan.algorithm() instanceof TimeAlgorithm.Fft f ? f.size() : 0;
        this.bins = fftSize / 2 + 1;
        this.operands = operands;
        this.dtARe = dtARe;
        this.dtAIm = dtAIm;
        this.part = part;
    }

    /**
     * Runs a plan on zero initial state.
     *
     * @param operands every non-kernel operand by name, in its spec index order
     * @param dtARe    the real parts of {@code dt*A} over the kernel's state indices
     */
    public static Output run(Plan plan, Map<String, float[]> operands, float[] dtARe, float[] dtAIm) {
        float[] re = new PlanExecutor(plan, operands, dtARe, dtAIm, 0).output();
        float[] im = plan.spec().complexOutput() ? new PlanExecutor(plan, operands, dtARe, dtAIm, 1).output() : null;
        return new Output(re, im);
    }

    private float[] output() {
        Value v = eval(plan.root());
        return Layout.map(v.idx, v.re, spec.output(), this::size);
    }

    private int size(int letter) {
        return letter == 'k' ? bins : spec.size((char) letter);
    }

    // ---- steps ----

    private Value eval(PlanStep step) {
        Value v = step instanceof PlanStep.Leaf l ? leaf(l) : join((PlanStep.Join) step);
        if (step.transformed()) {
            v = step.delivered() == Domain.FREQ ? fft(v) : ifft(v, step.role().letter());
        }
        return v;
    }

    private Value leaf(PlanStep.Leaf l) {
        Operand op = spec.operands().get(l.operand());
        if (!op.isKernel()) {
            float[] data = operands.get(op.name());
            if (data == null) {
                throw new IllegalArgumentException("no value for operand " + op);
            }
            return new Value(op.indices(), data, null);
        }
        String states = op.stateIndices();
        PlanSteps.Part p = op.kind() != Operand.Kind.LAG_KERNEL ? PlanSteps.Part.KERNEL
                : part == 0 ? PlanSteps.Part.DERIVATIVE_RE : PlanSteps.Part.DERIVATIVE_IM;
        switch (l.making()) {
            case MULTIPLIERS -> {
                float[][] a = PlanSteps.decays(dtARe, dtAIm);
                return new Value(states, a[0], a[1]);
            }
            case POWERS -> {
                return new Value(states + "l", PlanSteps.kernelByPowers(dtARe, dtAIm, spec.length(), p), null);
            }
            case CLOSED_FORM -> {
                float[][] k = PlanSteps.kernelSpectrum(dtARe, dtAIm, spec.length(), fftSize, p);
                return new Value(states + "k", k[0], k[1]);
            }
            default -> throw new IllegalStateException("a kernel made as " + l.making());
        }
    }

    private Value join(PlanStep.Join j) {
        Value a = eval(j.left());
        Value b = eval(j.right());
        String out = j.indices();
        if (j.computed() == Domain.FREQ) {
            out = toFreq(out);
        }
        switch (j.coupling()) {
            case CONV, CORR, XCORR -> {
                if (plan.algorithm() instanceof TimeAlgorithm.Fft) {
                    // in frequency: a product, with the conjugate of the side that runs backwards in time
                    PlanStep conjugated = switch (j.coupling()) {
                        case CORR -> j.left().role() == TimeRole.LAG ? j.left() : j.right();
                        case XCORR -> j.left().role() == TimeRole.UP ? j.left() : j.right();
                        default -> null;
                    };
                    if (conjugated == j.left()) {
                        a = conj(a);
                    } else if (conjugated == j.right()) {
                        b = conj(b);
                    }
                    return contract(a, b, out, true);
                }
                boolean leftIsKernel = j.left().role() == TimeRole.LAG;
                return recurrence(leftIsKernel ? b : a, leftIsKernel ? a : b,
                        leftIsKernel ? j.right() : j.left(), j, out);
            }
            default -> {
                return contract(a, b, out, j.computed() == Domain.FREQ);
            }
        }
    }

    private Value contract(Value a, Value b, String out, boolean complex) {
        int n = Math.toIntExact(Layout.count(out, this::size));
        float[] re = new float[n];
        float[] im = complex ? new float[n] : null;
        Contract.pairwise(a.idx, a.re, a.im, b.idx, b.re, b.im, out, re, im, this::size);
        return new Value(out, re, im);
    }

    private static Value conj(Value v) {
        return new Value(v.idx, v.re, PlanSteps.negate(v.im));
    }

    /**
     * A convolution or correlation with the bare state kernel by its recurrence: every lane (the
     * signal's indices and the kernel's states) runs {@code x_t = a x_(t-1) + v_t} (backwards in time
     * for a correlation) by a scan or in Toeplitz chunks; the real part, summed to the join's indices.
     */
    private Value recurrence(Value signal, Value kernel, PlanStep signalStep, PlanStep.Join j, String out) {
        char inTime = signalStep.role().letter();
        char outTime = j.role().hasTime() ? j.role().letter() : inTime;
        StringBuilder lanes = new StringBuilder(PlanSteps.rows(signal.idx, inTime));
        for (char c : kernel.idx.toCharArray()) {
            if (lanes.indexOf(String.valueOf(c)) < 0) {
                lanes.append(c);
            }
        }
        int chunk = plan.algorithm() instanceof TimeAlgorithm.Chunked ch ? ch.chunk() : 0;
        boolean derivative = spec.operands().get(spec.kernelOperand()).kind() == Operand.Kind.LAG_KERNEL;
        PlanSteps.Part p = !derivative ? PlanSteps.Part.KERNEL
                : part == 0 ? PlanSteps.Part.DERIVATIVE_RE : PlanSteps.Part.DERIVATIVE_IM;
        float[] y = PlanSteps.recurrence(signal.idx, inTime, signal.re, kernel.idx, kernel.re, kernel.im,
                lanes.toString(), out, outTime, spec.length(), j.coupling() == PlanStep.Coupling.CORR, chunk, p,
                this::size);
        return new Value(out, y, null);
    }

    // ---- transforms ----

    private static String toFreq(String idx) {
        StringBuilder sb = new StringBuilder();
        for (char c : idx.toCharArray()) {
            sb.append(TimeRole.isTimeLetter(c) ? 'k' : c);
        }
        return sb.toString();
    }

    private static char timeLetter(String idx) {
        for (char c : idx.toCharArray()) {
            if (TimeRole.isTimeLetter(c) || c == 'k') {
                return c;
            }
        }
        throw new IllegalStateException("no time axis in " + idx);
    }

    private Value fft(Value v) {
        char t = timeLetter(v.idx);
        float[][] f = PlanSteps.fft(v.idx, t, v.re, spec.length(), fftSize, this::size);
        return new Value(PlanSteps.rows(v.idx, t) + "k", f[0], f[1]);
    }

    private Value ifft(Value v, char letter) {
        float[] y = PlanSteps.ifft(v.idx, v.re, v.im, letter, spec.length(), fftSize, this::size);
        return new Value(PlanSteps.rows(v.idx, 'k') + letter, y, null);
    }

    /** A size function over a spec's letters plus {@code k}, for callers that lay out operands. */
    public static IntUnaryOperator sizes(ContractionSpec spec) {
        return c -> spec.size((char) c);
    }
}
