package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.IrException;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.syntax.Ast;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads a network's {@code plan training} and {@code plan streaming} blocks (its own over the
 * file's) into the IR's {@link Planning}, converting durations to samples at the input's sample
 * rate; once the shapes are known, checks that every resampling step divides the planned lengths.
 */
final class PlanReader {
    private final FileContext ctx;
    private final Ast.NetworkDecl decl;
    private final Scope scope;
    private final int sampleRate;
    /** The plans in force, by kind: the network's own, else the file's. */
    private final Map<String, Ast.Plan> effective;

    PlanReader(FileContext ctx, Ast.NetworkDecl decl, Scope scope, int sampleRate, Map<String, Ast.Plan> filePlans,
               Map<String, Ast.Plan> networkPlans) {
        this.ctx = ctx;
        this.decl = decl;
        this.scope = scope;
        this.sampleRate = sampleRate;
        this.effective = new LinkedHashMap<>(filePlans);
        effective.putAll(networkPlans);
    }

    /** Adds a {@code plan} statement to the plans of its file or network; an unknown or second one is an error. */
    static void collect(FileContext ctx, Ast.Plan plan, Map<String, Ast.Plan> plans) {
        String kind = plan.kind().text();
        if (!kind.equals("training") && !kind.equals("streaming")) {
            ctx.error(plan.kind().pos(), "unknown plan `" + kind + "`",
                    Suggest.didYouMean(kind, "training", "streaming").orElse("a plan is `training` or `streaming`"));
            return;
        }
        Ast.Plan earlier = plans.putIfAbsent(kind, plan);
        if (earlier != null) {
            ctx.error(plan.kind().pos(), "duplicate `plan " + kind + "`", "the first one is at line " + earlier.pos().line());
        }
    }

    /** The planning, every value not given (or in error) at its default. */
    Planning read() {
        int batch = Planning.DEFAULT.batch();
        int length = Planning.DEFAULT.length();
        int chunk = Planning.DEFAULT.chunk();
        Ast.Plan training = effective.get("training");
        if (training != null) {
            Map<String, Ast.PlanEntry> entries = entries(training, "batch", "length");
            if (entries.containsKey("batch")) {
                batch = value(entries.get("batch"), "the training batch", false, Limits.MAX_SIZE).orElse(batch);
            }
            if (entries.containsKey("length")) {
                length = value(entries.get("length"), "the training length", true, Integer.MAX_VALUE).orElse(length);
            }
        }
        Ast.Plan streaming = effective.get("streaming");
        if (streaming != null) {
            Map<String, Ast.PlanEntry> entries = entries(streaming, "chunk");
            if (entries.containsKey("chunk")) {
                chunk = value(entries.get("chunk"), "the streaming chunk", true, Integer.MAX_VALUE).orElse(chunk);
            }
        }
        return new Planning(batch, length, chunk);
    }

    private Map<String, Ast.PlanEntry> entries(Ast.Plan plan, String... allowed) {
        Map<String, Ast.PlanEntry> out = new LinkedHashMap<>();
        Set<String> ok = Set.of(allowed);
        for (Ast.PlanEntry e : plan.entries()) {
            String key = e.key().text();
            if (!ok.contains(key)) {
                ctx.error(e.key().pos(), "a " + plan.kind().text() + " plan has no `" + key + "`",
                        Suggest.didYouMean(key, allowed).orElse("it takes " + String.join(", ", allowed)));
            } else if (out.putIfAbsent(key, e) != null) {
                ctx.error(e.key().pos(), "`" + key + "` is given twice in this plan");
            }
        }
        return out;
    }

    /** A plan value in samples (durations convert at the input's sample rate). */
    private OptionalInt value(Ast.PlanEntry e, String what, boolean timed, int max) {
        Ast.Quantity q = e.value();
        Optional<BigDecimal> v = ctx.eval().eval(q.value(), scope);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        BigDecimal samples = v.get();
        if (q.unit().isPresent()) {
            Ast.Unit u = q.unit().get();
            if (!timed || u == Ast.Unit.HZ || u == Ast.Unit.KHZ) {
                ctx.error(q.pos(), what + " takes " + (timed ? "samples, s or ms" : "no unit") + ", not " + u.spelling());
                return OptionalInt.empty();
            }
            if (u == Ast.Unit.S || u == Ast.Unit.MS) {
                if (sampleRate == 0) {
                    ctx.error(q.pos(), what + " is given in " + u.spelling() + " but the input has no sample rate",
                            "give the rate in the input (`input audio: 1 channel @ 16 kHz`) or the length in samples");
                    return OptionalInt.empty();
                }
                samples = samples.multiply(BigDecimal.valueOf(sampleRate));
                if (u == Ast.Unit.MS) {
                    samples = samples.divide(BigDecimal.valueOf(1000), MathContext.DECIMAL64);
                }
                if (samples.stripTrailingZeros().scale() > 0) {
                    ctx.error(q.pos(), what + " of " + Evaluator.plain(v.get()) + " " + u.spelling()
                            + " is not a whole number of samples at " + sampleRate + " Hz");
                    return OptionalInt.empty();
                }
            }
        }
        return ctx.eval().whole(samples, q.value(), what, 1, max);
    }

    /**
     * A training length or streaming chunk that a plan gives must be a multiple of every resampling
     * step's window; the error points at the value written.
     */
    void checkDivisibility(NetworkShapes shapes, Planning planning) {
        long multiple = NetworkShapes.requiredMultiple(shapes.network().body());
        entry(effective.get("training"), "length").ifPresent(e -> {
            try {
                shapes.checkDivisible(planning.length(), "training length");
            } catch (IrException ex) {
                ctx.error(e.value().pos(), "the training length of " + planning.length()
                        + " samples is not a multiple of " + multiple + ", so a resampling step of network `"
                        + decl.name().text() + "` cannot divide it", nearestMultiples(planning.length(), multiple));
            }
        });
        entry(effective.get("streaming"), "chunk").ifPresent(e -> {
            if (planning.chunk() == 1) {
                return; // sample by sample: every resampling step buffers its window
            }
            try {
                shapes.checkDivisible(planning.chunk(), "streaming chunk");
            } catch (IrException ex) {
                ctx.error(e.value().pos(), "the streaming chunk of " + planning.chunk()
                        + " samples is not a multiple of " + multiple + ", so a resampling step of network `"
                        + decl.name().text() + "` would see a partial window in every chunk",
                        "plan chunks of 1 sample (sample by sample) or a multiple of " + multiple);
            }
        });
    }

    private static Optional<Ast.PlanEntry> entry(Ast.Plan plan, String key) {
        if (plan == null) {
            return Optional.empty();
        }
        return plan.entries().stream().filter(e -> e.key().text().equals(key)).findFirst();
    }

    private static String nearestMultiples(long n, long multiple) {
        long below = n / multiple * multiple;
        long above = below + multiple;
        return below > 0 ? "the nearest multiples are " + below + " and " + above : "use a multiple of " + multiple
                + ", such as " + above;
    }
}
