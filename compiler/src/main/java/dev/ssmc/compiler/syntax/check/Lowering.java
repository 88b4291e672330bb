package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.IrException;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Ast.Statement;
import dev.ssmc.compiler.syntax.Pos;
import dev.ssmc.compiler.syntax.check.Frontend.CheckedNetwork;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a file's syntax tree and lowers each network into the IR, collecting every error it can
 * find in one pass. This class runs the steps; each job has its class: {@link NetworkHeader} (input,
 * defaults), {@link BodyLowering} with {@link Expansion}, {@link ItemLowering},
 * {@link StageLowering}, {@link UNetLowering} and {@link HeadLowering} (the layers), {@link
 * PlanReader} (plans), {@link NetworkChecks} (the finished network) and {@link DtChecks} (how
 * each layer's dt starts, at its sample rate).
 *
 * <p>Checkpoint keys come from the structure, as the reference names them: {@code stage}
 * statements are the classifier's {@code backbone.{i}}, the head its {@code classifier.1.{2k}}, an
 * encoder/decoder the denoiser's {@code down_ssms}/{@code hid_ssms}/{@code up_ssms}, an
 * {@code output} block its {@code last_ssms}; other layers are {@code layers.{i}}, and a network
 * that is one plain layer has the layer file's empty prefix.
 */
final class Lowering {
    private final FileContext ctx;

    Lowering(String file, Diagnostics diags) {
        this.ctx = new FileContext(file, diags);
    }

    /** The networks of the file that lowered without error, in file order. */
    List<CheckedNetwork> lower(Ast.SourceFile source) {
        Scope fileScope = new Scope(null);
        Map<String, Ast.Plan> filePlans = new LinkedHashMap<>();
        Map<String, Pos> networkNames = new HashMap<>();
        List<Ast.NetworkDecl> networks = new ArrayList<>();
        // The file's constants and plans are read before any network, which may use them wherever they are written.
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
        List<CheckedNetwork> out = new ArrayList<>();
        for (Ast.NetworkDecl n : networks) {
            network(n, fileScope, filePlans).ifPresent(out::add);
        }
        return out;
    }

    /** One network: read its header, lower its body, read its plans, then check it whole; empty on any error. */
    private Optional<CheckedNetwork> network(Ast.NetworkDecl decl, Scope fileScope, Map<String, Ast.Plan> filePlans) {
        int errorsBefore = ctx.errorCount();
        NetworkHeader header = NetworkHeader.read(ctx, decl, fileScope);
        NetworkState net = new NetworkState(header.inChannels(), header.defaults());
        new BodyLowering(ctx, net).lower(header.layers(), header.scope());
        if (net.body().isEmpty() && net.head().isEmpty() && ctx.errorCount() == errorsBefore) {
            ctx.error(decl.name().pos(), "network `" + decl.name().text() + "` has no layers",
                    "add a layer such as `s5(states 8)` or a `stage`");
        }
        net.keyAsLayerFile();
        PlanReader plans = new PlanReader(ctx, decl, header.scope(), header.sampleRate(), filePlans, header.plans());
        Planning planning = plans.read();
        if (ctx.errorCount() > errorsBefore) {
            return Optional.empty(); // shape inference on a broken network only repeats what was said
        }
        if (!NetworkChecks.totalRatioInRange(ctx, net.body())) {
            return Optional.empty();
        }
        Network network = new Network(decl.name().text(), ctx.origin(decl.name().pos(), "network " + decl.name().text()),
                header.inChannels(), header.sampleRate(), net.body(), net.head(), planning);
        NetworkShapes shapes;
        try {
            shapes = ShapeInference.infer(network);
        } catch (IrException e) {
            ctx.irError(e);
            return Optional.empty();
        }
        NetworkChecks.checkKeys(ctx, decl, network);
        plans.checkDivisibility(shapes, planning);
        DtChecks.bandsFit(ctx, shapes);
        if (ctx.errorCount() > errorsBefore) {
            return Optional.empty();
        }
        DtChecks.waveformReach(ctx, shapes);
        return Optional.of(new CheckedNetwork(network, shapes, decl));
    }
}
