package dev.ssmc.compiler.syntax;

import dev.ssmc.compiler.syntax.Ast.Block;
import dev.ssmc.compiler.syntax.Ast.Expr;
import dev.ssmc.compiler.syntax.Ast.Item;
import dev.ssmc.compiler.syntax.Ast.Name;
import dev.ssmc.compiler.syntax.Ast.Option;
import dev.ssmc.compiler.syntax.Ast.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Random syntax trees that the grammar can produce (not necessarily meaningful networks): every
 * statement kind in every place the grammar allows it, nested blocks, and expressions of every
 * shape, so the formatter's round trip is tested on far more than the examples.
 */
final class RandomTrees {
    private static final Pos P = Pos.NONE;
    private static final String[] WORDS = {"a", "base", "x1", "width_2", "layer-feature", "s5", "dws", "neck", "full",
            "relu", "conv", "mean", "training", "streaming", "batch", "length", "chunk", "states", "blocks", "on", "off",
            "none", "glu", "average", "reshape", "e", "E2"};
    private static final String[] NUMBERS = {"0", "1", "8", "16", "16_000", "0.1", "1e-3", "2.5E3", "3.25", "1_0.5"};

    private final Random random;

    RandomTrees(long seed) {
        this.random = new Random(seed);
    }

    Ast.SourceFile file() {
        List<Statement> top = new ArrayList<>();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(4)) {
                case 0 -> top.add(let());
                case 1 -> top.add(plan());
                default -> top.add(network());
            }
        }
        return new Ast.SourceFile(P, top, List.of());
    }

    private boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    private <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    private Name name() {
        return new Name(P, pick(WORDS));
    }

    private Ast.Let let() {
        return new Ast.Let(P, name(), expr(3));
    }

    private Ast.Plan plan() {
        List<Ast.PlanEntry> entries = new ArrayList<>();
        int n = random.nextInt(3);
        for (int i = 0; i < n; i++) {
            entries.add(new Ast.PlanEntry(P, name(), quantity()));
        }
        return new Ast.Plan(P, name(), entries);
    }

    private Ast.Quantity quantity() {
        Ast.Unit[] units = Ast.Unit.values();
        return new Ast.Quantity(P, expr(2), chance(50) ? Optional.of(pick(units)) : Optional.empty());
    }

    private Ast.NetworkDecl network() {
        return new Ast.NetworkDecl(P, name(), new Block(P, netStatements(3)));
    }

    private List<Statement> netStatements(int depth) {
        List<Statement> out = new ArrayList<>();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            out.add(netStatement(depth));
        }
        return out;
    }

    private Statement netStatement(int depth) {
        switch (random.nextInt(depth > 0 ? 13 : 11)) {
            case 0:
                return new Ast.Input(P, name(), expr(2), chance(50) ? Optional.of(quantity()) : Optional.empty());
            case 1:
                return new Ast.DefaultNorm(P, name());
            case 2:
                return new Ast.DefaultAct(P, name());
            case 3:
                return new Ast.DefaultDropout(P, expr(2));
            case 4:
                return let();
            case 5:
            case 6: {
                boolean residual = chance(50);
                return new Ast.Stage(P, residual, residual ? options() : List.of(), layer(),
                        chance(60) ? Optional.of(resample()) : Optional.empty());
            }
            case 7:
                return chain(depth);
            case 8: {
                List<Ast.HeadItem> items = new ArrayList<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    items.add(chance(60) ? new Ast.Linear(P, expr(2)) : new Ast.HeadAct(P, name()));
                }
                Name pooling = chance(70) ? new Name(P, chance(50) ? "mean" : "frames") : name();
                return new Ast.HeadDecl(P, pooling, items);
            }
            case 9:
                return plan();
            case 10:
                return new Ast.Output(P, new Block(P, seqStatements(depth - 1)));
            case 11:
                return new Ast.Repeat(P, name(), range(), new Block(P, netStatements(depth - 1)));
            default:
                return new Ast.EncoderDecoder(P, new Block(P, seqStatements(depth - 1)),
                        chance(50) ? Optional.of(new Block(P, seqStatements(depth - 1))) : Optional.empty(),
                        new Block(P, seqStatements(depth - 1)));
        }
    }

    private List<Statement> seqStatements(int depth) {
        List<Statement> out = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(depth > 0 ? 4 : 3);
            if (k == 0) {
                out.add(let());
            } else if (k == 3) {
                out.add(new Ast.Repeat(P, name(), range(), new Block(P, seqStatements(depth - 1))));
            } else {
                out.add(chain(depth));
            }
        }
        return out;
    }

    private Ast.Chain chain(int depth) {
        List<Item> items = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            items.add(item(depth));
        }
        return new Ast.Chain(P, items);
    }

    private Item item(int depth) {
        int k = random.nextInt(depth > 0 ? 4 : 3);
        return switch (k) {
            case 0 -> layer();
            case 1 -> resample();
            case 2 -> new Ast.Activation(P, options());
            default -> new Ast.ResidualBlock(P, options(), new Block(P, seqStatements(depth - 1)), chance(30));
        };
    }

    private Ast.Layer layer() {
        return new Ast.Layer(P, name(), options(), chance(40) ? Optional.of(expr(2)) : Optional.empty());
    }

    private Ast.Resample resample() {
        return new Ast.Resample(P, chance(50), name(), expr(2), chance(50) ? Optional.of(expr(2)) : Optional.empty(),
                chance(20));
    }

    private List<Option> options() {
        List<Option> out = new ArrayList<>();
        int n = random.nextInt(4);
        String[] keys = {"states", "blocks", "norm", "act", "dropout", "activations", "dt", "sates"};
        for (int i = 0; i < n; i++) {
            // any option may be written with a range (`dt 1e-3..1e-1`): the parser takes it, lowering checks who may
            out.add(new Option(P, new Name(P, pick(keys)), expr(2), chance(20) ? Optional.of(expr(2)) : Optional.empty()));
        }
        return out;
    }

    private Ast.Range range() {
        if (chance(60)) {
            return new Ast.Span(P, expr(1), expr(1));
        }
        List<Expr> values = new ArrayList<>();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            values.add(expr(2));
        }
        return new Ast.Values(P, values);
    }

    Expr expr(int depth) {
        int k = random.nextInt(depth > 0 ? 5 : 2);
        return switch (k) {
            case 0 -> new Ast.Num(P, pick(NUMBERS));
            case 1 -> new Ast.Ref(P, pick(WORDS));
            case 2 -> new Ast.Neg(P, expr(depth - 1));
            default -> new Ast.Binary(P, "+-*/".charAt(random.nextInt(4)), expr(depth - 1), expr(depth - 1));
        };
    }
}
