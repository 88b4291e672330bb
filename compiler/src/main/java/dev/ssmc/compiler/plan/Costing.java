package dev.ssmc.compiler.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost model of one spec under one time algorithm: what every leaf and join costs in each
 * domain, and which joins the algorithm allows. Counts real floating-point operations (a complex
 * multiply-add is 8, a complex-by-real one 4; a real FFT of n points 2.5 n log2 n), bytes written
 * and read through intermediates (a quarter when they fit in cache), and a fixed overhead per step,
 * each turned into seconds by the {@link Profile}.
 */
final class Costing {
    /** Flops to make one kernel value by powers (an exponential amortized over a block of multiplies). */
    static final double POWER_FLOPS = 8;
    /** Flops for one bin of the closed-form spectrum (a complex division and a few multiplies, both halves). */
    static final double CLOSED_FORM_FLOPS = 60;
    /** Flops per lane and sample of the recurrence: a complex multiply and a real add. */
    static final double SCAN_FLOPS = 7;
    /** Flops per state lane and sample to read a carried state out (8) and to advance it across a chunk (4). */
    static final double CARRY_FLOPS = 12;

    final ContractionSpec spec;
    final TimeAlgorithm algorithm;
    final Profile profile;
    final int count;
    final int kernel;
    final int fftSize;
    final int bins;
    /** Lags of a kernel made in time. */
    final int kernelLags;
    private final Map<Integer, String> indexMemo = new HashMap<>();

    Costing(ContractionSpec spec, TimeAlgorithm algorithm, Profile profile) {
        this.spec = spec;
        this.algorithm = algorithm;
        this.profile = profile;
        this.count = spec.operands().size();
        this.kernel = spec.kernelOperand();
        this.fftSize = algorithm instanceof TimeAlgorithm.Fft f ? f.size() : 0;
        this.bins = fftSize / 2 + 1;
        this.kernelLags = spec.length();
    }

    // ---- what a subset of operands holds ----

    TimeRole role(int subset) {
        java.util.EnumSet<TimeRole> inside = java.util.EnumSet.noneOf(TimeRole.class);
        boolean timeOutside = spec.outputRole().hasTime();
        for (int i = 0; i < count; i++) {
            TimeRole r = spec.operands().get(i).role();
            if ((subset & (1 << i)) != 0) {
                inside.add(r);
            } else if (r.hasTime()) {
                timeOutside = true;
            }
        }
        TimeRole r = TimeRole.of(inside);
        return r.hasTime() && timeOutside ? r : TimeRole.NONE;
    }

    /** Non-time indices a subset's result keeps: those of its operands also used outside it or in the output. */
    String stateIndices(int subset) {
        return indexMemo.computeIfAbsent(subset, s -> {
            StringBuilder inside = new StringBuilder();
            StringBuilder outside = new StringBuilder(spec.output());
            for (int i = 0; i < count; i++) {
                String idx = spec.operands().get(i).stateIndices();
                StringBuilder target = (s & (1 << i)) != 0 ? inside : outside;
                for (char c : idx.toCharArray()) {
                    if (target.indexOf(String.valueOf(c)) < 0) {
                        target.append(c);
                    }
                }
            }
            StringBuilder kept = new StringBuilder();
            for (char c : inside.toString().toCharArray()) {
                if (outside.indexOf(String.valueOf(c)) >= 0 && !TimeRole.isTimeLetter(c)) {
                    kept.append(c);
                }
            }
            return kept.toString();
        });
    }

    String indices(int subset) {
        TimeRole r = role(subset);
        return stateIndices(subset) + (r.hasTime() ? String.valueOf(r.letter()) : "");
    }

    /** Results holding the derivative kernel carry two real parts (the dynamics gradient is complex). */
    int width(int subset) {
        for (int i = 0; i < count; i++) {
            if ((subset & (1 << i)) != 0 && spec.operands().get(i).kind() == Operand.Kind.LAG_KERNEL) {
                return 2;
            }
        }
        return 1;
    }

    double product(String letters) {
        double p = 1;
        for (char c : letters.toCharArray()) {
            p *= spec.size(c);
        }
        return p;
    }

    /** Letters in either string, once. */
    static String union(String a, String b) {
        StringBuilder u = new StringBuilder(a);
        for (char c : b.toCharArray()) {
            if (u.indexOf(String.valueOf(c)) < 0) {
                u.append(c);
            }
        }
        return u.toString();
    }

    /** Floats of a subset's result in a domain (complex bins count twice). */
    double floats(int subset, Domain d) {
        double e = product(stateIndices(subset)) * width(subset);
        if (role(subset).hasTime()) {
            e *= d == Domain.TIME ? spec.length() : 2.0 * bins;
        }
        return e;
    }

    // ---- turning work into seconds ----

    Cost item(String what, StepKind kind, double flops, double resultFloats, int readFloatsTimes) {
        double bytes = 4 * resultFloats * (1 + readFloatsTimes);
        double bw = 4 * resultFloats <= profile.cacheBytes() ? 4 * profile.bytesPerSecond() : profile.bytesPerSecond();
        double seconds = flops / profile.speed(kind) + bytes / bw + profile.stepOverhead();
        return Cost.of(new Cost.Item(what, kind, flops, bytes, seconds), 4 * resultFloats);
    }

    /** Elements moved to another index order. */
    Cost layout(String what, double elements) {
        return item(what, StepKind.LAYOUT, elements, 0, 0);
    }

    double fftFlops(double rows) {
        return rows * 2.5 * fftSize * (Math.log(fftSize) / Math.log(2));
    }

    /** An FFT or inverse FFT of a subset's result. */
    Cost transform(int subset, Domain to) {
        if (fftSize == 0) {
            return Cost.IMPOSSIBLE;
        }
        double rows = product(stateIndices(subset)) * width(subset);
        // the time axis is moved last before the transform (both parts of a spectrum)
        double moved = to == Domain.FREQ ? floats(subset, Domain.TIME) : floats(subset, Domain.FREQ);
        return item((to == Domain.FREQ ? "fft " : "ifft ") + indices(subset), StepKind.FFT, fftFlops(rows),
                floats(subset, to), 1).plus(layout("time last " + indices(subset), moved));
    }

    // ---- leaves ----

    /** A leaf made and delivered in {@code computed}; the kernel may be made in two ways in frequency. */
    record Option(PlanStep step, Cost cost) {
    }

    List<Option> leafOptions(int i) {
        Operand op = spec.operands().get(i);
        int s = 1 << i;
        List<Option> out = new ArrayList<>();
        String idx = indices(s);
        TimeRole r = op.role();
        switch (op.kind()) {
            case WEIGHT -> out.add(new Option(new PlanStep.Leaf(i, idx, r, Domain.TIME, Domain.TIME, PlanStep.Making.NONE),
                    item("load " + op.name(), StepKind.ELEMENTWISE, 0, product(idx), 0)));
            case SIGNAL -> out.add(new Option(new PlanStep.Leaf(i, idx, r, Domain.TIME, Domain.TIME, PlanStep.Making.NONE),
                    item("load " + op.name(), StepKind.ELEMENTWISE, 0, floats(s, Domain.TIME), 0)));
            case KERNEL, LAG_KERNEL -> {
                double states = product(op.stateIndices()) * width(s);
                Cost powers = item(op.name() + " by powers", StepKind.KERNEL, states * kernelLags * POWER_FLOPS,
                        states * kernelLags, 1);
                out.add(new Option(new PlanStep.Leaf(i, idx, r, Domain.TIME, Domain.TIME, PlanStep.Making.POWERS), powers));
                if (fftSize > 0) {
                    out.add(new Option(new PlanStep.Leaf(i, idx, r, Domain.FREQ, Domain.FREQ, PlanStep.Making.CLOSED_FORM),
                            item(op.name() + " in closed form", StepKind.KERNEL, states * bins * CLOSED_FORM_FLOPS,
                                    floats(s, Domain.FREQ), 1)));
                }
            }
        }
        return out;
    }

    /** The multipliers alone, for a scan or the chunked algorithm. */
    Option multipliers(int i) {
        Operand op = spec.operands().get(i);
        double states = product(op.stateIndices());
        return new Option(new PlanStep.Leaf(i, indices(1 << i), op.role(), Domain.TIME, Domain.TIME,
                PlanStep.Making.MULTIPLIERS), item(op.name() + " multipliers", StepKind.KERNEL, states * 30, 2 * states, 0));
    }

    // ---- joins ----

    /**
     * The join of two child results delivered in the given domains: its cost and where it is
     * computed, or nothing when the algorithm or the domains do not allow it.
     */
    Option join(Option a, Option b) {
        PlanStep sa = a.step();
        PlanStep sb = b.step();
        int subset = sa.subset() | sb.subset();
        boolean multipliers = isMultipliers(sa) || isMultipliers(sb);
        TimeRole ra = sa.role();
        TimeRole rb = sb.role();
        TimeRole rs = role(subset);
        String kept = stateIndices(subset);
        String all = union(stateIndices(sa.subset()), stateIndices(sb.subset()));
        boolean sums = all.length() > kept.length();
        int w = width(subset);
        PlanStep.Coupling coupling;
        Domain computed;
        Cost work;
        if (ra.hasTime() && rb.hasTime() && ra != rb) {
            coupling = ra == TimeRole.DOWN || rb == TimeRole.DOWN
                    ? (ra == TimeRole.UP || rb == TimeRole.UP ? PlanStep.Coupling.XCORR : PlanStep.Coupling.CORR)
                    : PlanStep.Coupling.CONV;
            boolean recurrent = !(algorithm instanceof TimeAlgorithm.Fft);
            if (multipliers != recurrent) {
                return null; // the scan and the chunked algorithm run on the multipliers, and only they do
            }
            if (!recurrent) {
                if (sa.delivered() != Domain.FREQ || sb.delivered() != Domain.FREQ) {
                    return null;
                }
                computed = Domain.FREQ;
                double macs = product(all) * bins * w;
                work = item("product in frequency " + indices(subset), sums ? StepKind.GEMM : StepKind.ELEMENTWISE,
                        8 * macs, floats(subset, computed), 1);
            } else if (coupling == PlanStep.Coupling.XCORR) {
                return null; // lags of a cross-correlation need the FFT
            } else if (sa.delivered() != Domain.TIME || sb.delivered() != Domain.TIME) {
                return null;
            } else {
                computed = Domain.TIME;
                double lanes = product(all) * w;
                boolean forward = coupling == PlanStep.Coupling.CONV;
                if (algorithm instanceof TimeAlgorithm.Scan) {
                    work = item((forward ? "scan " : "reverse scan ") + all, StepKind.SCAN,
                            lanes * spec.length() * SCAN_FLOPS, lanes * spec.length(), 0);
                } else {
                    if (w != 1) {
                        return null; // the derivative kernel l a^l is no sum of exponentials: no chunked form
                    }
                    double t = Math.min(((TimeAlgorithm.Chunked) algorithm).chunk(), spec.length());
                    // per chunk and state: a T x T Toeplitz product over the other lanes, and the carried state
                    work = item((forward ? "toeplitz chunks " : "reverse toeplitz chunks ") + all, StepKind.GEMM,
                            lanes * spec.length() * t, lanes * spec.length(), 0)
                            .plus(item("carry across chunks " + all, StepKind.ELEMENTWISE,
                                    lanes * spec.length() * CARRY_FLOPS, lanes * 2, 0));
                }
                // the signal is laid out time-major (or lane-major) over every lane, the result back
                work = work.plus(layout("lanes of " + all, 2 * lanes * spec.length()));
                if (sums) {
                    work = work.plus(item("sum to " + indices(subset), StepKind.ELEMENTWISE, lanes * spec.length(),
                            floats(subset, computed), 1));
                }
            }
        } else if (multipliers) {
            return null;
        } else if (ra.hasTime() && rb.hasTime()) {
            coupling = PlanStep.Coupling.SAME_TIME;
            if (sa.delivered() != Domain.TIME || sb.delivered() != Domain.TIME) {
                return null; // a product over time is not a product over frequency
            }
            computed = Domain.TIME;
            boolean sumsTime = !rs.hasTime();
            double macs = product(all) * spec.length() * w;
            work = item("contract " + indices(subset), sums || sumsTime ? StepKind.GEMM : StepKind.ELEMENTWISE,
                    macs * (sums || sumsTime ? 2 : 1), floats(subset, computed), 1);
        } else {
            coupling = PlanStep.Coupling.NONE;
            PlanStep timed = ra.hasTime() ? sa : rb.hasTime() ? sb : null;
            computed = timed == null ? Domain.TIME : timed.delivered();
            double macs = product(all) * w;
            if (timed != null) {
                macs *= computed == Domain.TIME ? spec.length() : 2.0 * bins;
            }
            work = item("contract " + indices(subset), sums ? StepKind.GEMM : StepKind.ELEMENTWISE,
                    macs * (sums ? 2 : 1), floats(subset, computed), 1);
        }
        if (spec.carry() && coupling != PlanStep.Coupling.NONE && coupling != PlanStep.Coupling.SAME_TIME
                && algorithm instanceof TimeAlgorithm.Fft) {
            // an FFT inside a chunk knows nothing of earlier chunks: read the carried state out and advance it
            double stateLanes = product(union(all, spec.operands().get(kernel).stateIndices()));
            work = work.plus(item("carry the state", StepKind.ELEMENTWISE, stateLanes * spec.length() * CARRY_FLOPS,
                    stateLanes * 2, 0));
        }
        PlanStep.Join step = new PlanStep.Join(sa, sb, indices(subset), rs, coupling, computed, computed);
        return new Option(step, a.cost().plus(b.cost()).plus(work));
    }

    static boolean isMultipliers(PlanStep s) {
        return s instanceof PlanStep.Leaf l && l.making() == PlanStep.Making.MULTIPLIERS;
    }

    /** The same result delivered in the other domain, by an FFT or an inverse FFT. */
    Option deliverIn(Option o, Domain d) {
        PlanStep s = o.step();
        if (s.delivered() == d) {
            return o;
        }
        if (!s.role().hasTime() || s.transformed() || isMultipliers(s)) {
            return null;
        }
        Cost c = o.cost().plus(transform(s.subset(), d));
        if (!c.possible()) {
            return null;
        }
        PlanStep moved = s instanceof PlanStep.Leaf l
                ? new PlanStep.Leaf(l.operand(), l.indices(), l.role(), l.computed(), d, l.making())
                : withDelivered((PlanStep.Join) s, d);
        return new Option(moved, c);
    }

    private static PlanStep.Join withDelivered(PlanStep.Join j, Domain d) {
        return new PlanStep.Join(j.left(), j.right(), j.indices(), j.role(), j.coupling(), j.computed(), d);
    }

    /** Whether a finished plan's root is usable: time outputs come back to time. */
    boolean acceptableRoot(PlanStep root) {
        return !root.role().hasTime() || root.delivered() == Domain.TIME;
    }

    int allOperands() {
        return (1 << count) - 1;
    }
}
