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
        private StageLowering stages;
        private UNetLowering unet;
        private HeadLowering heads;
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
            stages = new StageLowering(ctx, net, items);
            unet = new UNetLowering(ctx, net, expansion, items);
            heads = new HeadLowering(ctx, net);
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
                    stages.lower(stage, s);
                } else if (st instanceof Chain chain) {
                    for (Item item : chain.items()) {
                        String key = net.nextLayerKey();
                        items.lower(item, key, s, net.body(), "layer " + key);
                    }
                } else if (st instanceof Ast.EncoderDecoder ed) {
                    unet.lower(ed, s);
                } else if (st instanceof Ast.Output o) {
                    for (Expansion.ScopedChain sc : expansion.chains(o.body().statements(), s)) {
                        for (Item item : sc.chain().items()) {
                            int k = net.nextOutput();
                            items.lower(item, "last_ssms." + k, sc.scope(), net.body(), "output layer " + k);
                        }
                    }
                } else if (st instanceof Ast.Head h) {
                    net.setHeadDecl(h);
                    heads.lower(h, s);
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
    }
}
