package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Ast.Chain;
import dev.ssmc.compiler.syntax.Ast.Expr;
import dev.ssmc.compiler.syntax.Ast.Statement;
import dev.ssmc.compiler.syntax.Pos;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Unrolls one network's repetitions ({@code repeat i in 1..4 { ... }}), each pass in a scope of its
 * own that binds the variable, and defines the constants met on the way. Every statement unrolled
 * spends one unit of the network's budget: a few nested repetitions could otherwise ask for
 * millions of layers, and the file is rejected once, at the statement that ran out.
 */
final class Expansion {
    /** A chain with the scope its names are read in. */
    record ScopedChain(Chain chain, Scope scope) {
    }

    private final FileContext ctx;
    private int expanded;
    private boolean reported;

    Expansion(FileContext ctx) {
        this.ctx = ctx;
    }

    /** Spends the budget of one statement at {@code pos}; false, once reported, when it has run out. */
    boolean spend(Pos pos) {
        if (++expanded > Limits.MAX_EXPANDED) {
            if (!reported) {
                ctx.error(pos, "the network expands to more than " + String.format("%,d", Limits.MAX_EXPANDED)
                        + " statements", "repeat fewer times");
                reported = true;
            }
            return false;
        }
        return true;
    }

    /**
     * Runs {@code body} once per value of the repetition, in a new scope binding its variable; false
     * when the budget ran out, and the caller stops too.
     */
    boolean unroll(Ast.Repeat r, Scope s, Consumer<Scope> body) {
        // A clash with an outer name is reported once here, not once per value; the outer name then keeps its value.
        s.lookup(r.variable().text()).ifPresent(b -> ctx.duplicateName(r.variable(), b));
        for (BigDecimal v : values(r.range(), s)) {
            Scope inner = new Scope(s);
            inner.define(r.variable().text(), v, r.variable().pos());
            body.accept(inner);
            if (expanded > Limits.MAX_EXPANDED) {
                return false;
            }
        }
        return true;
    }

    /** The chains of a block (an encoder, a residual body, an {@code output}), repetitions unrolled. */
    List<ScopedChain> chains(List<Statement> statements, Scope s) {
        List<ScopedChain> out = new ArrayList<>();
        chainsInto(statements, s, out);
        return out;
    }

    private void chainsInto(List<Statement> statements, Scope s, List<ScopedChain> out) {
        for (Statement st : statements) {
            if (!spend(st.pos())) {
                return;
            }
            if (st instanceof Ast.Let let) {
                ctx.defineLet(let, s);
            } else if (st instanceof Chain c) {
                out.add(new ScopedChain(c, s));
            } else if (st instanceof Ast.Repeat r && !unroll(r, s, inner -> chainsInto(r.body().statements(), inner, out))) {
                return;
            }
        }
    }

    private List<BigDecimal> values(Ast.Range range, Scope s) {
        List<BigDecimal> out = new ArrayList<>();
        if (range instanceof Ast.Span span) {
            OptionalInt from = ctx.eval().whole(span.from(), s, "the start of a range", -Limits.MAX_SIZE, Limits.MAX_SIZE);
            OptionalInt to = ctx.eval().whole(span.to(), s, "the end of a range", -Limits.MAX_SIZE, Limits.MAX_SIZE);
            if (from.isEmpty() || to.isEmpty()) {
                return out;
            }
            int a = from.getAsInt();
            int b = to.getAsInt();
            if (Math.abs((long) b - a) + 1 > Limits.MAX_REPEAT) {
                ctx.error(span.pos(), "this range has " + (Math.abs((long) b - a) + 1) + " values; a repetition takes at most "
                        + Limits.MAX_REPEAT);
                return out;
            }
            int step = b >= a ? 1 : -1;
            for (int i = a; ; i += step) {
                out.add(BigDecimal.valueOf(i));
                if (i == b) {
                    break;
                }
            }
        } else {
            for (Expr e : ((Ast.Values) range).values()) {
                ctx.eval().eval(e, s).ifPresent(out::add);
            }
        }
        return out;
    }
}
