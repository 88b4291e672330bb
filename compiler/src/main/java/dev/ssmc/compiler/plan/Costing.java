package dev.ssmc.compiler.plan;

import dev.ssmc.runtime.kernels.Contract;
import dev.ssmc.runtime.plan.PlanSteps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cost model of one spec under one time algorithm: what every leaf and join costs in each
 * domain, and which joins the algorithm allows. Counts real floating-point operations (a complex
 * multiply-add is 8, a complex-by-real one 4; a real FFT of n points 2.5 n log2 n), elements moved
 * between index orders, bytes written and read through intermediates (a quarter of the time when
 * they fit in cache), and a fixed overhead per step, each turned into seconds by the {@link Profile}.
 *
 * <p>It knows each intermediate's index order as the plan executor holds it, and asks the runtime's
 * kernels what they will do with it: whether a contraction copies its operands first and runs as
 * matrix products or lane-wise sums ({@code Contract.work}), whether an FFT's input is already
 * time-last (a copy) or must be permuted, and how many threads a kernel splits its work between
 * (the profile's speeds are single-thread ones).
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
    /** How much faster than through memory data moves within the cache. */
    static final double CACHE_SPEEDUP = 4;

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
        return item(what, kind, flops, resultFloats, readFloatsTimes, 1);
    }

    /**
     * A step's cost: its operations at the profile's single-thread speed for the kind, shared by
     * {@code parts} threads when its kernel splits them (the kernels say when), its result written
     * and read {@code readFloatsTimes} times through memory or cache, and the overhead of a step.
     */
    Cost item(String what, StepKind kind, double flops, double resultFloats, int readFloatsTimes, int parts) {
        return cost(what, kind, flops, resultFloats, readFloatsTimes, parts, profile.stepOverhead());
    }

    /** Work a step's kernel does on the way (moving its operands or result): no overhead of its own. */
    Cost within(String what, StepKind kind, double flops, double resultFloats, int readFloatsTimes) {
        return cost(what, kind, flops, resultFloats, readFloatsTimes, 1, 0);
    }

    /** {@code speedup}: how many times the profile's speed the operations run at (threads, or cache). */
    private Cost cost(String what, StepKind kind, double flops, double resultFloats, int readFloatsTimes,
                      double speedup, double overhead) {
        double bytes = 4 * resultFloats * (1 + readFloatsTimes);
        double bw = 4 * resultFloats <= profile.cacheBytes() ? CACHE_SPEEDUP * profile.bytesPerSecond()
                : profile.bytesPerSecond();
        double seconds = flops / (profile.speed(kind) * speedup) + bytes / bw + overhead;
        return Cost.of(new Cost.Item(what, kind, flops, bytes, seconds), 4 * resultFloats);
    }

    /**
     * Elements moved to another index order (inside a step). The profile's layout speed is that of
     * long signals, strided passes over memory; moves within the cache run faster.
     */
    Cost layout(String what, double elements) {
        double speedup = 4 * elements <= profile.cacheBytes() ? CACHE_SPEEDUP : 1;
        return cost(what, StepKind.LAYOUT, elements, 0, 0, speedup, 0);
    }

    double fftFlops(double rows) {
        return rows * 2.5 * fftSize * (Math.log(fftSize) / Math.log(2));
    }

    /** Elements copied in the same order (inside a step; a memory copy: written, then read). */
    Cost copy(String what, double elements) {
        return within(what, StepKind.ELEMENTWISE, 0, elements, 1);
    }

    /** Elements moved from one index order to another: a copy when the order does not change. */
    Cost move(String what, String from, String to, double elements) {
        return from.equals(to) ? copy("copy " + what, elements) : layout(what, elements);
    }

    /**
     * The index order the executor holds a step's result in: an operand's own order, a join's
     * indices; time is last, and in frequency it is the bin letter {@code k}.
     */
    String layoutOf(PlanStep s) {
        String base = s instanceof PlanStep.Leaf l ? spec.operands().get(l.operand()).indices() : s.indices();
        if (!s.role().hasTime() || s.delivered() == Domain.TIME) {
            return base;
        }
        return PlanSteps.rows(base, s.role().letter()) + "k";
    }

    /** A letter's size, {@code k} being the frequency bins. */
    int sizeOf(int letter) {
        return letter == 'k' ? bins : spec.size((char) letter);
    }

    /** An FFT or inverse FFT of a step's result (which the executor first lays out with time last). */
    Cost transform(PlanStep s, Domain to) {
        if (fftSize == 0) {
            return Cost.IMPOSSIBLE;
        }
        int subset = s.subset();
        double rows = product(stateIndices(subset)) * width(subset);
        String from = layoutOf(s);
        char time = to == Domain.FREQ ? s.role().letter() : 'k';
        Cost moved = move("time last " + indices(subset), from, PlanSteps.rows(from, time) + time,
                to == Domain.FREQ ? floats(subset, Domain.TIME) : floats(subset, Domain.FREQ));
        return item((to == Domain.FREQ ? "fft " : "ifft ") + indices(subset), StepKind.FFT, fftFlops(rows),
                floats(subset, to), 1, PlanSteps.fftParts(fftSize, (int) rows)).plus(moved);
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
                        states * kernelLags, 1, PlanSteps.kernelParts((int) states, kernelLags));
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
        Cost work = Cost.ZERO;
        Contraction contraction = null;
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
                contraction = new Contraction("product in frequency ", 8 * product(all) * bins * w);
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
            contraction = new Contraction("contract ", macs * (sums || sumsTime ? 2 : 1));
        } else {
            coupling = PlanStep.Coupling.NONE;
            PlanStep timed = ra.hasTime() ? sa : rb.hasTime() ? sb : null;
            computed = timed == null ? Domain.TIME : timed.delivered();
            double macs = product(all) * w;
            if (timed != null) {
                macs *= computed == Domain.TIME ? spec.length() : 2.0 * bins;
            }
            contraction = new Contraction("contract ", macs * (sums ? 2 : 1));
        }
        if (contraction != null) {
            // a pairwise contraction: what its kernel will do with these layouts (copies, threads)
            String out = computed == Domain.FREQ ? PlanSteps.rows(indices(subset), rs.letter()) + "k" : indices(subset);
            Contract.Work cw = Contract.work(layoutOf(sa), sa.delivered() == Domain.FREQ, layoutOf(sb),
                    sb.delivered() == Domain.FREQ, out, computed == Domain.FREQ, this::sizeOf);
            // matrix products run at matrix speed; lane-wise sums and broadcast products at elementwise speed
            StepKind kind = cw.path() == Contract.Path.PRODUCTS ? StepKind.GEMM : StepKind.ELEMENTWISE;
            work = item(contraction.label() + indices(subset), kind, contraction.flops(), floats(subset, computed), 1,
                    cw.parts());
            if (cw.copied() > 0) {
                work = work.plus(layout("copies for " + out, (double) cw.copied() * w));
            }
        }
        boolean timeCoupled = coupling != PlanStep.Coupling.NONE && coupling != PlanStep.Coupling.SAME_TIME;
        if (spec.carry() && timeCoupled && algorithm instanceof TimeAlgorithm.Fft) {
            // an FFT inside a chunk knows nothing of earlier chunks: read the carried state out and advance it
            double stateLanes = product(union(all, spec.operands().get(kernel).stateIndices()));
            work = work.plus(item("carry the state", StepKind.ELEMENTWISE, stateLanes * spec.length() * CARRY_FLOPS,
                    stateLanes * 2, 0));
        }
        PlanStep.Join step = new PlanStep.Join(sa, sb, indices(subset), rs, coupling, computed, computed);
        return new Option(step, a.cost().plus(b.cost()).plus(work));
    }

    /** A pairwise contraction's label and operations, costed once its layouts are known. */
    private record Contraction(String label, double flops) {
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
        Cost c = o.cost().plus(transform(s, d));
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
