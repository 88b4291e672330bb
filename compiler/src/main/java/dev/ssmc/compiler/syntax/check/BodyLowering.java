package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Ast.Item;
import dev.ssmc.compiler.syntax.Ast.Statement;
import java.util.List;

/**
 * Lowers the statements that build a network, in order and with repetitions unrolled, handing each
 * to the class that lowers its kind: plain chains ({@code layers.{i}}), stages, an encoder/decoder,
 * an {@code output} block ({@code last_ssms.{i}}) and the head, which must come last.
 */
final class BodyLowering {
    private final FileContext ctx;
    private final NetworkState net;
    private final Expansion expansion;
    private final ItemLowering items;
    private final StageLowering stages;
    private final UNetLowering unet;
    private final HeadLowering head;

    BodyLowering(FileContext ctx, NetworkState net) {
        this.ctx = ctx;
        this.net = net;
        this.expansion = new Expansion(ctx);
        this.items = new ItemLowering(ctx, net, expansion);
        this.stages = new StageLowering(ctx, net, items);
        this.unet = new UNetLowering(ctx, net, expansion, items);
        this.head = new HeadLowering(ctx, net, items);
    }

    void lower(List<Statement> statements, Scope s) {
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
            } else if (st instanceof Ast.Chain chain) {
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
            } else if (st instanceof Ast.HeadDecl h) {
                net.setHeadDecl(h);
                head.lower(h, s);
            } else if (st instanceof Ast.Repeat r) {
                if (!expansion.unroll(r, s, inner -> lower(r.body().statements(), inner))) {
                    return;
                }
            } else {
                // NetworkHeader took these from the network's own body; here they sit inside a repetition.
                String what = st instanceof Ast.Input ? "input" : st instanceof Ast.Plan ? "plan"
                        : st instanceof Ast.DefaultNorm ? "norm" : st instanceof Ast.DefaultAct ? "act" : "dropout";
                ctx.error(st.pos(), "`" + what + "` belongs directly in the network, not inside `repeat`");
            }
        }
    }
}
