package dev.ssmc.compiler.syntax;

import java.util.List;
import java.util.Optional;

/**
 * The syntax tree of a {@code .ssm} file: immutable records, each with its {@link Pos}. It says
 * what was written, not what it means: names of modes, norms and constants are still text, and
 * repetitions are not expanded (lowering does both, keeping positions for its messages).
 */
public final class Ast {
    private Ast() {
    }

    /** Any node of the tree. */
    public sealed interface Node permits SourceFile, Comment, Statement, Block, Name, Option, Item, Range, HeadItem,
            PlanEntry, Quantity, Expr {
        Pos pos();
    }

    /** A whole file: its statements (constants, networks, plans) and its comments, in source order. */
    public record SourceFile(Pos pos, List<Statement> statements, List<Comment> comments) implements Node {
        public SourceFile {
            statements = List.copyOf(statements);
            comments = List.copyOf(comments);
        }
    }

    /** A comment, with its delimiters ({@code // ...} or {@code /* ... * /}). */
    public record Comment(Pos pos, String text) implements Node {
    }

    /** A word as written, with its position: a network, constant, mode, norm or option name. */
    public record Name(Pos pos, String text) implements Node {
    }

    /** A braced list of statements; its position spans the braces (the formatter needs the closing line). */
    public record Block(Pos pos, List<Statement> statements) implements Node {
        public Block {
            statements = List.copyOf(statements);
        }
    }

    /** A statement of a file, a network or a block. Which ones a place allows is the grammar's business. */
    public sealed interface Statement extends Node permits Let, NetworkDecl, Plan, Input, DefaultNorm, DefaultAct,
            DefaultDropout, Stage, Chain, HeadDecl, Repeat, EncoderDecoder, Output {
    }

    /** {@code let name = value}: a named constant. */
    public record Let(Pos pos, Name name, Expr value) implements Statement {
    }

    /** {@code network Name { ... }}. */
    public record NetworkDecl(Pos pos, Name name, Block body) implements Statement {
    }

    /** {@code plan training { batch 32; length 1 s }} or {@code plan streaming { chunk 10 ms }}. */
    public record Plan(Pos pos, Name kind, List<PlanEntry> entries) implements Statement {
        public Plan {
            entries = List.copyOf(entries);
        }
    }

    /** {@code batch 32}, {@code length 1 s}, {@code chunk 160}. */
    public record PlanEntry(Pos pos, Name key, Quantity value) implements Node {
    }

    /** A number with an optional unit: {@code 16 kHz}, {@code 10 ms}, {@code 16000}. */
    public record Quantity(Pos pos, Expr value, Optional<Unit> unit) implements Node {
    }

    /** The units a quantity may carry. */
    public enum Unit {
        HZ("Hz"), KHZ("kHz"), MS("ms"), S("s"), SAMPLES("samples");

        private final String spelling;

        Unit(String spelling) {
            this.spelling = spelling;
        }

        public String spelling() {
            return spelling;
        }
    }

    /** {@code input audio: 1 channel @ 16 kHz}. */
    public record Input(Pos pos, Name name, Expr channels, Optional<Quantity> sampleRate) implements Statement {
    }

    /** {@code norm batch}: the norm of every activation that does not name its own. */
    public record DefaultNorm(Pos pos, Name norm) implements Statement {
    }

    /** {@code act relu}: the postact of every activation that does not name its own. */
    public record DefaultAct(Pos pos, Name postact) implements Statement {
    }

    /** {@code dropout 0.1}: the training dropout of every activation that does not name its own. */
    public record DefaultDropout(Pos pos, Expr probability) implements Statement {
    }

    /**
     * {@code stage [residual[(options)]] layer [-> resample]}: one stage of a classifier backbone.
     *
     * @param residualOptions the options of the residual block (norm, act); empty when not residual or none given
     */
    public record Stage(Pos pos, boolean residual, List<Option> residualOptions, Layer layer,
                        Optional<Resample> pooling) implements Statement {
        public Stage {
            residualOptions = List.copyOf(residualOptions);
        }
    }

    /** {@code item -> item -> ...}: items applied in order. */
    public record Chain(Pos pos, List<Item> items) implements Statement {
        public Chain {
            items = List.copyOf(items);
        }
    }

    /**
     * {@code head mean -> linear 32 -> relu -> linear 12} (a classifier's) or
     * {@code head frames -> linear 17} (per-frame outputs): the pooling is a name lowering checks.
     */
    public record HeadDecl(Pos pos, Name pooling, List<HeadItem> items) implements Statement {
        public HeadDecl {
            items = List.copyOf(items);
        }
    }

    /** {@code repeat i in 1..3 { ... }}: the body once per value, with {@code i} bound to it. */
    public record Repeat(Pos pos, Name variable, Range range, Block body) implements Statement {
    }

    /** {@code encoder { ... } [bottleneck { ... }] decoder { ... }}: a U-Net with a skip around every level. */
    public record EncoderDecoder(Pos pos, Block encoder, Optional<Block> bottleneck, Block decoder)
            implements Statement {
    }

    /** {@code output { ... }}: the layers after a U-Net's decoder. */
    public record Output(Pos pos, Block body) implements Statement {
    }

    /**
     * {@code key value} inside a layer's, activation's or residual's parentheses, or
     * {@code key value..upTo} where the option takes a range ({@code dt 1e-3..1e-1}).
     */
    public record Option(Pos pos, Name key, Expr value, Optional<Expr> upTo) implements Node {
        /** An option with one value. */
        public Option(Pos pos, Name key, Expr value) {
            this(pos, key, value, Optional.empty());
        }
    }

    /** One element of a chain. */
    public sealed interface Item extends Node permits Layer, Resample, Activation, ResidualBlock, SkipMark {
    }

    /** {@code skip}: in an encoder level, the point its skip connection leaves from. */
    public record SkipMark(Pos pos) implements Item {
    }

    /** {@code s5(states 16, blocks 4) to 32}: an SSM layer of a mode, with options and an output width. */
    public record Layer(Pos pos, Name mode, List<Option> options, Optional<Expr> channels) implements Item {
        public Layer {
            options = List.copyOf(options);
        }
    }

    /** {@code downsample conv 4 to 8 with bias}: temporal resampling by an integer ratio. */
    public record Resample(Pos pos, boolean down, Name kind, Expr ratio, Optional<Expr> channels, boolean bias)
            implements Item {
    }

    /** {@code activation(norm rms, act gelu)}: a standalone norm, postact and dropout. */
    public record Activation(Pos pos, List<Option> options) implements Item {
        public Activation {
            options = List.copyOf(options);
        }
    }

    /**
     * {@code residual(norm batch, act relu) { ... }}: {@code postact(x + norm(body(x)))}; or, when
     * {@code mask}, {@code mask(norm X) { ... }}: {@code x * sigmoid(norm(body(x)))}.
     */
    public record ResidualBlock(Pos pos, List<Option> options, Block body, boolean mask) implements Item {
        public ResidualBlock {
            options = List.copyOf(options);
        }
    }

    /** The values a repetition takes. */
    public sealed interface Range extends Node permits Span, Values {
    }

    /** {@code a..b}: every whole number from a to b inclusive, counting down when b < a. */
    public record Span(Pos pos, Expr from, Expr to) implements Range {
    }

    /** {@code [a, b, c]}. */
    public record Values(Pos pos, List<Expr> values) implements Range {
        public Values {
            values = List.copyOf(values);
        }
    }

    /** An element of the head after its pooling. */
    public sealed interface HeadItem extends Node permits Linear, HeadAct {
    }

    /** {@code linear 32}: a dense layer with 32 outputs. */
    public record Linear(Pos pos, Expr features) implements HeadItem {
    }

    /** {@code relu}: the postact after the previous linear layer. */
    public record HeadAct(Pos pos, Name postact) implements HeadItem {
    }

    /** A numeric expression. */
    public sealed interface Expr extends Node permits Num, Ref, Neg, Binary {
    }

    /** A number literal, as written ({@code 16_000}, {@code 0.1}, {@code 1e-3}). */
    public record Num(Pos pos, String text) implements Expr {
    }

    /** A name used as a value: a constant, a repetition variable, or a word such as {@code batch}. */
    public record Ref(Pos pos, String name) implements Expr {
    }

    /** {@code -x}. */
    public record Neg(Pos pos, Expr operand) implements Expr {
    }

    /** {@code a op b} with op one of {@code + - * /}. */
    public record Binary(Pos pos, char op, Expr left, Expr right) implements Expr {
    }
}
