package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.Names;
import dev.ssmc.compiler.syntax.Ast.Binary;
import dev.ssmc.compiler.syntax.Ast.Expr;
import dev.ssmc.compiler.syntax.Ast.Neg;
import dev.ssmc.compiler.syntax.Ast.Num;
import dev.ssmc.compiler.syntax.Ast.Ref;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Evaluates numeric expressions in a scope. Numbers are decimals (so {@code 0.1 * 3} is exactly
 * {@code 0.3}); where a whole number is needed, the value must be one. Every failure is a
 * diagnostic at the expression and an empty result, never an exception.
 */
final class Evaluator {
    /** No quantity in a network comes near this; past it, arithmetic would only overflow the IR. */
    static final BigDecimal MAGNITUDE_LIMIT = new BigDecimal("1e12");

    private final Diagnostics diags;

    Evaluator(Diagnostics diags) {
        this.diags = diags;
    }

    Optional<BigDecimal> eval(Expr e, Scope scope) {
        if (e instanceof Num n) {
            return literal(n);
        } else if (e instanceof Ref r) {
            return reference(r, scope);
        } else if (e instanceof Neg n) {
            return eval(n.operand(), scope).map(BigDecimal::negate);
        }
        return binary((Binary) e, scope);
    }

    private Optional<BigDecimal> literal(Num n) {
        String text = n.text().replace("_", "");
        try {
            BigDecimal v = new BigDecimal(text);
            if (v.abs().compareTo(MAGNITUDE_LIMIT) > 0) {
                diags.error(n.pos(), "the number " + n.text() + " is too large (numbers stay below 10^12)");
                return Optional.empty();
            }
            if (v.signum() != 0 && v.abs().compareTo(new BigDecimal("1e-12")) < 0) {
                diags.error(n.pos(), "the number " + n.text() + " is too small to mean anything here");
                return Optional.empty();
            }
            return Optional.of(v);
        } catch (NumberFormatException | ArithmeticException ex) {
            diags.error(n.pos(), "the number " + n.text() + " is out of range");
            return Optional.empty();
        }
    }

    private Optional<BigDecimal> reference(Ref r, Scope scope) {
        Optional<Scope.Binding> b = scope.lookup(r.name());
        if (b.isPresent()) {
            return Optional.of(b.get().value());
        }
        String[] visible = scope.visibleNames().toArray(String[]::new);
        Optional<String> near = Suggest.closest(r.name(), visible);
        String hint = near.map(c -> "did you mean `" + c + "`?").orElse(null);
        if (hint == null && r.name().contains("-")) {
            hint = "to subtract, put spaces around `-`: `" + r.name().replace("-", " - ") + "`";
        }
        if (hint == null && visible.length == 0) {
            hint = "define it first: `let " + r.name() + " = ...`";
        }
        diags.error(r.pos(), "unknown name `" + r.name() + "`", hint);
        return Optional.empty();
    }

    private Optional<BigDecimal> binary(Binary b, Scope scope) {
        Optional<BigDecimal> left = eval(b.left(), scope);
        Optional<BigDecimal> right = eval(b.right(), scope);
        if (left.isEmpty() || right.isEmpty()) {
            return Optional.empty();
        }
        BigDecimal l = left.get();
        BigDecimal r = right.get();
        BigDecimal v;
        try {
            switch (b.op()) {
                case '+' -> v = l.add(r, MathContext.DECIMAL64);
                case '-' -> v = l.subtract(r, MathContext.DECIMAL64);
                case '*' -> v = l.multiply(r, MathContext.DECIMAL64);
                default -> {
                    if (r.signum() == 0) {
                        diags.error(b.right().pos(), "division by zero");
                        return Optional.empty();
                    }
                    v = l.divide(r, MathContext.DECIMAL64);
                }
            }
        } catch (ArithmeticException ex) {
            diags.error(b.pos(), "this expression is out of range");
            return Optional.empty();
        }
        if (v.abs().compareTo(MAGNITUDE_LIMIT) > 0) {
            diags.error(b.pos(), "this expression is too large (" + v.round(new MathContext(4)).toString()
                    + "; numbers stay below 10^12)");
            return Optional.empty();
        }
        return Optional.of(v.stripTrailingZeros());
    }

    /** The value as a whole number in {@code [min, max]}, or a diagnostic naming {@code what}. */
    OptionalInt whole(Expr e, Scope scope, String what, int min, int max) {
        Optional<BigDecimal> v = eval(e, scope);
        if (v.isEmpty()) {
            return OptionalInt.empty();
        }
        return whole(v.get(), e, what, min, max);
    }

    OptionalInt whole(BigDecimal value, Expr at, String what, int min, int max) {
        BigDecimal v = value.stripTrailingZeros();
        if (v.scale() > 0) {
            diags.error(at.pos(), what + " must be a whole number, got " + v.toPlainString());
            return OptionalInt.empty();
        }
        if (v.compareTo(BigDecimal.valueOf(min)) < 0) {
            diags.error(at.pos(), what + " must be at least " + min + ", got " + v.toPlainString());
            return OptionalInt.empty();
        }
        if (v.compareTo(BigDecimal.valueOf(max)) > 0) {
            diags.error(at.pos(), what + " must be at most " + String.format("%,d", max) + ", got "
                    + v.toPlainString());
            return OptionalInt.empty();
        }
        return OptionalInt.of(v.intValueExact());
    }

    static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }
}
