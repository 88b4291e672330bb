package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.Head;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.syntax.Ast;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Lowers the classifier's {@code head}: the mean over time of the body's output, then linear
 * layers, each optionally followed by one activation. Linear layer {@code k} is the reference's
 * {@code classifier.1.{2k}}.
 */
final class HeadLowering {
    private final FileContext ctx;
    private final NetworkState net;

    HeadLowering(FileContext ctx, NetworkState net) {
        this.ctx = ctx;
        this.net = net;
    }

    void lower(Ast.Head h, Scope s) {
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
        net.setHead(new Head(ctx.origin(h.pos(), "classifier head"), layers));
    }
}
