package dev.ssmc.compiler.codegen;

import com.palantir.javapoet.CodeBlock;
import dev.ssmc.compiler.plan.ContractionSpec;
import dev.ssmc.compiler.plan.Domain;
import dev.ssmc.compiler.plan.Operand;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.PlanStep;
import dev.ssmc.compiler.plan.TimeAlgorithm;
import dev.ssmc.compiler.plan.TimeRole;
import dev.ssmc.runtime.plan.PlanSteps;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the code that computes plans: one statement per step, each a call of a runtime kernel
 * with the step's index letters written out, in the order the plan evaluates them. It is what
 * {@code PlanExecutor} does at run time, decided at compile time.
 *
 * <p>One emitter writes one method, which may compute several plans (a block's backward passes
 * share their signals' spectra, their cross-correlations and their kernels): a step already
 * computed for an earlier plan of the method, with the same inputs and layout, is reused instead
 * of being written again. A maximal part of a plan that depends on the weights only (a kernel
 * and its spectrum) is kept in the block's {@code cache} across calls, until the weights change
 * (a new {@code discretization}) or the length does, so the backward pass reuses what the forward
 * pass made and inference makes it once. The generated code takes the block's signals ({@code u},
 * {@code g}), {@code batch} and {@code length}, and reads the discretized operands from the
 * block's {@code discretization}.
 *
 * <p>Every array comes from the call's workspace {@code ws} (see {@code Workspace}): the next
 * call of the same shapes reuses them instead of allocating. The cache keeps copies of what it
 * keeps, and the generator detaches what the method returns.
 */
final class PlanEmitter {
    private final CodeBlock.Builder code = CodeBlock.builder();
    /** Values computed so far and in scope, by what they compute (see {@link #key}). */
    private Map<String, Val> computed = new HashMap<>();
    /** The size function declared for each FFT size (0: no FFT), by its variable suffix. */
    private final Map<Integer, String> sizeFunctions = new HashMap<>();
    private int next;

    // the plan being written
    private Plan plan;
    private ContractionSpec spec;
    private PlanSteps.Part part;
    private int fftSize;
    private String size;
    private String n;

    /** A value between steps: its variable(s) and index letters ({@code k} for frequency bins). */
    private record Val(String re, String im, String idx) {
        boolean complex() {
            return im != null;
        }
    }

    /**
     * Writes the steps of {@code plan} that earlier plans of this method did not compute, and
     * returns the variable that holds its result in the spec's output order.
     *
     * @param part for the dynamics gradient, which part of the derivative kernel (DERIVATIVE_RE or
     *             DERIVATIVE_IM); KERNEL otherwise
     */
    String value(Plan plan, PlanSteps.Part part) {
        this.plan = plan;
        this.spec = plan.spec();
        this.part = part;
        this.fftSize = plan.algorithm() instanceof TimeAlgorithm.Fft f ? f.size() : 0;
        code.add("// $L: $L\n", spec.pass().label(), plan.shape());
        declareSizes();
        Val root = eval(plan.root());
        if (root.idx().equals(spec.output())) {
            return root.re();
        }
        String key = "map(" + key(plan.root()) + " -> " + spec.output() + ")";
        Val known = computed.get(key);
        if (known != null) {
            return known.re();
        }
        String r = fresh("r");
        code.addStatement("float[] $L = $T.map($S, $L, $S, $L, ws)", r, Poet.PLAN_STEPS, root.idx(), root.re(), spec.output(),
                size);
        computed.put(key, new Val(r, null, spec.output()));
        return r;
    }

    /** The code written so far. */
    CodeBlock code() {
        return code.build();
    }

    /** The FFT size and the index sizes of the current plan, declared once per FFT size. */
    private void declareSizes() {
        String suffix = fftSize == 0 ? "" : String.valueOf(fftSize);
        size = "size" + suffix;
        n = "n" + suffix;
        if (sizeFunctions.containsKey(fftSize)) {
            return;
        }
        sizeFunctions.put(fftSize, suffix);
        if (fftSize > 0) {
            // the plan's FFT size covers every length up to the planned one; longer sequences take a larger fast size
            code.addStatement("int $L = length <= $L ? $L : $T.nextFastSize(2 * length - 1)", n, spec.length(), fftSize,
                    Poet.REAL_FFT);
            code.addStatement("int bins$L = $L / 2 + 1", suffix, n);
            code.addStatement("$T $L = c -> size(c, batch, length, bins$L)", Poet.INT_UNARY, size, suffix);
        } else {
            code.addStatement("$T $L = c -> size(c, batch, length, 0)", Poet.INT_UNARY, size);
        }
    }

    private String fresh(String prefix) {
        return prefix + (next++);
    }

    /**
     * What a step computes, as text: equal keys mean equal values within one call. The FFT size
     * is part of every key that involves frequency; the kernel part of every key with a kernel.
     */
    private String key(PlanStep step) {
        String k;
        if (step instanceof PlanStep.Leaf l) {
            Operand op = spec.operands().get(l.operand());
            k = op.name() + ":" + l.indices();
            if (op.isKernel()) {
                k += ":" + l.making() + ":" + part + (l.making() == PlanStep.Making.CLOSED_FORM ? "@" + fftSize : "");
            }
        } else {
            PlanStep.Join j = (PlanStep.Join) step;
            k = "(" + key(j.left()) + " " + j.coupling() + " " + key(j.right()) + " -> " + j.indices() + " "
                    + j.computed() + (j.computed() == Domain.FREQ ? "@" + fftSize : "")
                    + (!(plan.algorithm() instanceof TimeAlgorithm.Fft) && j.coupling() != PlanStep.Coupling.NONE
                        ? " " + plan.algorithm() + ":" + part : "")
                    + ")";
        }
        if (step.transformed()) {
            k = (step.delivered() == Domain.FREQ ? "fft@" : "ifft-" + step.role().letter() + "@") + fftSize + "(" + k + ")";
        }
        return k;
    }

    /** Whether a step depends on the weights only (no signal among its operands). */
    private boolean weightsOnly(PlanStep step) {
        if (step instanceof PlanStep.Leaf l) {
            return spec.operands().get(l.operand()).kind() != Operand.Kind.SIGNAL;
        }
        PlanStep.Join j = (PlanStep.Join) step;
        return weightsOnly(j.left()) && weightsOnly(j.right());
    }

    private Val eval(PlanStep step) {
        String key = key(step);
        Val known = computed.get(key);
        if (known != null) {
            return known;
        }
        Val v = step instanceof PlanStep.Leaf l ? leaf(l) : join((PlanStep.Join) step);
        if (step.transformed()) {
            if (step.delivered() == Domain.FREQ) {
                char t = timeLetter(v.idx());
                String f = fresh("f");
                code.addStatement("float[][] $L = $T.fft($S, '$L', $L, length, $L, $L, ws)", f, Poet.PLAN_STEPS, v.idx(), t,
                        v.re(), n, size);
                v = new Val(f + "[0]", f + "[1]", v.idx().replace(String.valueOf(t), "") + "k");
            } else {
                char letter = step.role().letter();
                String t = fresh("t");
                code.addStatement("float[] $L = $T.ifft($S, $L, $L, '$L', length, $L, $L, ws)", t, Poet.PLAN_STEPS, v.idx(),
                        v.re(), v.im(), letter, n, size);
                v = new Val(t, null, v.idx().replace("k", "") + letter);
            }
        }
        computed.put(key, v);
        return v;
    }

    /**
     * An operand of a join that mixes weights with a signal: when it depends on the weights only
     * and is more than a stored weight, it comes from the block's cache, computed on a miss.
     */
    private Val operand(PlanStep step) {
        boolean storedWeight = step instanceof PlanStep.Leaf l && !spec.operands().get(l.operand()).isKernel();
        if (storedWeight || !weightsOnly(step)) {
            return eval(step);
        }
        String key = key(step);
        Val known = computed.get(key);
        if (known != null) {
            return known;
        }
        String c = fresh("cached");
        code.addStatement("float[][] $L = cache.get(discretization, length, $S)", c, key);
        code.beginControlFlow("if ($L == null)", c);
        Map<String, Val> outside = computed;
        computed = new HashMap<>(outside); // what is computed inside the block is out of scope after it
        Val v = eval(step); // in the workspace too: the cache keeps copies
        code.addStatement("$L = cache.put(discretization, length, $S, $L, $L)", c, key, v.re(), v.complex() ? v.im() : "null");
        code.endControlFlow();
        computed = outside;
        Val r = new Val(c + "[0]", v.complex() ? c + "[1]" : null, v.idx());
        computed.put(key, r);
        return r;
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
                code.addStatement("float[][] $L = $T.decays(discretization.dtARe(), discretization.dtAIm())", k,
                        Poet.PLAN_STEPS);
                return new Val(k + "[0]", k + "[1]", states);
            }
            case POWERS -> {
                code.addStatement("float[] $L = $T.kernelByPowers(discretization.dtARe(), discretization.dtAIm(), length, $T.$L, ws)",
                        k, Poet.PLAN_STEPS, Poet.PART, part.name());
                return new Val(k, null, states + "l");
            }
            case CLOSED_FORM -> {
                code.addStatement("float[][] $L = $T.kernelSpectrum(discretization.dtARe(), discretization.dtAIm(), length, $L, $T.$L, ws)",
                        k, Poet.PLAN_STEPS, n, Poet.PART, part.name());
                return new Val(k + "[0]", k + "[1]", states + "k");
            }
            default -> throw new IllegalStateException("a kernel made as " + l.making());
        }
    }

    private Val join(PlanStep.Join j) {
        boolean mixed = weightsOnly(j.left()) != weightsOnly(j.right());
        Val a = mixed ? operand(j.left()) : eval(j.left());
        Val b = mixed ? operand(j.right()) : eval(j.right());
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
        code.addStatement("float[] $L = ws.floats((int) $T.count($S, $L))", t, Poet.LAYOUT, out, size);
        if (freq) {
            code.addStatement("float[] $Li = ws.floats($L.length)", t, t);
        }
        code.addStatement("$T.pairwise($S, $L, $L, $S, $L, $L, $S, $L, $L, $L)", Poet.CONTRACT, a.idx(), a.re(),
                a.complex() ? a.im() : "null", b.idx(), b.re(), b.complex() ? b.im() : "null", out, t,
                freq ? t + "i" : "null", size);
        return new Val(t, freq ? t + "i" : null, out);
    }

    private Val conj(Val v) {
        String key = "conj(" + v.im() + ")";
        Val known = computed.get(key);
        if (known == null) {
            String c = fresh("c");
            code.addStatement("float[] $L = $T.negate($L, ws)", c, Poet.PLAN_STEPS, v.im());
            known = new Val(v.re(), c, v.idx());
            computed.put(key, known);
        }
        return known;
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
        code.addStatement("float[] $L = $T.recurrence($S, '$L', $L, $S, $L, $L, $S, $S, '$L', length, $L, $L, $T.$L, $L, ws)",
                t, Poet.PLAN_STEPS, signal.idx(), inTime, signal.re(), kernel.idx(), kernel.re(), kernel.im(),
                lanes.toString(), out, outTime, j.coupling() == PlanStep.Coupling.CORR, chunk, Poet.PART, part, size);
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
