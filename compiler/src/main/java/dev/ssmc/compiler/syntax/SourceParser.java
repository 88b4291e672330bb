package dev.ssmc.compiler.syntax;

import dev.ssmc.compiler.syntax.Ast.SourceFile;
import dev.ssmc.grammar.SsmLexer;
import dev.ssmc.grammar.SsmParser;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.ATNState;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * Reads {@code .ssm} text into an {@link Ast}: SLL prediction first (fast, and enough for almost
 * every input), full LL only when SLL fails. Neither stage repairs the input by inserting or
 * deleting tokens: the first token that does not fit is reported, with what was expected there.
 */
public final class SourceParser {
    /**
     * The most terms (numbers and names) in one expression: far more than a network needs, and few
     * enough that the front end's recursion over an expression stays within a thread's stack.
     */
    public static final int MAX_TERMS = 500;

    private SourceParser() {
    }

    /** The tree of a file, or the syntax error that stopped it. */
    public record Result(Optional<SourceFile> file, List<Diagnostic> diagnostics) {
        public boolean ok() {
            return file.isPresent();
        }
    }

    public static Result parse(String fileName, String text) {
        try {
            return parseOrOverflow(fileName, text);
        } catch (StackOverflowError deep) {
            // Parsing recurses once per nesting level; a pathological file is a user error, not a crash.
            return new Result(Optional.empty(), List.of(tooDeep(fileName)));
        }
    }

    /** The diagnostic for a file nested beyond what the front end's recursion can follow. */
    public static Diagnostic tooDeep(String fileName) {
        return Diagnostic.error(new Pos(fileName, 1, 1, 1, 1, 2), "this file nests parentheses or blocks too deeply",
                "nest less than a few thousand levels deep");
    }

    private static Result parseOrOverflow(String fileName, String text) {
        SsmLexer lexer = new SsmLexer(CharStreams.fromString(text, fileName));
        lexer.removeErrorListeners(); // every character lexes: unknown ones become UNKNOWN_CHAR tokens
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        SsmParser parser = new SsmParser(tokens);
        parser.removeErrorListeners();

        SsmParser.FileContext tree;
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setErrorHandler(new BailErrorStrategy());
        try {
            tree = parser.file();
        } catch (ParseCancellationException sllFailed) {
            tokens.seek(0);
            parser.reset();
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            parser.setErrorHandler(new StopAtFirstError());
            try {
                tree = parser.file();
            } catch (SyntaxFailure failure) {
                return new Result(Optional.empty(), List.of(SyntaxMessages.describe(fileName, parser, failure.cause,
                        failure.offending)));
            }
        }
        Optional<Diagnostic> tooLong = longestExpression(fileName, tree);
        if (tooLong.isPresent()) {
            return new Result(Optional.empty(), List.of(tooLong.get()));
        }
        List<Token> hidden = new ArrayList<>();
        for (Token t : tokens.getTokens()) {
            if (t.getChannel() == Token.HIDDEN_CHANNEL) {
                hidden.add(t);
            }
        }
        return new Result(Optional.of(new AstBuilder(fileName).build(tree, hidden)), List.of());
    }

    /**
     * The error for the first expression with more than {@link #MAX_TERMS} terms, if any. The tree
     * is walked with a stack of its own: a flat sum of 100,000 terms is a tree as deep as it is
     * long, and the stages after parsing recurse over it, so it is refused here, saying what is
     * too large, before they can run out of stack.
     */
    private static Optional<Diagnostic> longestExpression(String fileName, ParseTree tree) {
        ArrayDeque<ParseTree> pending = new ArrayDeque<>(List.of(tree));
        while (!pending.isEmpty()) {
            ParseTree t = pending.pop();
            if (t instanceof SsmParser.ExprContext expr) {
                long terms = terms(expr);
                if (terms > MAX_TERMS) {
                    return Optional.of(Diagnostic.error(new AstBuilder(fileName).pos(expr),
                            String.format(Locale.ROOT, "this expression has %,d terms; an expression has at most %,d",
                                    terms, MAX_TERMS), "compute it in steps, with `let`"));
                }
                continue; // its subexpressions are smaller
            }
            for (int i = t.getChildCount() - 1; i >= 0; i--) {
                pending.push(t.getChild(i));
            }
        }
        return Optional.empty();
    }

    /** The numbers and names in an expression. */
    private static long terms(SsmParser.ExprContext expr) {
        long terms = 0;
        ArrayDeque<ParseTree> pending = new ArrayDeque<>(List.of(expr));
        while (!pending.isEmpty()) {
            ParseTree t = pending.pop();
            if (t instanceof SsmParser.NumberContext || t instanceof SsmParser.ReferenceContext) {
                terms++;
            }
            for (int i = 0; i < t.getChildCount(); i++) {
                pending.push(t.getChild(i));
            }
        }
        return terms;
    }

    /** Thrown out of the parser at the first syntax error, carrying what ANTLR knew about it. */
    static final class SyntaxFailure extends ParseCancellationException {
        private static final long serialVersionUID = 1L;
        final transient RecognitionException cause;
        final transient Token offending;

        SyntaxFailure(RecognitionException cause, Token offending) {
            super(cause);
            this.cause = cause;
            this.offending = offending;
        }
    }

    /**
     * ANTLR's default strategy without its repairs: no single-token insertion or deletion and no
     * resynchronization. It still checks at the entry of every loop and optional block, so an
     * error is reported where the unexpected token is, with the full set of what could come there.
     */
    static final class StopAtFirstError extends DefaultErrorStrategy {
        @Override
        public void reportError(Parser recognizer, RecognitionException e) {
            // reported by the exception thrown from recover()
        }

        @Override
        public void recover(Parser recognizer, RecognitionException e) {
            throw new SyntaxFailure(e, e.getOffendingToken() != null ? e.getOffendingToken() : recognizer.getCurrentToken());
        }

        @Override
        public Token recoverInline(Parser recognizer) {
            InputMismatchException e = new InputMismatchException(recognizer);
            throw new SyntaxFailure(e, recognizer.getCurrentToken());
        }

        @Override
        public void sync(Parser recognizer) {
            ATNState s = recognizer.getInterpreter().atn.states.get(recognizer.getState());
            int la = recognizer.getInputStream().LA(1);
            IntervalSet next = recognizer.getATN().nextTokens(s);
            if (next.contains(la) || next.contains(Token.EPSILON)) {
                return;
            }
            switch (s.getStateType()) {
                case ATNState.BLOCK_START, ATNState.STAR_BLOCK_START, ATNState.PLUS_BLOCK_START,
                     ATNState.STAR_LOOP_ENTRY, ATNState.PLUS_LOOP_BACK, ATNState.STAR_LOOP_BACK -> {
                    InputMismatchException e = new InputMismatchException(recognizer);
                    throw new SyntaxFailure(e, recognizer.getCurrentToken());
                }
                default -> {
                }
            }
        }
    }
}
