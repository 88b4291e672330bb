package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.FrameHead;
import dev.ssmc.compiler.ir.Head;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.syntax.Ast;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Lowers the {@code head}: linear layers, each optionally followed by one activation, after
 * either
 * <ul>
 * <li>{@code mean}: the classifier's mean over time of the body's output; linear layer {@code k}
 *     is the reference's {@code classifier.1.{2k}}; or</li>
 * <li>{@code frames}: every frame of the body's output on its own, so the network gives per-frame
 *     outputs over its time axis (a recognizer's symbol scores). The head's items become body
 *     nodes (see {@link FrameHead}): a linear layer is a learned pointwise conv with bias (a
 *     resampling conv of ratio 1), an activation a standalone one, so every engine runs the head
 *     as it runs the body, streams included, and the network's features are its outputs.</li>
 * </ul>
 */
final class HeadLowering {
    private static final String[] POOLINGS = {"mean", "frames"};

    private final FileContext ctx;
    private final NetworkState net;
    private final ItemLowering items;

    HeadLowering(FileContext ctx, NetworkState net, ItemLowering items) {
        this.ctx = ctx;
        this.net = net;
        this.items = items;
    }

    /** A linear layer as written: where it is in the head, its outputs, and the activation after it, if any. */
    private record Linear(int index, Ast.Linear decl, int out, Optional<Act> act) {
        Postact after() {
            return act.map(Act::postact).orElse(Postact.IDENTITY);
        }
    }

    /** An activation after a linear layer, where it is in the head. */
    private record Act(int index, Ast.HeadAct decl, Postact postact) {
    }

    void lower(Ast.HeadDecl h, Scope s) {
        String pooling = h.pooling().text();
        boolean known = List.of(POOLINGS).contains(pooling);
        if (!known) {
            ctx.error(h.pooling().pos(), "unknown head pooling `" + pooling + "`",
                    Suggest.didYouMean(pooling, POOLINGS).orElse("the head is `mean` (one output per input, the mean"
                            + " over time) or `frames` (one output per frame)"));
        }
        List<Linear> layers = linears(h, s, pooling.equals("frames") ? "frames" : "mean");
        if (layers.isEmpty()) {
            ctx.error(h.pos(), "the head needs at least one `linear` layer", "write `head " + (known ? pooling : "mean")
                    + " -> linear 12`");
            return;
        }
        if (pooling.equals("frames")) {
            frames(layers);
        } else if (known) {
            mean(h, layers);
        }
    }

    /** The head's linear layers with their activations; each mistake reported where it was written. */
    private List<Linear> linears(Ast.HeadDecl h, Scope s, String pooling) {
        List<Linear> layers = new ArrayList<>();
        boolean actSet = false;
        for (int i = 0; i < h.items().size(); i++) {
            Ast.HeadItem item = h.items().get(i);
            if (item instanceof Ast.Linear lin) {
                int out = ctx.eval().whole(lin.features(), s, "a linear layer's outputs", 1, Limits.MAX_SIZE).orElse(1);
                layers.add(new Linear(i, lin, out, Optional.empty()));
                actSet = false;
                continue;
            }
            Ast.HeadAct a = (Ast.HeadAct) item;
            Optional<Postact> p = ctx.lookup(Postact.class, a.postact(), "activation");
            if (layers.isEmpty()) {
                ctx.error(a.pos(), "an activation in the head follows a `linear` layer",
                        "write `head " + pooling + " -> linear 32 -> " + a.postact().text() + " -> linear 12`");
            } else if (actSet) {
                ctx.error(a.pos(), "a linear layer is followed by one activation, not two");
            } else if (p.isPresent()) {
                Linear last = layers.remove(layers.size() - 1);
                layers.add(new Linear(last.index(), last.decl(), last.out(), Optional.of(new Act(i, a, p.get()))));
            }
            actSet = true;
        }
        return layers;
    }

    private void mean(Ast.HeadDecl h, List<Linear> layers) {
        List<Dense> dense = new ArrayList<>();
        int features = net.flow();
        for (Linear l : layers) {
            Dense d = new Dense("classifier.1." + 2 * dense.size(), features, l.out(), l.after());
            dense.add(d);
            features = d.outFeatures();
        }
        net.setHead(new Head(ctx.origin(h.pos(), "classifier head"), dense));
    }

    /** The head's layers as body nodes keyed {@code head.{i}}, {@code i} the item's place in the head. */
    private void frames(List<Linear> layers) {
        for (Linear l : layers) {
            items.add(new Resample(ctx.origin(l.decl().pos(), "frame head linear " + l.index()), FrameHead.key(l.index()),
                    ResampleMode.DOWNSAMPLING_WITH_BIAS, 1, net.flow(), l.out()), net.body());
            l.act().ifPresent(a -> items.add(new ActLayer(ctx.origin(a.decl().pos(), "frame head activation " + a.index()),
                    FrameHead.key(a.index()), net.flow(), new Activation(NormKind.NONE, a.postact(), 0)), net.body()));
        }
    }
}
