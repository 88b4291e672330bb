package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.DtInit;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Origin;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Ast.Item;
import dev.ssmc.compiler.syntax.Ast.Option;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Lowers the items of a chain (layers, resampling steps, activations, residual blocks) at the
 * network's current width, and reads what they are made of: options, activations, layer specs.
 * Each item that has errors still moves the width to what it meant, so that one mistake is
 * reported once and not again by every item after it.
 */
final class ItemLowering {
    /** An SSM layer's own parameters, as its options give them. */
    record LayerSpec(Ast.Layer decl, SsmMode mode, int states, int blocks, int out, Optional<Boolean> activations,
                     Activation act, DtInit dt, Map<String, Option> options) {
        /**
         * The layer from {@code inChannels}, its activations on or off as given unless its options
         * say; {@code what} names it in its origin ("stage 2"), which remembers how it was written.
         */
        SsmLayer layer(FileContext ctx, String what, String key, int inChannels, boolean activationsByDefault) {
            Origin origin = ctx.layerOrigin(decl, what + " (" + mode.spelling() + " layer)");
            return new SsmLayer(origin, key, mode, inChannels, out, states, blocks, activations.orElse(activationsByDefault),
                    act, dt);
        }
    }

    /** The options that take a range ({@code dt 1e-3..1e-1}); every other takes one value. */
    private static final Set<String> RANGE_OPTIONS = Set.of("dt");

    private final FileContext ctx;
    private final NetworkState net;
    private final Expansion expansion;

    ItemLowering(FileContext ctx, NetworkState net, Expansion expansion) {
        this.ctx = ctx;
        this.net = net;
        this.expansion = expansion;
    }

    /**
     * Lowers one item into {@code into} with the checkpoint key {@code key}; {@code what} names it in
     * origins ("layer layers.3"). False when it had errors.
     */
    boolean lower(Item item, String key, Scope s, List<Node> into, String what) {
        if (item instanceof Ast.Layer layer) {
            Optional<LayerSpec> spec = layerSpec(layer, s, net.defaults());
            if (spec.isEmpty()) {
                return false;
            }
            LayerSpec l = spec.get();
            return add(l.layer(ctx, what, key, net.flow(), true), into);
        }
        if (item instanceof Ast.Resample r) {
            return resample(r, key, s, into, what, OptionalInt.empty());
        }
        if (item instanceof Ast.SkipMark m) {
            ctx.error(m.pos(), "`skip` marks where an encoder level's skip connection leaves; it belongs in an encoder level",
                    "remove it, or move it into a level of `encoder { ... }`");
            return false;
        }
        if (item instanceof Ast.Activation a) {
            Map<String, Option> opts = options(a.options(), "an activation", "norm", "act", "dropout");
            Activation act = activationOf(opts, net.defaults(), s);
            return add(new ActLayer(ctx.origin(a.pos(), what + " (activation)"), key, net.flow(), act), into);
        }
        return residualBlock((Ast.ResidualBlock) item, key, s, into, what);
    }

    private boolean residualBlock(Ast.ResidualBlock rb, String key, Scope s, List<Node> into, String what) {
        String block = rb.mask() ? "a mask" : "a residual block";
        // a mask's gain is a sigmoid, and its body's output is not normalized unless it says so
        Map<String, Option> opts = rb.mask() ? options(rb.options(), block, "norm")
                : options(rb.options(), block, "norm", "act");
        Activation act = activationOf(opts, rb.mask() ? new Activation(NormKind.NONE, Postact.SIGMOID, 0)
                : new Activation(net.defaults().norm(), net.defaults().postact(), 0), s);
        int width = net.flow();
        List<Node> inner = new ArrayList<>();
        boolean ok = true;
        int k = 0;
        for (Expansion.ScopedChain sc : expansion.chains(rb.body().statements(), s)) {
            for (Item i : sc.chain().items()) {
                ok &= lower(i, key + ".body." + k, sc.scope(), inner, what + " body " + k);
                k++;
            }
        }
        // The block's output is its input plus (or times) its body's, so the width after it is the width before.
        net.flowTo(width);
        if (inner.isEmpty()) {
            if (ok) {
                ctx.error(rb.pos(), block + " needs at least one layer in its body");
            }
            return false;
        }
        Residual node = new Residual(ctx.origin(rb.pos(), what + (rb.mask() ? " (mask)" : " (residual block)")), inner,
                act.norm(), key + ".norm", act.postact(), rb.mask());
        return ok && add(node, into);
    }

    /**
     * Lowers a resampling step. {@code defaultTo} is its output channels when it names none and its
     * mode does not decide them (a decoder's upsampling comes back to its skip's width); else the
     * width stays.
     */
    boolean resample(Ast.Resample r, String key, Scope s, List<Node> into, String what, OptionalInt defaultTo) {
        Optional<ResampleMode> mode = ResampleKinds.mode(r, ctx);
        OptionalInt ratio = ctx.eval().whole(r.ratio(), s, "the resampling ratio", 1, Limits.MAX_RATIO);
        OptionalInt to = OptionalInt.empty();
        if (r.channels().isPresent()) {
            to = ctx.eval().whole(r.channels().get(), s, "the output channels", 1, Limits.MAX_SIZE);
            if (to.isEmpty()) {
                return false;
            }
        }
        if (mode.isEmpty() || ratio.isEmpty()) {
            to.ifPresent(net::flowTo);
            return false;
        }
        int forced = mode.get().forcedOutChannels(net.flow(), ratio.getAsInt());
        int out = to.isPresent() ? to.getAsInt() : forced >= 0 ? forced : defaultTo.orElse(net.flow());
        if (mode.get() == ResampleMode.DOWNSHAPING && (long) net.flow() * ratio.getAsInt() > Limits.MAX_SIZE) {
            ctx.error(r.pos(), "downshaping " + net.flow() + " channels by " + ratio.getAsInt() + " gives more than "
                    + Limits.MAX_SIZE + " channels");
            return false;
        }
        return add(new Resample(ctx.origin(r.pos(), what + " (" + mode.get().spelling() + " by " + ratio.getAsInt() + ")"),
                key, mode.get(), ratio.getAsInt(), net.flow(), out), into);
    }

    /** Adds a node that the IR accepts to {@code into}; either way the width moves to its output. */
    boolean add(Node node, List<Node> into) {
        Optional<Node> v = ctx.validated(node);
        net.flowTo(node.outChannels());
        v.ifPresent(into::add);
        return v.isPresent();
    }

    /**
     * A layer's parameters at the current width, its activation starting from {@code base}; empty
     * when it had errors (the width then moves to the channels it asked for).
     */
    Optional<LayerSpec> layerSpec(Ast.Layer layer, Scope s, Activation base) {
        int before = ctx.errorCount();
        Optional<SsmMode> mode = ctx.lookup(SsmMode.class, layer.mode(), "layer mode");
        Map<String, Option> opts = options(layer.options(), "a layer", "states", "blocks", "norm", "act", "dropout",
                "activations", "dt");
        Option st = opts.get("states");
        int states = 1;
        if (st == null) {
            ctx.error(layer.mode().pos(), "the layer needs its number of states", "write `" + layer.mode().text() + "(states 8)`");
        } else {
            states = ctx.eval().whole(st.value(), s, "states", 1, Limits.MAX_SIZE).orElse(1);
        }
        int blocks = 1;
        Option bl = opts.get("blocks");
        if (bl != null) {
            blocks = ctx.eval().whole(bl.value(), s, "blocks", 1, Limits.MAX_SIZE).orElse(1);
            if (mode.isPresent() && (mode.get() == SsmMode.DWS || mode.get() == SsmMode.FULL) && blocks != 1) {
                ctx.error(bl.key().pos(), "state blocks apply to s5 and neck layers; a " + mode.get().spelling()
                        + " layer has one block", "remove `blocks " + blocks + "`");
            }
        }
        int out = net.flow();
        if (layer.channels().isPresent()) {
            out = ctx.eval().whole(layer.channels().get(), s, "the layer's output channels", 1, Limits.MAX_SIZE)
                    .orElse(net.flow());
        }
        Optional<Boolean> activations = Optional.empty();
        Option ac = opts.get("activations");
        if (ac != null) {
            activations = onOff(ac);
        }
        Activation act = activationOf(opts, base, s);
        Option dtOption = opts.get("dt");
        DtInit dt = dtOption == null ? DtInit.REFERENCE : dtInit(dtOption, s).orElse(DtInit.REFERENCE);
        if (ctx.errorCount() > before || mode.isEmpty()) {
            net.flowTo(out);
            return Optional.empty();
        }
        return Optional.of(new LayerSpec(layer, mode.get(), states, blocks, out, activations, act, dt, opts));
    }

    /**
     * How a layer's dt starts: {@code dt band}, {@code dt LOW..HIGH} (geometric over its channels
     * or blocks, as the reference's rule over 1e-3..1e-1), or {@code dt VALUE} (one dt for all).
     */
    private Optional<DtInit> dtInit(Option o, Scope s) {
        if (o.value() instanceof Ast.Ref r && o.upTo().isEmpty() && s.lookup(r.name()).isEmpty()) {
            if (r.name().equals("band")) {
                return Optional.of(DtInit.BAND);
            }
            ctx.error(r.pos(), "`dt` takes `band`, a number or a range such as `1e-3..1e-1`, not `" + r.name() + "`",
                    Suggest.didYouMean(r.name(), "band").orElse("write `dt band` to spread the layer's modes over the band"
                            + " its sample rate allows"));
            return Optional.empty();
        }
        Optional<BigDecimal> low = positiveDt(o.value(), s);
        Optional<BigDecimal> high = o.upTo().isPresent() ? positiveDt(o.upTo().get(), s) : low;
        if (low.isEmpty() || high.isEmpty()) {
            return Optional.empty();
        }
        if (low.get().compareTo(high.get()) > 0) {
            ctx.error(o.value().pos(), "a dt range goes up, from the smallest dt to the largest, but "
                    + Evaluator.plain(low.get()) + " is above " + Evaluator.plain(high.get()),
                    "write `dt " + Evaluator.plain(high.get()) + ".." + Evaluator.plain(low.get()) + "`");
            return Optional.empty();
        }
        return Optional.of(new DtInit.Geometric(low.get().doubleValue(), high.get().doubleValue()));
    }

    /** One end of a dt range: a time step, so above zero (and, as a double, not rounded to zero). */
    private Optional<BigDecimal> positiveDt(Ast.Expr e, Scope s) {
        Optional<BigDecimal> v = ctx.eval().eval(e, s);
        if (v.isPresent() && !(v.get().signum() > 0 && v.get().doubleValue() > 0)) {
            ctx.error(e.pos(), "dt is a time step, above 0, not " + Evaluator.plain(v.get()),
                    "the reference's range is `dt 1e-3..1e-1`");
            return Optional.empty();
        }
        return v;
    }

    /** The options of one item, by key, each checked against what the item accepts. */
    Map<String, Option> options(List<Option> options, String owner, String... allowed) {
        Map<String, Option> out = new LinkedHashMap<>();
        Set<String> ok = Set.of(allowed);
        for (Option o : options) {
            String key = o.key().text();
            if (!ok.contains(key)) {
                ctx.error(o.key().pos(), owner + " has no option `" + key + "`",
                        Suggest.didYouMean(key, allowed).orElse(owner + " takes " + String.join(", ", allowed)));
                continue;
            }
            if (o.upTo().isPresent() && !RANGE_OPTIONS.contains(key)) {
                // reported once here; the option's first value is still read, so nothing else is said about it
                ctx.error(o.upTo().get().pos(), "`" + key + "` takes one value, not a range",
                        "only `dt` takes a range: `dt 1e-3..1e-1`");
            }
            Option earlier = out.putIfAbsent(key, o);
            if (earlier != null) {
                ctx.error(o.key().pos(), "option `" + key + "` is given twice", "the first is at column " + earlier.pos().column());
            }
        }
        return out;
    }

    /** The activation an item's options describe, starting from {@code base}. */
    Activation activationOf(Map<String, Option> opts, Activation base, Scope s) {
        NormKind norm = base.norm();
        Postact postact = base.postact();
        double dropout = base.dropout();
        Option n = opts.get("norm");
        if (n != null) {
            norm = ctx.word(n, "a norm").flatMap(w -> ctx.lookup(NormKind.class, w, "norm")).orElse(norm);
        }
        Option a = opts.get("act");
        if (a != null) {
            postact = ctx.word(a, "an activation").flatMap(w -> ctx.lookup(Postact.class, w, "activation")).orElse(postact);
        }
        Option d = opts.get("dropout");
        if (d != null) {
            dropout = ctx.dropout(d.value(), s).orElse(dropout);
        }
        return new Activation(norm, postact, dropout);
    }

    private Optional<Boolean> onOff(Option o) {
        return ctx.word(o, "`on` or `off`").flatMap(w -> {
            if (w.text().equals("on")) {
                return Optional.of(true);
            }
            if (w.text().equals("off")) {
                return Optional.of(false);
            }
            ctx.error(w.pos(), "`activations` is `on` or `off`, not `" + w.text() + "`",
                    Suggest.didYouMean(w.text(), "on", "off").orElse(null));
            return Optional.empty();
        });
    }
}
