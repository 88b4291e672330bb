package dev.ssmc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.ssmc.compiler.plan.ContractionSpec;
import dev.ssmc.compiler.plan.Domain;
import dev.ssmc.compiler.plan.Operand;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.PlanStep;
import dev.ssmc.compiler.plan.TimeAlgorithm;
import dev.ssmc.compiler.plan.TimeRole;

/**
 * Writes the body of a method that computes one plan: one statement per step, each a call of a
 * runtime kernel with the step's index letters written out, in the order the plan evaluates them.
 * The generated method takes the block's signals ({@code u}, {@code g}), {@code batch} and
 * {@code length}, and reads the discretized operands from the block's {@code discretization}.
 * It is what {@code PlanExecutor} does at run time, decided at compile time.
 */
final class PlanEmitter {
    private final Plan plan;
    private final ContractionSpec spec;
    private final String part;
    private final CodeBlock.Builder code = CodeBlock.builder();
    private int next;

    /** A value between steps: its variable(s) and index letters ({@code k} for frequency bins). */
    private record Val(String re, String im, String idx) {
        boolean complex() {
            return im != null;
        }
    }

    /**
     * @param part for the dynamics gradient, which part of the derivative kernel ("DERIVATIVE_RE" or
     *             "DERIVATIVE_IM"); "KERNEL" otherwise
     */
    private PlanEmitter(Plan plan, String part) {
        this.plan = plan;
        this.spec = plan.spec();
        this.part = part;
    }

    /** The method body: sizes, the steps, and the result in the spec's output order. */
    static CodeBlock body(Plan plan, String part) {
        PlanEmitter e = new PlanEmitter(plan, part);
        return e.emit();
    }

    private CodeBlock emit() {
        code.add("// $L\n", plan.shape());
        if (plan.algorithm() instanceof TimeAlgorithm.Fft f) {
            // the plan's FFT size covers every length up to the planned one; longer sequences take a larger fast size
            code.addStatement("int n = length <= $L ? $L : $T.nextFastSize(2 * length - 1)", spec.length(), f.size(),
                    Poet.REAL_FFT);
            code.addStatement("int bins = n / 2 + 1");
        } else {
            code.addStatement("int n = 0");
            code.addStatement("int bins = 0");
        }
        code.addStatement("$T size = c -> size(c, batch, length, bins)", Poet.INT_UNARY);
        Val root = eval(plan.root());
        if (root.idx().equals(spec.output())) {
            code.addStatement("return $L", root.re());
        } else {
            code.addStatement("return $T.map($S, $L, $S, size)", Poet.LAYOUT, root.idx(), root.re(), spec.output());
        }
        return code.build();
    }

    private String fresh(String prefix) {
        return prefix + (next++);
    }

    private Val eval(PlanStep step) {
        Val v = step instanceof PlanStep.Leaf l ? leaf(l) : join((PlanStep.Join) step);
        if (step.transformed()) {
            if (step.delivered() == Domain.FREQ) {
                char t = timeLetter(v.idx());
                String f = fresh("f");
                code.addStatement("float[][] $L = $T.fft($S, '$L', $L, length, n, size)", f, Poet.PLAN_STEPS, v.idx(), t, v.re());
                v = new Val(f + "[0]", f + "[1]", v.idx().replace(String.valueOf(t), "") + "k");
            } else {
                char letter = step.role().letter();
                String t = fresh("t");
                code.addStatement("float[] $L = $T.ifft($S, $L, $L, '$L', length, n, size)", t, Poet.PLAN_STEPS, v.idx(),
                        v.re(), v.im(), letter);
                v = new Val(t, null, v.idx().replace("k", "") + letter);
            }
        }
        return v;
    }

    private Val leaf(PlanStep.Leaf l) {
        Operand op = spec.operands().get(l.operand());
        if (!op.isKernel()) {
            if (op.kind() == Operand.Kind.SIGNAL) {
                return new Val(op.name(), null, op.indices());
            }
            String w = fresh("w");
            code.addStatement("float[] $L = discretization.weights().get($S)", w, op.name());
            return new Val(w, null, op.indices());
        }
        String states = op.stateIndices();
        String k = fresh("k");
        switch (l.making()) {
            case MULTIPLIERS -> {
                code.addStatement("float[][] $L = $T.multipliers(discretization.dtARe(), discretization.dtAIm())", k,
                        Poet.PLAN_STEPS);
                return new Val(k + "[0]", k + "[1]", states);
            }
            case POWERS -> {
                code.addStatement("float[] $L = $T.kernelByPowers(discretization.dtARe(), discretization.dtAIm(), length, $T.$L)",
                        k, Poet.PLAN_STEPS, Poet.PART, part);
                return new Val(k, null, states + "l");
            }
            case CLOSED_FORM -> {
                code.addStatement("float[][] $L = $T.kernelSpectrum(discretization.dtARe(), discretization.dtAIm(), length, n, $T.$L)",
                        k, Poet.PLAN_STEPS, Poet.PART, part);
                return new Val(k + "[0]", k + "[1]", states + "k");
            }
            default -> throw new IllegalStateException("a kernel made as " + l.making());
        }
    }

    private Val join(PlanStep.Join j) {
        Val a = eval(j.left());
        Val b = eval(j.right());
        String out = j.indices();
        boolean freq = j.computed() == Domain.FREQ;
        if (freq) {
            out = toFreq(out);
        }
        boolean coupled = j.coupling() == PlanStep.Coupling.CONV || j.coupling() == PlanStep.Coupling.CORR
                || j.coupling() == PlanStep.Coupling.XCORR;
        if (coupled && !(plan.algorithm() instanceof TimeAlgorithm.Fft)) {
            return recurrence(j, a, b, out);
        }
        if (coupled) {
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
        }
        String t = fresh("t");
        code.addStatement("float[] $L = new float[(int) $T.count($S, size)]", t, Poet.LAYOUT, out);
        if (freq) {
            code.addStatement("float[] $Li = new float[$L.length]", t, t);
        }
        code.addStatement("$T.pairwise($S, $L, $L, $S, $L, $L, $S, $L, $L, size)", Poet.CONTRACT, a.idx(), a.re(),
                a.complex() ? a.im() : "null", b.idx(), b.re(), b.complex() ? b.im() : "null", out, t,
                freq ? t + "i" : "null");
        return new Val(t, freq ? t + "i" : null, out);
    }

    private Val conj(Val v) {
        String c = fresh("c");
        code.addStatement("float[] $L = $T.negate($L)", c, Poet.PLAN_STEPS, v.im());
        return new Val(v.re(), c, v.idx());
    }

    private Val recurrence(PlanStep.Join j, Val a, Val b, String out) {
        boolean leftIsKernel = j.left().role() == TimeRole.LAG;
        Val signal = leftIsKernel ? b : a;
        Val kernel = leftIsKernel ? a : b;
        PlanStep signalStep = leftIsKernel ? j.right() : j.left();
        char inTime = signalStep.role().letter();
        char outTime = j.role().hasTime() ? j.role().letter() : inTime;
        StringBuilder lanes = new StringBuilder(signal.idx().replace(String.valueOf(inTime), ""));
        for (char c : kernel.idx().toCharArray()) {
            if (lanes.indexOf(String.valueOf(c)) < 0) {
                lanes.append(c);
            }
        }
        int chunk = plan.algorithm() instanceof TimeAlgorithm.Chunked ch ? ch.chunk() : 0;
        String t = fresh("t");
        code.addStatement("float[] $L = $T.recurrence($S, '$L', $L, $S, $L, $L, $S, $S, '$L', length, $L, $L, $T.$L, size)",
                t, Poet.PLAN_STEPS, signal.idx(), inTime, signal.re(), kernel.idx(), kernel.re(), kernel.im(),
                lanes.toString(), out, outTime, j.coupling() == PlanStep.Coupling.CORR, chunk, Poet.PART, part);
        return new Val(t, null, out);
    }

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
}
