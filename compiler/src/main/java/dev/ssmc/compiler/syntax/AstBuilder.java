package dev.ssmc.compiler.syntax;

import dev.ssmc.compiler.syntax.Ast.Activation;
import dev.ssmc.compiler.syntax.Ast.Binary;
import dev.ssmc.compiler.syntax.Ast.Block;
import dev.ssmc.compiler.syntax.Ast.Chain;
import dev.ssmc.compiler.syntax.Ast.Comment;
import dev.ssmc.compiler.syntax.Ast.DefaultAct;
import dev.ssmc.compiler.syntax.Ast.DefaultDropout;
import dev.ssmc.compiler.syntax.Ast.DefaultNorm;
import dev.ssmc.compiler.syntax.Ast.EncoderDecoder;
import dev.ssmc.compiler.syntax.Ast.Expr;
import dev.ssmc.compiler.syntax.Ast.HeadDecl;
import dev.ssmc.compiler.syntax.Ast.HeadAct;
import dev.ssmc.compiler.syntax.Ast.HeadItem;
import dev.ssmc.compiler.syntax.Ast.Input;
import dev.ssmc.compiler.syntax.Ast.Item;
import dev.ssmc.compiler.syntax.Ast.Layer;
import dev.ssmc.compiler.syntax.Ast.Let;
import dev.ssmc.compiler.syntax.Ast.Linear;
import dev.ssmc.compiler.syntax.Ast.Name;
import dev.ssmc.compiler.syntax.Ast.Neg;
import dev.ssmc.compiler.syntax.Ast.NetworkDecl;
import dev.ssmc.compiler.syntax.Ast.Num;
import dev.ssmc.compiler.syntax.Ast.Option;
import dev.ssmc.compiler.syntax.Ast.Output;
import dev.ssmc.compiler.syntax.Ast.Plan;
import dev.ssmc.compiler.syntax.Ast.PlanEntry;
import dev.ssmc.compiler.syntax.Ast.Quantity;
import dev.ssmc.compiler.syntax.Ast.Range;
import dev.ssmc.compiler.syntax.Ast.Ref;
import dev.ssmc.compiler.syntax.Ast.Repeat;
import dev.ssmc.compiler.syntax.Ast.Resample;
import dev.ssmc.compiler.syntax.Ast.ResidualBlock;
import dev.ssmc.compiler.syntax.Ast.SourceFile;
import dev.ssmc.compiler.syntax.Ast.Span;
import dev.ssmc.compiler.syntax.Ast.Stage;
import dev.ssmc.compiler.syntax.Ast.Statement;
import dev.ssmc.compiler.syntax.Ast.Unit;
import dev.ssmc.compiler.syntax.Ast.Values;
import dev.ssmc.grammar.SsmBaseVisitor;
import dev.ssmc.grammar.SsmLexer;
import dev.ssmc.grammar.SsmParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Turns a parse tree into the immutable {@link Ast}. A visitor: each grammar rule has one method,
 * and every node gets the position of the text it came from.
 */
final class AstBuilder extends SsmBaseVisitor<Object> {
    private final String file;

    AstBuilder(String file) {
        this.file = file;
    }

    SourceFile build(SsmParser.FileContext ctx, List<Token> hidden) {
        List<Statement> statements = new ArrayList<>();
        for (ParseTree child : ctx.children) {
            if (child instanceof SsmParser.LetStmtContext l) {
                statements.add(visitLetStmt(l));
            } else if (child instanceof SsmParser.NetworkDeclContext n) {
                statements.add(visitNetworkDecl(n));
            } else if (child instanceof SsmParser.PlanDeclContext p) {
                statements.add(visitPlanDecl(p));
            }
        }
        List<Comment> comments = new ArrayList<>();
        for (Token t : hidden) {
            if (t.getType() == SsmLexer.LINE_COMMENT || t.getType() == SsmLexer.BLOCK_COMMENT) {
                comments.add(new Comment(pos(t), t.getText()));
            }
        }
        return new SourceFile(pos(ctx), statements, comments);
    }

    // ---- positions ----

    Pos pos(Token t) {
        int len = Math.max(1, t.getText() == null ? 1 : firstLineLength(t.getText()));
        int[] end = endOf(t);
        return new Pos(file, t.getLine(), t.getCharPositionInLine() + 1, len, end[0], end[1]);
    }

    Pos pos(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop() == null || ctx.getStop().getTokenIndex() < start.getTokenIndex() ? start : ctx.getStop();
        int len;
        if (start.getType() == Token.EOF) {
            len = 1;
        } else if (stop.getLine() == start.getLine() && stop.getStopIndex() >= start.getStartIndex()) {
            len = stop.getStopIndex() - start.getStartIndex() + 1;
        } else {
            len = firstLineLength(start.getText());
        }
        int[] end = endOf(stop);
        return new Pos(file, start.getLine(), start.getCharPositionInLine() + 1, Math.max(1, len), end[0], end[1]);
    }

    private static int firstLineLength(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text.length() : nl;
    }

    /** The line and 1-based column just after the token's last character. */
    private static int[] endOf(Token t) {
        String text = t.getType() == Token.EOF || t.getText() == null ? "" : t.getText();
        int line = t.getLine();
        int col = t.getCharPositionInLine() + 1;
        int nl = text.lastIndexOf('\n');
        if (nl < 0) {
            return new int[] {line, col + text.length()};
        }
        long lines = text.chars().filter(c -> c == '\n').count();
        return new int[] {line + (int) lines, text.length() - nl};
    }

    private Name name(Token t) {
        return new Name(pos(t), t.getText());
    }

    private Name name(TerminalNode t) {
        return name(t.getSymbol());
    }

    // ---- statements ----

    @Override
    public NetworkDecl visitNetworkDecl(SsmParser.NetworkDeclContext ctx) {
        List<Statement> body = new ArrayList<>();
        for (SsmParser.NetStmtContext s : ctx.netStmt()) {
            netStmt(s).ifPresent(body::add);
        }
        return new NetworkDecl(pos(ctx), name(ctx.name), block(ctx.LBRACE().getSymbol(), ctx.RBRACE().getSymbol(), body));
    }

    private Block block(Token open, Token close, List<Statement> statements) {
        int[] end = endOf(close);
        return new Block(new Pos(file, open.getLine(), open.getCharPositionInLine() + 1, 1, end[0], end[1]), statements);
    }

    private Optional<Statement> netStmt(SsmParser.NetStmtContext s) {
        ParseTree c = s.getChild(0);
        if (c instanceof TerminalNode) {
            return Optional.empty(); // a `;` separator
        }
        return Optional.of((Statement) visit(c));
    }

    private Optional<Statement> seqStmt(SsmParser.SeqStmtContext s) {
        ParseTree c = s.getChild(0);
        if (c instanceof TerminalNode) {
            return Optional.empty();
        }
        return Optional.of((Statement) visit(c));
    }

    private List<Statement> seqStmts(List<SsmParser.SeqStmtContext> list) {
        List<Statement> out = new ArrayList<>();
        for (SsmParser.SeqStmtContext s : list) {
            seqStmt(s).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Input visitInputStmt(SsmParser.InputStmtContext ctx) {
        return new Input(pos(ctx), name(ctx.name), expr(ctx.channels),
                ctx.rate == null ? Optional.empty() : Optional.of(visitQuantity(ctx.rate)));
    }

    @Override
    public DefaultNorm visitDefaultNorm(SsmParser.DefaultNormContext ctx) {
        return new DefaultNorm(pos(ctx), name(ctx.value));
    }

    @Override
    public DefaultAct visitDefaultAct(SsmParser.DefaultActContext ctx) {
        return new DefaultAct(pos(ctx), name(ctx.value));
    }

    @Override
    public DefaultDropout visitDefaultDropout(SsmParser.DefaultDropoutContext ctx) {
        return new DefaultDropout(pos(ctx), expr(ctx.value));
    }

    @Override
    public Let visitLetStmt(SsmParser.LetStmtContext ctx) {
        return new Let(pos(ctx), name(ctx.name), expr(ctx.value));
    }

    @Override
    public Stage visitStageStmt(SsmParser.StageStmtContext ctx) {
        boolean residual = ctx.RESIDUAL() != null;
        List<Option> opts = ctx.residualOpts == null ? List.of() : options(ctx.residualOpts);
        return new Stage(pos(ctx), residual, opts, visitLayer(ctx.layer()),
                ctx.resample() == null ? Optional.empty() : Optional.of(visitResample(ctx.resample())));
    }

    @Override
    public Chain visitChainStmt(SsmParser.ChainStmtContext ctx) {
        List<Item> items = new ArrayList<>();
        for (SsmParser.ItemContext i : ctx.item()) {
            items.add((Item) visit(i.getChild(0)));
        }
        return new Chain(pos(ctx), items);
    }

    @Override
    public Layer visitLayer(SsmParser.LayerContext ctx) {
        return new Layer(pos(ctx), name(ctx.kind), options(ctx.optionList()),
                ctx.channels == null ? Optional.empty() : Optional.of(expr(ctx.channels)));
    }

    private List<Option> options(SsmParser.OptionListContext ctx) {
        List<Option> out = new ArrayList<>();
        if (ctx != null) {
            for (SsmParser.OptionContext o : ctx.option()) {
                out.add(new Option(pos(o), name(o.key.getStart()), expr(o.value),
                        o.upTo == null ? Optional.empty() : Optional.of(expr(o.upTo))));
            }
        }
        return out;
    }

    @Override
    public Resample visitResample(SsmParser.ResampleContext ctx) {
        return new Resample(pos(ctx), ctx.direction.getType() == SsmLexer.DOWNSAMPLE, name(ctx.kind.getStart()), expr(ctx.ratio),
                ctx.channels == null ? Optional.empty() : Optional.of(expr(ctx.channels)), ctx.BIAS() != null);
    }

    @Override
    public Ast.SkipMark visitSkipMark(SsmParser.SkipMarkContext ctx) {
        return new Ast.SkipMark(pos(ctx));
    }

    @Override
    public Activation visitActivation(SsmParser.ActivationContext ctx) {
        return new Activation(pos(ctx), options(ctx.optionList()));
    }

    @Override
    public ResidualBlock visitResidualBlock(SsmParser.ResidualBlockContext ctx) {
        return new ResidualBlock(pos(ctx), options(ctx.optionList()),
                block(ctx.LBRACE().getSymbol(), ctx.RBRACE().getSymbol(), seqStmts(ctx.seqStmt())),
                ctx.kind.getType() == SsmParser.MASK);
    }

    @Override
    public Repeat visitRepeatNet(SsmParser.RepeatNetContext ctx) {
        List<Statement> body = new ArrayList<>();
        for (SsmParser.NetStmtContext s : ctx.netStmt()) {
            netStmt(s).ifPresent(body::add);
        }
        return new Repeat(pos(ctx), name(ctx.var), range(ctx.range()),
                block(ctx.LBRACE().getSymbol(), ctx.RBRACE().getSymbol(), body));
    }

    @Override
    public Repeat visitRepeatSeq(SsmParser.RepeatSeqContext ctx) {
        return new Repeat(pos(ctx), name(ctx.var), range(ctx.range()),
                block(ctx.LBRACE().getSymbol(), ctx.RBRACE().getSymbol(), seqStmts(ctx.seqStmt())));
    }

    private Range range(SsmParser.RangeContext ctx) {
        if (ctx instanceof SsmParser.SpanRangeContext s) {
            return new Span(pos(s), expr(s.from), expr(s.to));
        }
        SsmParser.ListRangeContext l = (SsmParser.ListRangeContext) ctx;
        return new Values(pos(l), l.expr().stream().map(this::expr).toList());
    }

    @Override
    public EncoderDecoder visitEncoderDecoder(SsmParser.EncoderDecoderContext ctx) {
        List<TerminalNode> opens = ctx.LBRACE();
        List<TerminalNode> closes = ctx.RBRACE();
        Block encoder = block(opens.get(0).getSymbol(), closes.get(0).getSymbol(), seqStmts(ctx.enc));
        Optional<Block> bottleneck = Optional.empty();
        int next = 1;
        if (ctx.BOTTLENECK() != null) {
            bottleneck = Optional.of(block(opens.get(1).getSymbol(), closes.get(1).getSymbol(), seqStmts(ctx.mid)));
            next = 2;
        }
        Block decoder = block(opens.get(next).getSymbol(), closes.get(next).getSymbol(), seqStmts(ctx.dec));
        return new EncoderDecoder(pos(ctx), encoder, bottleneck, decoder);
    }

    @Override
    public Output visitOutputBlock(SsmParser.OutputBlockContext ctx) {
        return new Output(pos(ctx), block(ctx.LBRACE().getSymbol(), ctx.RBRACE().getSymbol(), seqStmts(ctx.seqStmt())));
    }

    @Override
    public HeadDecl visitHeadStmt(SsmParser.HeadStmtContext ctx) {
        List<HeadItem> items = new ArrayList<>();
        for (SsmParser.HeadItemContext i : ctx.headItem()) {
            if (i instanceof SsmParser.HeadLinearContext l) {
                items.add(new Linear(pos(l), expr(l.features)));
            } else {
                SsmParser.HeadActContext a = (SsmParser.HeadActContext) i;
                items.add(new HeadAct(pos(a), name(a.postact)));
            }
        }
        return new HeadDecl(pos(ctx), name(ctx.pooling), items);
    }

    @Override
    public Plan visitPlanDecl(SsmParser.PlanDeclContext ctx) {
        List<PlanEntry> entries = new ArrayList<>();
        for (SsmParser.PlanEntryContext e : ctx.planEntry()) {
            entries.add(new PlanEntry(pos(e), name(e.key), visitQuantity(e.value)));
        }
        return new Plan(pos(ctx), name(ctx.kind), entries);
    }

    @Override
    public Quantity visitQuantity(SsmParser.QuantityContext ctx) {
        Optional<Unit> unit = Optional.empty();
        if (ctx.unit() != null) {
            unit = Optional.of(switch (ctx.unit().getStart().getType()) {
                case SsmLexer.HZ -> Unit.HZ;
                case SsmLexer.KHZ -> Unit.KHZ;
                case SsmLexer.MS -> Unit.MS;
                case SsmLexer.SEC -> Unit.S;
                default -> Unit.SAMPLES;
            });
        }
        return new Quantity(pos(ctx), expr(ctx.expr()), unit);
    }

    // ---- expressions ----

    Expr expr(SsmParser.ExprContext ctx) {
        return (Expr) visit(ctx);
    }

    @Override
    public Expr visitNegate(SsmParser.NegateContext ctx) {
        return new Neg(pos(ctx), expr(ctx.expr()));
    }

    @Override
    public Expr visitMultiply(SsmParser.MultiplyContext ctx) {
        return new Binary(pos(ctx), ctx.op.getText().charAt(0), expr(ctx.expr(0)), expr(ctx.expr(1)));
    }

    @Override
    public Expr visitAdd(SsmParser.AddContext ctx) {
        return new Binary(pos(ctx), ctx.op.getText().charAt(0), expr(ctx.expr(0)), expr(ctx.expr(1)));
    }

    @Override
    public Expr visitParens(SsmParser.ParensContext ctx) {
        // Parentheses only group; the tree's shape keeps the grouping.
        return expr(ctx.expr());
    }

    @Override
    public Expr visitNumber(SsmParser.NumberContext ctx) {
        return new Num(pos(ctx), ctx.getText());
    }

    @Override
    public Expr visitReference(SsmParser.ReferenceContext ctx) {
        return new Ref(pos(ctx), ctx.getText());
    }
}
