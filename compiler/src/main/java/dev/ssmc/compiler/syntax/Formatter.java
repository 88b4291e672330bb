package dev.ssmc.compiler.syntax;

import dev.ssmc.compiler.syntax.Ast.Binary;
import dev.ssmc.compiler.syntax.Ast.Block;
import dev.ssmc.compiler.syntax.Ast.Chain;
import dev.ssmc.compiler.syntax.Ast.Comment;
import dev.ssmc.compiler.syntax.Ast.Expr;
import dev.ssmc.compiler.syntax.Ast.Item;
import dev.ssmc.compiler.syntax.Ast.Neg;
import dev.ssmc.compiler.syntax.Ast.Num;
import dev.ssmc.compiler.syntax.Ast.Option;
import dev.ssmc.compiler.syntax.Ast.Ref;
import dev.ssmc.compiler.syntax.Ast.SourceFile;
import dev.ssmc.compiler.syntax.Ast.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints a syntax tree in the canonical form: one statement per line, two-space indentation,
 * single spaces around operators and arrows, no semicolons, minimal parentheses. Comments are
 * kept: a comment on its own line stays before the statement it preceded, a comment at the end
 * of a statement's last line stays there, and a comment inside a one-line statement moves to
 * just before it. One blank line is kept wherever the source had one or more.
 */
public final class Formatter {
    private static final String INDENT = "  ";

    private final StringBuilder out = new StringBuilder();
    private final List<Comment> comments;
    private final boolean[] used;
    private int depth;
    /** The last source line the output has reached; 0 before anything (and for generated trees). */
    private int lastLine;
    private boolean blockStart = true;
    /** Where the statement after the one being printed starts, or null. */
    private Pos next;

    private Formatter(SourceFile file) {
        this.comments = file.comments();
        this.used = new boolean[comments.size()];
    }

    public static String format(SourceFile file) {
        Formatter f = new Formatter(file);
        Statement previous = null;
        List<Statement> all = file.statements();
        for (int i = 0; i < all.size(); i++) {
            Statement s = all.get(i);
            boolean separate = previous != null && (s instanceof Ast.NetworkDecl || previous instanceof Ast.NetworkDecl
                    || s.getClass() != previous.getClass());
            f.statement(s, separate, i + 1 < all.size() ? all.get(i + 1).pos() : null);
            previous = s;
        }
        f.flushRest();
        String text = f.out.toString();
        return text.isEmpty() ? "" : text;
    }

    // ---- comments and lines ----

    private static boolean before(Pos c, int line, int column) {
        return c.line() < line || (c.line() == line && c.column() < column);
    }

    /** Unprinted comments that start before (line, column), in order, marked printed. */
    private List<Comment> take(int line, int column) {
        List<Comment> got = new ArrayList<>();
        for (int i = 0; i < comments.size(); i++) {
            if (!used[i] && before(comments.get(i).pos(), line, column)) {
                used[i] = true;
                got.add(comments.get(i));
            }
        }
        return got;
    }

    /** Unprinted comments that start on {@code line}, marked printed: they trail what ends there. */
    private List<Comment> takeOnLine(int line) {
        return takeOnLine(line, Integer.MAX_VALUE);
    }

    /** Unprinted comments on {@code line} before {@code column}, marked printed. */
    private List<Comment> takeOnLine(int line, int column) {
        List<Comment> got = new ArrayList<>();
        if (line <= 0) {
            return got;
        }
        for (int i = 0; i < comments.size(); i++) {
            if (!used[i] && comments.get(i).pos().line() == line && comments.get(i).pos().column() < column) {
                used[i] = true;
                got.add(comments.get(i));
            }
        }
        return got;
    }

    /** Prints comments on their own lines, keeping a blank line where the source had one. */
    private void ownLines(List<Comment> list) {
        ownLines(list, false);
    }

    /** Own-line comments; {@code separate} asks for a blank line before the first (a statement's forced separation). */
    private boolean ownLines(List<Comment> list, boolean separate) {
        boolean first = true;
        for (Comment c : list) {
            blankBefore(c.pos().line(), first && separate);
            first = false;
            line(c.text());
            lastLine = Math.max(lastLine, c.pos().endLine());
        }
        return !list.isEmpty();
    }

    private void blankBefore(int sourceLine, boolean forced) {
        boolean hadBlank = lastLine > 0 && sourceLine > lastLine + 1;
        if (!blockStart && (forced || hadBlank)) {
            out.append('\n');
        }
        blockStart = false;
    }

    private void line(String text) {
        out.append(INDENT.repeat(depth)).append(text).append('\n');
    }

    private static String trailing(String text, List<Comment> trail) {
        if (trail.isEmpty()) {
            return text;
        }
        return text + "  " + trail.stream().map(Comment::text).collect(Collectors.joining(" "));
    }

    /** The column where the next statement starts if it starts on {@code line}: trailing comments stop there. */
    private int limitOn(int line) {
        return next != null && next.line() == line ? next.column() : Integer.MAX_VALUE;
    }

    private void flushRest() {
        List<Comment> rest = take(Integer.MAX_VALUE, Integer.MAX_VALUE);
        ownLines(rest);
    }

    // ---- statements ----

    /** Prints a statement; {@code next} is where the following statement starts (it may share the last line). */
    private void statement(Statement s, boolean separate, Pos next) {
        this.next = next;
        if (s instanceof Ast.NetworkDecl n) {
            blocks(s, separate, List.of(new Header("network " + n.name().text(), n.body())));
        } else if (s instanceof Ast.Repeat r) {
            blocks(s, separate, List.of(new Header("repeat " + r.variable().text() + " in " + range(r.range()), r.body())));
        } else if (s instanceof Ast.EncoderDecoder ed) {
            List<Header> parts = new ArrayList<>();
            parts.add(new Header("encoder", ed.encoder()));
            ed.bottleneck().ifPresent(b -> parts.add(new Header("bottleneck", b)));
            parts.add(new Header("decoder", ed.decoder()));
            blocks(s, separate, parts);
        } else if (s instanceof Ast.Output o) {
            blocks(s, separate, List.of(new Header("output", o.body())));
        } else if (s instanceof Chain c && c.items().stream().anyMatch(i -> i instanceof Ast.ResidualBlock)) {
            chainWithBlocks(c, separate);
        } else {
            simple(s, oneLine(s), separate);
        }
    }

    private void simple(Statement s, String text, boolean separate) {
        Pos p = s.pos();
        List<Comment> lead = new ArrayList<>(take(p.line(), p.column()));
        lead.addAll(take(p.endLine(), p.endColumn()));
        boolean separated = ownLines(lead, separate);
        blankBefore(p.line(), separate && !separated);
        List<Comment> trail = takeOnLine(p.endLine(), limitOn(p.endLine()));
        line(trailing(text, trail));
        lastLine = Math.max(lastLine, p.endLine());
        for (Comment c : trail) {
            lastLine = Math.max(lastLine, c.pos().endLine());
        }
    }

    /** A header line and its braced block (one or several in a row, as encoder/bottleneck/decoder). */
    private record Header(String text, Block block) {
    }

    private void blocks(Statement s, boolean separate, List<Header> parts) {
        Pos after = next;
        boolean first = true;
        for (Header h : parts) {
            Block b = h.block();
            List<Comment> lead = take(b.pos().line(), b.pos().column());
            boolean separated = ownLines(lead, first && separate);
            blankBefore(first ? s.pos().line() : b.pos().line(), first && separate && !separated);
            first = false;
            openBlock(h.text(), b);
            next = after;
            closeBlock(b);
        }
    }

    private void openBlock(String header, Block b) {
        int firstInner = b.statements().isEmpty() ? b.pos().endLine() : b.statements().get(0).pos().line();
        List<Comment> trail = firstInner > b.pos().line() ? takeOnLine(b.pos().line()) : List.of();
        line(trailing(header + " {", trail));
        lastLine = Math.max(lastLine, b.pos().line());
        depth++;
        blockStart = true;
        Statement previous = null;
        List<Statement> inners = b.statements();
        for (int i = 0; i < inners.size(); i++) {
            Statement inner = inners.get(i);
            // The network's declarations (input, defaults, constants) stand apart from its layers.
            statement(inner, previous != null && declaration(previous) && !declaration(inner),
                    i + 1 < inners.size() ? inners.get(i + 1).pos() : null);
            previous = inner;
        }
        ownLines(take(b.pos().endLine(), b.pos().endColumn() - 1));
        depth--;
        blockStart = false;
    }

    private static boolean declaration(Statement s) {
        return s instanceof Ast.Input || s instanceof Ast.DefaultNorm || s instanceof Ast.DefaultAct
                || s instanceof Ast.DefaultDropout || s instanceof Ast.Let;
    }

    private void closeBlock(Block b) {
        List<Comment> trail = takeOnLine(b.pos().endLine(), limitOn(b.pos().endLine()));
        line(trailing("}", trail));
        lastLine = Math.max(lastLine, b.pos().endLine());
    }

    /** A chain with residual blocks: the items before a block share its header line; items after follow its `}`. */
    private void chainWithBlocks(Chain c, boolean separate) {
        Pos after = next;
        Pos p = c.pos();
        List<Comment> lead = new ArrayList<>(take(p.line(), p.column()));
        // Comments between the items (outside the blocks' braces) move before the chain.
        List<Comment> hoisted = new ArrayList<>();
        for (int i = 0; i < comments.size(); i++) {
            Pos cp = comments.get(i).pos();
            if (used[i] || before(cp, p.line(), p.column()) || !before(cp, p.endLine(), p.endColumn())) {
                continue;
            }
            boolean inBlock = false;
            for (Item item : c.items()) {
                if (item instanceof Ast.ResidualBlock rb) {
                    Pos bp = rb.body().pos();
                    inBlock |= !before(cp, bp.line(), bp.column()) && before(cp, bp.endLine(), bp.endColumn());
                }
            }
            if (!inBlock) {
                used[i] = true;
                hoisted.add(comments.get(i));
            }
        }
        lead.addAll(hoisted);
        boolean separated = ownLines(lead, separate);
        blankBefore(p.line(), separate && !separated);
        StringBuilder current = new StringBuilder();
        Block lastBlock = null;
        for (int i = 0; i < c.items().size(); i++) {
            Item item = c.items().get(i);
            if (i > 0) {
                current.append(" -> ");
            }
            if (item instanceof Ast.ResidualBlock rb) {
                current.append(rb.mask() ? "mask" : "residual").append(optionList(rb.options(), false));
                openBlock(current.toString(), rb.body());
                current = new StringBuilder("}");
                lastBlock = rb.body();
            } else {
                current.append(item(item));
            }
        }
        next = after;
        List<Comment> trail = takeOnLine(p.endLine(), limitOn(p.endLine()));
        line(trailing(current.toString(), trail));
        lastLine = Math.max(lastLine, lastBlock == null ? p.endLine() : Math.max(p.endLine(), lastBlock.pos().endLine()));
    }

    private String oneLine(Statement s) {
        if (s instanceof Ast.Let l) {
            return "let " + l.name().text() + " = " + expr(l.value());
        }
        if (s instanceof Ast.Plan p) {
            String entries = p.entries().stream().map(e -> e.key().text() + " " + quantity(e.value()))
                    .collect(Collectors.joining("; "));
            return "plan " + p.kind().text() + " { " + (entries.isEmpty() ? "" : entries + " ") + "}";
        }
        if (s instanceof Ast.Input in) {
            boolean one = in.channels() instanceof Num n && n.text().equals("1");
            return "input " + in.name().text() + ": " + expr(in.channels()) + (one ? " channel" : " channels")
                    + in.sampleRate().map(q -> " @ " + quantity(q)).orElse("");
        }
        if (s instanceof Ast.DefaultNorm n) {
            return "norm " + n.norm().text();
        }
        if (s instanceof Ast.DefaultAct a) {
            return "act " + a.postact().text();
        }
        if (s instanceof Ast.DefaultDropout d) {
            return "dropout " + expr(d.probability());
        }
        if (s instanceof Ast.Stage st) {
            StringBuilder b = new StringBuilder("stage ");
            if (st.residual()) {
                b.append("residual").append(optionList(st.residualOptions(), false)).append(' ');
            }
            b.append(item(st.layer()));
            st.pooling().ifPresent(r -> b.append(" -> ").append(item(r)));
            return b.toString();
        }
        if (s instanceof Chain c) {
            return c.items().stream().map(this::item).collect(Collectors.joining(" -> "));
        }
        if (s instanceof Ast.HeadDecl h) {
            StringBuilder b = new StringBuilder("head " + h.pooling().text());
            for (Ast.HeadItem i : h.items()) {
                b.append(" -> ").append(i instanceof Ast.Linear l ? "linear " + expr(l.features())
                        : ((Ast.HeadAct) i).postact().text());
            }
            return b.toString();
        }
        throw new IllegalArgumentException("not a one-line statement: " + s.getClass().getSimpleName());
    }

    /** One chain item in canonical form, as a hint quotes it: {@code full(states 8, dt band)}. */
    public static String itemText(Item i) {
        return new Formatter(new SourceFile(Pos.NONE, List.of(), List.of())).item(i);
    }

    private String item(Item i) {
        if (i instanceof Ast.Layer l) {
            return l.mode().text() + optionList(l.options(), true) + l.channels().map(e -> " to " + expr(e)).orElse("");
        }
        if (i instanceof Ast.Resample r) {
            return (r.down() ? "downsample " : "upsample ") + r.kind().text() + " " + expr(r.ratio())
                    + r.channels().map(e -> " to " + expr(e)).orElse("") + (r.bias() ? " with bias" : "");
        }
        if (i instanceof Ast.Activation a) {
            return "activation" + optionList(a.options(), false);
        }
        if (i instanceof Ast.SkipMark) {
            return "skip";
        }
        throw new IllegalArgumentException("a residual block is not a one-line item");
    }

    private String optionList(List<Option> options, boolean always) {
        if (options.isEmpty() && !always) {
            return "";
        }
        return "(" + options.stream().map(o -> o.key().text() + " " + expr(o.value())
                + o.upTo().map(e -> ".." + expr(e)).orElse("")).collect(Collectors.joining(", ")) + ")";
    }

    private String range(Ast.Range r) {
        if (r instanceof Ast.Span s) {
            return expr(s.from()) + ".." + expr(s.to());
        }
        return "[" + ((Ast.Values) r).values().stream().map(this::expr).collect(Collectors.joining(", ")) + "]";
    }

    private String quantity(Ast.Quantity q) {
        return expr(q.value()) + q.unit().map(u -> " " + u.spelling()).orElse("");
    }

    // ---- expressions ----

    public String expr(Expr e) {
        return expr(e, 0);
    }

    private static int precedence(char op) {
        return op == '+' || op == '-' ? 1 : 2;
    }

    private String expr(Expr e, int min) {
        if (e instanceof Num n) {
            return n.text();
        }
        if (e instanceof Ref r) {
            return r.name();
        }
        if (e instanceof Neg n) {
            return "-" + expr(n.operand(), 3);
        }
        Binary b = (Binary) e;
        int p = precedence(b.op());
        String text = expr(b.left(), p) + " " + b.op() + " " + expr(b.right(), p + 1);
        return p < min ? "(" + text + ")" : text;
    }
}
