package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Ast.Statement;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a network declares about itself before its layers, wherever in its body it is written: its
 * input, its default norm, activation and dropout, its own plans and constants. These are read
 * first so that every layer sees them.
 *
 * @param scope      the network's constants, inside the file's
 * @param sampleRate the input's rate in Hz, 0 when not given (or in error)
 * @param defaults   the activation of a layer that names none
 * @param plans      the network's own plans, by kind
 * @param layers     the rest of the body, in order: the statements that build the network
 */
record NetworkHeader(Scope scope, int inChannels, int sampleRate, Activation defaults, Map<String, Ast.Plan> plans,
                     List<Statement> layers) {

    static NetworkHeader read(FileContext ctx, Ast.NetworkDecl decl, Scope fileScope) {
        Scope scope = new Scope(fileScope);
        Map<String, Ast.Plan> plans = new LinkedHashMap<>();
        List<Statement> layers = new ArrayList<>();
        Ast.Input input = null;
        Ast.DefaultNorm norm = null;
        Ast.DefaultAct act = null;
        Ast.DefaultDropout dropout = null;
        for (Statement s : decl.body().statements()) {
            if (s instanceof Ast.Let let) {
                ctx.defineLet(let, scope);
            } else if (s instanceof Ast.Input in) {
                input = once(ctx, decl, input, in, "input");
            } else if (s instanceof Ast.DefaultNorm n) {
                norm = once(ctx, decl, norm, n, "norm");
            } else if (s instanceof Ast.DefaultAct a) {
                act = once(ctx, decl, act, a, "act");
            } else if (s instanceof Ast.DefaultDropout d) {
                dropout = once(ctx, decl, dropout, d, "dropout");
            } else if (s instanceof Ast.Plan p) {
                PlanReader.collect(ctx, p, plans);
            } else {
                layers.add(s);
            }
        }
        int inChannels = 1;
        int sampleRate = 0;
        if (input == null) {
            ctx.error(decl.name().pos(), "network `" + decl.name().text() + "` has no input",
                    "declare it first thing in the network: `input audio: 1 channel @ 16 kHz`");
        } else {
            inChannels = ctx.eval().whole(input.channels(), scope, "the input's channel count", 1, Limits.MAX_SIZE).orElse(1);
            sampleRate = input.sampleRate().map(q -> sampleRate(ctx, q, scope)).orElse(0);
        }
        Activation defaults = defaults(ctx, norm, act, dropout, scope);
        return new NetworkHeader(scope, inChannels, sampleRate, defaults, plans, layers);
    }

    /** The first of a statement a network has once; a second is an error. */
    private static <T extends Statement> T once(FileContext ctx, Ast.NetworkDecl decl, T earlier, T now, String what) {
        if (earlier != null) {
            ctx.error(now.pos(), "duplicate `" + what + "` in network `" + decl.name().text() + "`",
                    "the first one is at line " + earlier.pos().line());
            return earlier;
        }
        return now;
    }

    /** The input's sample rate in Hz; 0 when it is in error. */
    private static int sampleRate(FileContext ctx, Ast.Quantity q, Scope scope) {
        Optional<BigDecimal> v = ctx.eval().eval(q.value(), scope);
        if (v.isEmpty()) {
            return 0;
        }
        Ast.Unit unit = q.unit().orElse(Ast.Unit.HZ);
        BigDecimal hz;
        if (unit == Ast.Unit.HZ) {
            hz = v.get();
        } else if (unit == Ast.Unit.KHZ) {
            hz = v.get().multiply(BigDecimal.valueOf(1000));
        } else {
            ctx.error(q.pos(), "a sample rate is in Hz or kHz, not " + unit.spelling(), "write `@ 16 kHz`");
            return 0;
        }
        return ctx.eval().whole(hz, q.value(), "the sample rate in Hz", 1, 100_000_000).orElse(0);
    }

    /** The network's default activation: no norm, ReLU and no dropout unless it says otherwise. */
    private static Activation defaults(FileContext ctx, Ast.DefaultNorm norm, Ast.DefaultAct act,
                                       Ast.DefaultDropout dropout, Scope scope) {
        NormKind n = NormKind.NONE;
        Postact p = Postact.RELU;
        double d = 0;
        if (norm != null) {
            n = ctx.lookup(NormKind.class, norm.norm(), "norm").orElse(n);
        }
        if (act != null) {
            p = ctx.lookup(Postact.class, act.postact(), "activation").orElse(p);
        }
        if (dropout != null) {
            d = ctx.dropout(dropout.probability(), scope).orElse(0);
        }
        return new Activation(n, p, d);
    }
}
