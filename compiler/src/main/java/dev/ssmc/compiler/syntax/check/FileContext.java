package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.IrException;
import dev.ssmc.compiler.ir.Names;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.Origin;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Ast.Expr;
import dev.ssmc.compiler.syntax.Ast.Option;
import dev.ssmc.compiler.syntax.Diagnostic;
import dev.ssmc.compiler.syntax.Pos;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the lowering of one file shares across its networks: the file's name, its diagnostics, the
 * evaluator of constant expressions, and where each IR origin came from, so that an error the IR
 * finds later underlines the source that made the node.
 */
final class FileContext {
    private final String file;
    private final Diagnostics diags;
    private final Evaluator eval;
    /** Where each IR origin came from, with the length to underline, for IR errors. */
    private final Map<Origin, Pos> originPos = new HashMap<>();
    /** The SSM layers as written, by the origins of the IR layers made from them, for hints that rewrite them. */
    private final Map<Origin, Ast.Layer> layers = new HashMap<>();

    FileContext(String file, Diagnostics diags) {
        this.file = file;
        this.diags = diags;
        this.eval = new Evaluator(diags);
    }

    Evaluator eval() {
        return eval;
    }

    void error(Pos pos, String message) {
        diags.error(pos, message);
    }

    void error(Pos pos, String message, String hint) {
        diags.error(pos, message, hint);
    }

    /** Every error so far; a piece compares it before and after to learn whether it found any. */
    int errorCount() {
        return diags.errorCount();
    }

    /** The origin of an IR node made at {@code pos}, remembered so that {@link #irError} can point back to it. */
    Origin origin(Pos pos, String what) {
        Origin o = new Origin(file, pos.line(), pos.column(), what);
        originPos.putIfAbsent(o, pos);
        return o;
    }

    /** The origin of an IR layer made from {@code layer}, which {@link #writtenLayer} gives back. */
    Origin layerOrigin(Ast.Layer layer, String what) {
        Origin o = origin(layer.pos(), what);
        layers.putIfAbsent(o, layer);
        return o;
    }

    /** The layer as written that made the IR layer of {@code origin}, if it came from one. */
    Optional<Ast.Layer> writtenLayer(Origin origin) {
        return Optional.ofNullable(layers.get(origin));
    }

    private Pos posOf(Origin o) {
        Pos p = originPos.get(o);
        if (p != null) {
            return p;
        }
        return new Pos(file, Math.max(1, o.line()), Math.max(1, o.column()), 1, Math.max(1, o.line()), o.column() + 1);
    }

    /** An error at the source of an IR node. */
    void error(Origin origin, String message, String hint) {
        diags.error(posOf(origin), message, hint);
    }

    /** A warning at the source of an IR node: it compiles, but probably not as meant. */
    void warning(Origin origin, String message, String hint) {
        diags.add(Diagnostic.warning(posOf(origin), message, hint));
    }

    /** An error the IR found, reported at the source of the node it names. */
    void irError(IrException e) {
        String hint = null;
        if (e.origin() != null && e.origin().what().endsWith("(skip addition)")) {
            hint = "the matching decoder level must bring the signal back to this level's input: the same channels and"
                    + " sample rate";
        }
        diags.error(posOf(e.origin()), e.detail(), hint);
    }

    /** The node if the IR accepts it on its own; else its error is reported. */
    <N extends Node> Optional<N> validated(N node) {
        try {
            node.validate();
            return Optional.of(node);
        } catch (IrException e) {
            irError(e);
            return Optional.empty();
        }
    }

    /** The enum value a name spells ({@code rms}, {@code gelu}), or an error listing them all. */
    <E extends Enum<E> & Names.Spelled> Optional<E> lookup(Class<E> type, Ast.Name name, String what) {
        Optional<E> v = Names.lookup(type, name.text());
        if (v.isEmpty()) {
            String[] all = Names.spellings(type);
            diags.error(name.pos(), "unknown " + what + " `" + name.text() + "`",
                    Suggest.didYouMean(name.text(), all).orElse("the " + what + "s are " + String.join(", ", all)));
        }
        return v;
    }

    /** A name written as an option's value ({@code norm rms}): the expression must be a bare word. */
    Optional<Ast.Name> word(Option o, String what) {
        if (o.value() instanceof Ast.Ref r) {
            return Optional.of(new Ast.Name(r.pos(), r.name()));
        }
        diags.error(o.value().pos(), "`" + o.key().text() + "` takes " + what + ", not a number");
        return Optional.empty();
    }

    /** A dropout probability, in [0, 1). */
    OptionalDouble dropout(Expr e, Scope s) {
        Optional<BigDecimal> v = eval.eval(e, s);
        if (v.isEmpty()) {
            return OptionalDouble.empty();
        }
        double p = v.get().doubleValue();
        if (!(p >= 0 && p < 1)) {
            diags.error(e.pos(), "dropout is a probability in [0, 1), got " + Evaluator.plain(v.get()));
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(p);
    }

    /** Defines a constant; a name already visible is an error, and the constant is then not defined. */
    void defineLet(Ast.Let let, Scope scope) {
        Optional<BigDecimal> v = eval.eval(let.value(), scope);
        Optional<Scope.Binding> hidden = scope.define(let.name().text(), v.orElse(BigDecimal.ONE), let.name().pos());
        hidden.ifPresent(b -> duplicateName(let.name(), b));
    }

    /** A name bound where {@code earlier} is already visible. */
    void duplicateName(Ast.Name name, Scope.Binding earlier) {
        diags.error(name.pos(), "duplicate name `" + name.text() + "`", "`" + earlier.name() + "` is already defined at line "
                + earlier.pos().line() + ", column " + earlier.pos().column());
    }
}
