package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Ast.Option;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Lowers the classifier's {@code stage} statements as the reference builds its backbone: stage
 * {@code i} is a layer ({@code backbone.{i}.0}) or a residual block around one, then an optional
 * pooling step ({@code backbone.{i}.1.0}) that, when it is a learned convolution, is followed by the
 * stage's activation ({@code backbone.{i}.1.1.0}).
 */
final class StageLowering {
    private final FileContext ctx;
    private final NetworkState net;
    private final ItemLowering items;

    StageLowering(FileContext ctx, NetworkState net, ItemLowering items) {
        this.ctx = ctx;
        this.net = net;
        this.items = items;
    }

    void lower(Ast.Stage stage, Scope s) {
        int i = net.nextStage();
        String prefix = "backbone." + i;
        Map<String, Option> resOpts = items.options(stage.residualOptions(), "a residual stage", "norm", "act");
        Activation resAct = items.activationOf(resOpts, net.defaults(), s);
        // The stage's activation: its layer's, or its residual block's; the pooling conv reuses it.
        Activation stageAct = stage.residual() ? residualLayer(stage, i, prefix, s, resAct) : layer(stage, i, prefix, s);
        stage.pooling().ifPresent(p -> pooling(p, i, prefix, s, stageAct));
    }

    /** A plain stage's layer; the stage's activation is the layer's. */
    private Activation layer(Ast.Stage stage, int i, String prefix, Scope s) {
        int cin = net.flow();
        Optional<ItemLowering.LayerSpec> spec = items.layerSpec(stage.layer(), s, net.defaults());
        if (spec.isEmpty()) {
            return net.defaults();
        }
        ItemLowering.LayerSpec l = spec.get();
        items.add(l.layer(ctx, "stage " + i, prefix + ".0", cin, true), net.body());
        return l.act();
    }

    /** A residual stage's block; the stage's activation is the block's, with the layer's dropout. */
    private Activation residualLayer(Ast.Stage stage, int i, String prefix, Scope s, Activation resAct) {
        int cin = net.flow();
        // The reference builds the inner layer with its activations off and its own default norm
        // (BatchNorm), which matters for a dws layer's always-present input activation.
        Activation innerBase = net.defaults().withNorm(NormKind.BATCH);
        Optional<ItemLowering.LayerSpec> spec = items.layerSpec(stage.layer(), s, innerBase);
        if (spec.isEmpty()) {
            return resAct;
        }
        ItemLowering.LayerSpec l = spec.get();
        if (l.activations().orElse(false)) {
            Option o = l.options().get("activations");
            ctx.error(o.value().pos(), "the layer of a residual stage has its activations off",
                    "the block applies norm and act after adding the input; remove `activations on`");
            return resAct;
        }
        SsmLayer inner = l.layer(ctx, "stage " + i, prefix + ".0.layer", cin, false);
        if (ctx.validated(inner).isEmpty()) {
            return resAct;
        }
        if (inner.outChannels() != cin) {
            ctx.error(stage.layer().pos(), "a residual stage must keep the channels so its output can be"
                    + " added to its input, but this layer turns " + cin + " channels into " + inner.outChannels(),
                    "drop `residual`, or change the channels in the stage's downsampling instead");
            net.flowTo(inner.outChannels());
            return resAct;
        }
        items.add(new Residual(ctx.origin(stage.pos(), "stage " + i + " (residual " + l.mode().spelling() + " block)"),
                List.of(inner), resAct.norm(), prefix + ".0.residual_connect.norm_drop.0", resAct.postact()), net.body());
        return new Activation(resAct.norm(), resAct.postact(), l.act().dropout());
    }

    private void pooling(Ast.Resample p, int i, String prefix, Scope s, Activation stageAct) {
        List<Node> body = net.body();
        // As in the reference, a learned pooling conv is followed by the stage's norm and postact;
        // the parameterless ones (average, subsample, reshape, upsampling) are not.
        if (items.resample(p, prefix + ".1.0", s, body, "stage " + i, OptionalInt.empty())
                && body.get(body.size() - 1) instanceof Resample pool
                && pool.mode().spelling().startsWith("downsampling")
                && !stageAct.isIdentityOn(net.flow())) {
            items.add(new ActLayer(ctx.origin(p.pos(), "stage " + i + " (activation after pooling)"), prefix + ".1.1.0",
                    net.flow(), stageAct), body);
        }
    }
}
