package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.IrException;
import dev.ssmc.compiler.ir.Names;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Origin;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Ast.Chain;
import dev.ssmc.compiler.syntax.Ast.Expr;
import dev.ssmc.compiler.syntax.Ast.Item;
import dev.ssmc.compiler.syntax.Ast.Option;
import dev.ssmc.compiler.syntax.Ast.Statement;
import dev.ssmc.compiler.syntax.Pos;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Checks a file's syntax tree and lowers each network into the IR, collecting every error it can
 * find in one pass. Checkpoint keys come from the structure, as the reference names them:
 * {@code stage} statements are the classifier's {@code backbone.{i}}, the head its
 * {@code classifier.1.{2k}}, an encoder/decoder the denoiser's {@code down_ssms}/{@code hid_ssms}/
 * {@code up_ssms}, an {@code output} block its {@code last_ssms}; other layers are
 * {@code layers.{i}}, and a network that is one plain layer has the layer file's empty prefix.
 */
final class Lowering {
    private final FileContext ctx;

    Lowering(String file, Diagnostics diags) {
        this.ctx = new FileContext(file, diags);
    }

    /** One lowered network and what the source said about it. */
    record Lowered(Network network, NetworkShapes shapes, Ast.NetworkDecl decl) {
    }

    List<Lowered> lower(Ast.SourceFile source) {
        Scope fileScope = new Scope(null);
        Map<String, Ast.Plan> filePlans = new LinkedHashMap<>();
        Map<String, Pos> networkNames = new HashMap<>();
        List<Ast.NetworkDecl> networks = new ArrayList<>();
        for (Statement s : source.statements()) {
            if (s instanceof Ast.Let let) {
                ctx.defineLet(let, fileScope);
            } else if (s instanceof Ast.Plan plan) {
                PlanReader.collect(ctx, plan, filePlans);
            } else if (s instanceof Ast.NetworkDecl n) {
                Pos earlier = networkNames.putIfAbsent(n.name().text(), n.name().pos());
                if (earlier != null) {
                    ctx.error(n.name().pos(), "duplicate network name `" + n.name().text() + "`",
                            "the first `" + n.name().text() + "` is at line " + earlier.line());
                }
                networks.add(n);
            }
        }
        if (networks.isEmpty()) {
            ctx.error(source.pos(), "this file declares no network", "write `network Name { input x: 1 channel ... }`");
        }
        List<Lowered> out = new ArrayList<>();
        for (Ast.NetworkDecl n : networks) {
            new NetworkLowering(n, fileScope, filePlans).run().ifPresent(out::add);
        }
        return out;
    }

    // ---- shared helpers ----

    // ---- one network ----

    private final class NetworkLowering {
        private final Ast.NetworkDecl decl;
        private final Scope scope;
        private final Map<String, Ast.Plan> filePlans;
        private final Map<String, Ast.Plan> plans = new LinkedHashMap<>();
        private final int errorsBefore;

        private Ast.Input input;
        private Ast.DefaultNorm defaultNorm;
        private Ast.DefaultAct defaultAct;
        private Ast.DefaultDropout defaultDropout;
        private int sampleRate;
        private NetworkState net;
        private ItemLowering items;
        private final Expansion expansion = new Expansion(ctx);

        NetworkLowering(Ast.NetworkDecl decl, Scope fileScope, Map<String, Ast.Plan> filePlans) {
            this.decl = decl;
            this.scope = new Scope(fileScope);
            this.filePlans = filePlans;
            this.errorsBefore = ctx.errorCount();
        }

        Optional<Lowered> run() {
            List<Statement> layers = new ArrayList<>();
            for (Statement s : decl.body().statements()) {
                if (s instanceof Ast.Let let) {
                    ctx.defineLet(let, scope);
                } else if (s instanceof Ast.Input in) {
                    input = once(input, in, "input");
                } else if (s instanceof Ast.DefaultNorm n) {
                    defaultNorm = once(defaultNorm, n, "norm");
                } else if (s instanceof Ast.DefaultAct a) {
                    defaultAct = once(defaultAct, a, "act");
                } else if (s instanceof Ast.DefaultDropout d) {
                    defaultDropout = once(defaultDropout, d, "dropout");
                } else if (s instanceof Ast.Plan p) {
                    PlanReader.collect(ctx, p, plans);
                } else {
                    layers.add(s);
                }
            }
            int inChannels = readInput();
            net = new NetworkState(inChannels, readDefaults());
            items = new ItemLowering(ctx, net, expansion);
            lowerNetStatements(layers, scope);
            if (net.body().isEmpty() && net.head().isEmpty() && ctx.errorCount() == errorsBefore) {
                ctx.error(decl.name().pos(), "network `" + decl.name().text() + "` has no layers",
                        "add a layer such as `s5(states 8)` or a `stage`");
            }
            net.keyAsLayerFile();
            PlanReader planReader = new PlanReader(ctx, decl, scope, sampleRate, filePlans, plans);
            Planning planning = planReader.read();
            if (ctx.errorCount() > errorsBefore) {
                return Optional.empty(); // shape inference on a broken network only repeats what was said
            }
            if (!NetworkChecks.totalRatioInRange(ctx, net.body())) {
                return Optional.empty();
            }
            Network network = new Network(decl.name().text(), ctx.origin(decl.name().pos(), "network " + decl.name().text()),
                    inChannels, sampleRate, net.body(), net.head(), planning);
            NetworkShapes shapes;
            try {
                shapes = ShapeInference.infer(network);
            } catch (IrException e) {
                ctx.irError(e);
                return Optional.empty();
            }
            NetworkChecks.checkKeys(ctx, decl, network);
            planReader.checkDivisibility(shapes, planning);
            if (ctx.errorCount() > errorsBefore) {
                return Optional.empty();
            }
            return Optional.of(new Lowered(network, shapes, decl));
        }

        private <T extends Statement> T once(T earlier, T now, String what) {
            if (earlier != null) {
                ctx.error(now.pos(), "duplicate `" + what + "` in network `" + decl.name().text() + "`",
                        "the first one is at line " + earlier.pos().line());
                return earlier;
            }
            return now;
        }

        private int readInput() {
            if (input == null) {
                ctx.error(decl.name().pos(), "network `" + decl.name().text() + "` has no input",
                        "declare it first thing in the network: `input audio: 1 channel @ 16 kHz`");
                return 1;
            }
            int channels = ctx.eval().whole(input.channels(), scope, "the input's channel count", 1, Limits.MAX_SIZE).orElse(1);
            input.sampleRate().ifPresent(q -> {
                Optional<BigDecimal> v = ctx.eval().eval(q.value(), scope);
                if (v.isEmpty()) {
                    return;
                }
                Ast.Unit unit = q.unit().orElse(Ast.Unit.HZ);
                BigDecimal hz;
                if (unit == Ast.Unit.HZ) {
                    hz = v.get();
                } else if (unit == Ast.Unit.KHZ) {
                    hz = v.get().multiply(BigDecimal.valueOf(1000));
                } else {
                    ctx.error(q.pos(), "a sample rate is in Hz or kHz, not " + unit.spelling(), "write `@ 16 kHz`");
                    return;
                }
                sampleRate = ctx.eval().whole(hz, q.value(), "the sample rate in Hz", 1, 100_000_000).orElse(0);
            });
            return channels;
        }

        private Activation readDefaults() {
            NormKind norm = NormKind.NONE;
            Postact postact = Postact.RELU;
            double dropout = 0;
            if (defaultNorm != null) {
                norm = ctx.lookup(NormKind.class, defaultNorm.norm(), "norm").orElse(norm);
            }
            if (defaultAct != null) {
                postact = ctx.lookup(Postact.class, defaultAct.postact(), "activation").orElse(postact);
            }
            if (defaultDropout != null) {
                dropout = ctx.dropout(defaultDropout.probability(), scope).orElse(0);
            }
            return new Activation(norm, postact, dropout);
        }

        // ---- statements of the network body ----

        private void lowerNetStatements(List<Statement> statements, Scope s) {
            for (Statement st : statements) {
                if (!expansion.spend(st.pos())) {
                    return;
                }
                if (net.headDecl() != null && !(st instanceof Ast.Let)) {
                    ctx.error(st.pos(), "nothing can follow the head",
                            "the head at line " + net.headDecl().pos().line() + " ends the network; move this before it");
                    continue;
                }
                if (st instanceof Ast.Let let) {
                    ctx.defineLet(let, s);
                } else if (st instanceof Ast.Stage stage) {
                    lowerStage(stage, s);
                } else if (st instanceof Chain chain) {
                    for (Item item : chain.items()) {
                        String key = net.nextLayerKey();
                        items.lower(item, key, s, net.body(), "layer " + key);
                    }
                } else if (st instanceof Ast.EncoderDecoder ed) {
                    lowerEncoderDecoder(ed, s);
                } else if (st instanceof Ast.Output o) {
                    for (Expansion.ScopedChain sc : expansion.chains(o.body().statements(), s)) {
                        for (Item item : sc.chain().items()) {
                            int k = net.nextOutput();
                            items.lower(item, "last_ssms." + k, sc.scope(), net.body(), "output layer " + k);
                        }
                    }
                } else if (st instanceof Ast.Head h) {
                    net.setHeadDecl(h);
                    lowerHead(h, s);
                } else if (st instanceof Ast.Repeat r) {
                    if (!expansion.unroll(r, s, inner -> lowerNetStatements(r.body().statements(), inner))) {
                        return;
                    }
                } else {
                    String what = st instanceof Ast.Input ? "input" : st instanceof Ast.Plan ? "plan"
                            : st instanceof Ast.DefaultNorm ? "norm" : st instanceof Ast.DefaultAct ? "act" : "dropout";
                    ctx.error(st.pos(), "`" + what + "` belongs directly in the network, not inside `repeat`");
                }
            }
        }

        // ---- classifier stages ----

        private void lowerStage(Ast.Stage stage, Scope s) {
            int i = net.nextStage();
            String prefix = "backbone." + i;
            int cin = net.flow();
            Map<String, Option> resOpts = items.options(stage.residualOptions(), "a residual stage", "norm", "act");
            Activation resAct = items.activationOf(resOpts, net.defaults(), s);
            // The stage's activation: its layer's, or its residual block's; the pooling conv reuses it.
            Activation[] stageAct = {stage.residual() ? resAct : net.defaults()};
            if (!stage.residual()) {
                Optional<ItemLowering.LayerSpec> spec = items.layerSpec(stage.layer(), s, net.defaults());
                spec.ifPresent(l -> {
                    stageAct[0] = l.act();
                    items.add(new SsmLayer(ctx.origin(stage.layer().pos(), "stage " + i + " (" + l.mode().spelling()
                            + " layer)"), prefix + ".0", l.mode(), cin, l.out(), l.states(), l.blocks(),
                            l.activations().orElse(true), l.act()), net.body());
                });
            } else {
                // The reference builds the inner layer with its activations off and its own default norm
                // (BatchNorm), which matters for a dws layer's always-present input activation.
                Activation innerBase = net.defaults().withNorm(NormKind.BATCH);
                Optional<ItemLowering.LayerSpec> spec = items.layerSpec(stage.layer(), s, innerBase);
                spec.ifPresent(l -> {
                    if (l.activations().orElse(false)) {
                        Option o = l.options().get("activations");
                        ctx.error(o.value().pos(), "the layer of a residual stage has its activations off",
                                "the block applies norm and act after adding the input; remove `activations on`");
                        return;
                    }
                    SsmLayer inner = new SsmLayer(ctx.origin(stage.layer().pos(), "stage " + i + " (" + l.mode().spelling()
                            + " layer)"), prefix + ".0.layer", l.mode(), cin, l.out(), l.states(), l.blocks(), false, l.act());
                    if (ctx.validated(inner).isEmpty()) {
                        return;
                    }
                    if (inner.outChannels() != cin) {
                        ctx.error(stage.layer().pos(), "a residual stage must keep the channels so its output can be"
                                + " added to its input, but this layer turns " + cin + " channels into " + inner.outChannels(),
                                "drop `residual`, or change the channels in the stage's downsampling instead");
                        net.flowTo(inner.outChannels());
                        return;
                    }
                    stageAct[0] = new Activation(resAct.norm(), resAct.postact(), l.act().dropout());
                    items.add(new Residual(ctx.origin(stage.pos(), "stage " + i + " (residual " + l.mode().spelling() + " block)"),
                            List.of(inner), resAct.norm(), prefix + ".0.residual_connect.norm_drop.0", resAct.postact()),
                            net.body());
                });
            }
            stage.pooling().ifPresent(p -> {
                int before = net.body().size();
                if (items.resample(p, prefix + ".1.0", s, net.body(), "stage " + i, OptionalInt.empty())
                        && net.body().size() > before
                        && net.body().get(net.body().size() - 1) instanceof dev.ssmc.compiler.ir.Resample pool
                        && pool.mode().spelling().startsWith("downsampling")
                        && !stageAct[0].isIdentityOn(net.flow())) {
                    // As in the reference, a learned pooling conv is followed by the stage's norm and postact;
                    // the parameterless ones (average, subsample, reshape, upsampling) are not.
                    items.add(new ActLayer(ctx.origin(p.pos(), "stage " + i + " (activation after pooling)"), prefix + ".1.1.0",
                            net.flow(), stageAct[0]), net.body());
                }
            });
        }

        // ---- U-Net ----

        private void lowerEncoderDecoder(Ast.EncoderDecoder ed, Scope s) {
            List<Expansion.ScopedChain> enc = expansion.chains(ed.encoder().statements(), s);
            List<Expansion.ScopedChain> mid = ed.bottleneck().map(b -> expansion.chains(b.statements(), s)).orElse(List.of());
            List<Expansion.ScopedChain> dec = expansion.chains(ed.decoder().statements(), s);
            if (enc.isEmpty()) {
                ctx.error(ed.pos(), "the encoder needs at least one level",
                        "a level is a layer and its downsampling: `s5(states 8) -> downsample conv 4 to 16`");
                return;
            }
            if (dec.size() != enc.size()) {
                ctx.error(ed.decoder().pos(), "the decoder has " + dec.size() + " level" + (dec.size() == 1 ? "" : "s")
                        + " but the encoder has " + enc.size(), "every encoder level needs a decoder level (listed deepest first)"
                        + " that brings the signal back to the level's input");
                return;
            }
            int[] hidCount = {0};
            List<Node> nodes = level(0, enc, mid, dec, hidCount);
            net.body().addAll(nodes);
        }

        private List<Node> level(int i, List<Expansion.ScopedChain> enc, List<Expansion.ScopedChain> mid, List<Expansion.ScopedChain> dec, int[] hidCount) {
            int depth = enc.size();
            Expansion.ScopedChain e = enc.get(i);
            Expansion.ScopedChain d = dec.get(depth - 1 - i);
            List<Node> before = new ArrayList<>();
            List<Node> inner = new ArrayList<>();
            List<Item> encItems = e.chain().items();
            // A level ends with its downsampling step; without one it keeps the rate (the reference's ratio 1).
            boolean ok = true;
            int marks = 0;
            for (Item item : encItems) {
                if (item instanceof Ast.SkipMark m && ++marks > 1) {
                    ctx.error(m.pos(), "an encoder level has one skip connection, so one `skip`",
                            "remove the second `skip`");
                    ok = false;
                }
            }
            // Without a `skip` mark the level's input is remembered; with one, the signal at the mark.
            List<Node> target = marks == 1 ? before : inner;
            int skipWidth = net.flow();
            int k = 0;
            for (int j = 0; j < encItems.size(); j++) {
                Item item = encItems.get(j);
                if (item instanceof Ast.SkipMark) {
                    target = inner;
                    skipWidth = net.flow();
                } else if (item instanceof Ast.Resample r && j == encItems.size() - 1) {
                    ok &= items.resample(r, "down_ssms." + i + ".1", e.scope(), inner, "encoder level " + i, OptionalInt.empty());
                } else {
                    ok &= items.lower(item, "down_ssms." + i + ".0." + k++, e.scope(), target, "encoder level " + i);
                }
            }
            if (i + 1 < depth) {
                inner.addAll(level(i + 1, enc, mid, dec, hidCount));
            } else {
                for (Expansion.ScopedChain m : mid) {
                    for (Item item : m.chain().items()) {
                        int h = hidCount[0]++;
                        ok &= items.lower(item, "hid_ssms." + h, m.scope(), inner, "bottleneck layer " + h);
                    }
                }
            }
            List<Item> decItems = d.chain().items();
            List<Node> after = new ArrayList<>();
            // The level starts with its upsampling step (none for a ratio of 1); the skip is added right after it,
            // where an optional `skip` may say so.
            int start = 0;
            if (decItems.get(0) instanceof Ast.Resample up) {
                start = 1;
                ok &= items.resample(up, "up_ssms." + i + ".0", d.scope(), inner, "decoder level " + i,
                        OptionalInt.of(skipWidth));
            }
            if (start < decItems.size() && decItems.get(start) instanceof Ast.SkipMark) {
                start++;
            }
            if (ok && net.flow() != skipWidth) {
                Pos at = start > 0 ? decItems.get(0).pos() : d.chain().pos();
                ctx.error(at, "decoder level " + i + " gives " + net.flow() + (net.flow() == 1 ? " channel" : " channels")
                        + " but the skip from encoder level " + i + " carries " + skipWidth, "upsample to " + skipWidth + (skipWidth == 1 ? " channel" : " channels") + ": `... to " + skipWidth + "`");
                ok = false;
            }
            net.flowTo(skipWidth);
            int m = 0;
            for (int j = start; j < decItems.size(); j++) {
                if (decItems.get(j) instanceof Ast.SkipMark mark) {
                    ctx.error(mark.pos(), "a decoder level adds its skip right after its upsampling step",
                            "move `skip` to just after the upsampling, or remove it");
                    ok = false;
                    continue;
                }
                ok &= items.lower(decItems.get(j), "up_ssms." + i + ".1." + m++, d.scope(), after, "decoder level " + i);
            }
            List<Node> out = new ArrayList<>(before);
            if (ok) {
                out.add(new Residual(ctx.origin(e.chain().pos(), "level " + i + " (skip addition)"), inner, NormKind.NONE, "",
                        Postact.IDENTITY));
            }
            out.addAll(after);
            return out;
        }

        // ---- head ----

        private void lowerHead(Ast.Head h, Scope s) {
            if (!h.pooling().text().equals("mean")) {
                ctx.error(h.pooling().pos(), "unknown head pooling `" + h.pooling().text() + "`",
                        Suggest.didYouMean(h.pooling().text(), "mean").orElse("the head pools with `mean` over time"));
            }
            List<Dense> layers = new ArrayList<>();
            boolean actSet = false;
            int features = net.flow();
            for (Ast.HeadItem item : h.items()) {
                if (item instanceof Ast.Linear lin) {
                    OptionalInt out = ctx.eval().whole(lin.features(), s, "a linear layer's outputs", 1, Limits.MAX_SIZE);
                    int o = out.orElse(1);
                    layers.add(new Dense("classifier.1." + 2 * layers.size(), features, o, Postact.IDENTITY));
                    features = o;
                    actSet = false;
                } else {
                    Ast.HeadAct a = (Ast.HeadAct) item;
                    Optional<Postact> p = ctx.lookup(Postact.class, a.postact(), "activation");
                    if (layers.isEmpty()) {
                        ctx.error(a.pos(), "an activation in the head follows a `linear` layer",
                                "write `head mean -> linear 32 -> " + a.postact().text() + " -> linear 12`");
                    } else if (actSet) {
                        ctx.error(a.pos(), "a linear layer is followed by one activation, not two");
                    } else if (p.isPresent()) {
                        Dense last = layers.remove(layers.size() - 1);
                        Dense withAct = new Dense(last.key(), last.in(), last.out(), p.get());
                        layers.add(withAct);
                        features = withAct.outFeatures();
                    }
                    actSet = true;
                }
            }
            if (layers.isEmpty()) {
                ctx.error(h.pos(), "the head needs at least one `linear` layer", "write `head mean -> linear 12`");
                return;
            }
            net.setHead(new dev.ssmc.compiler.ir.Head(ctx.origin(h.pos(), "classifier head"), layers));
        }
    }
}
