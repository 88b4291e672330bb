package dev.ssmc.compiler.syntax;

import dev.ssmc.grammar.SsmLexer;
import dev.ssmc.grammar.SsmParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Turns what ANTLR knows about a syntax error (the offending token, the tokens that could have
 * come there, the rule being parsed) into a message a person reads: "expected `)` after
 * `states 8`, found number `16`", with a hint when a likely cause is known.
 */
final class SyntaxMessages {
    private SyntaxMessages() {
    }

    private static final int[] OPERATORS = {SsmLexer.PLUS, SsmLexer.MINUS, SsmLexer.STAR, SsmLexer.SLASH};

    static Diagnostic describe(String file, Parser parser, RecognitionException e, Token offending) {
        Token t = offending != null ? offending : parser.getCurrentToken();
        Pos pos = tokenPos(file, t);
        if (t.getType() == SsmLexer.UNKNOWN_CHAR) {
            return Diagnostic.error(pos, "unexpected character `" + printable(t.getText()) + "`",
                    "names are letters, digits, `_` and inner `-`; comments start with `//` or `/*`");
        }
        if (t.getType() == SsmLexer.UNTERMINATED_COMMENT) {
            return Diagnostic.error(new Pos(file, t.getLine(), t.getCharPositionInLine() + 1, 2, t.getLine(),
                    t.getCharPositionInLine() + 3), "this comment is never closed", "end it with `*/`");
        }
        IntervalSet expected = expectedTokens(parser, e);
        ParserRuleContext ctx = e != null && e.getCtx() instanceof ParserRuleContext c ? c : parser.getContext();
        String found = describeToken(t);
        String wanted = describeExpected(expected);
        String after = afterWhat(ctx, t);
        String message = "expected " + wanted + (after.isEmpty() ? "" : " " + after) + ", found " + found;
        return Diagnostic.error(pos, message, hint(expected, t, ctx).orElse(null));
    }

    private static IntervalSet expectedTokens(Parser parser, RecognitionException e) {
        try {
            if (e != null && e.getExpectedTokens() != null) {
                return e.getExpectedTokens();
            }
        } catch (RuntimeException ignored) {
            // fall back to the parser's own view of its state
        }
        return parser.getExpectedTokens();
    }

    static Pos tokenPos(String file, Token t) {
        int len = t.getType() == Token.EOF || t.getText() == null ? 1 : Math.max(1, firstLine(t.getText()).length());
        return new Pos(file, Math.max(1, t.getLine()), t.getCharPositionInLine() + 1, len, Math.max(1, t.getLine()),
                t.getCharPositionInLine() + 1 + len);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String printable(String s) {
        if (s == null || s.isEmpty()) {
            return "?";
        }
        int cp = s.codePointAt(0);
        if (Character.isISOControl(cp) || Character.isWhitespace(cp)) {
            return String.format("U+%04X", cp);
        }
        return s;
    }

    static String describeToken(Token t) {
        return switch (t.getType()) {
            case Token.EOF -> "end of file";
            case SsmLexer.NAME -> "name `" + t.getText() + "`";
            case SsmLexer.NUMBER -> "number `" + t.getText() + "`";
            default -> isKeyword(t.getType()) ? "keyword `" + t.getText() + "`" : "`" + firstLine(t.getText()) + "`";
        };
    }

    private static boolean isKeyword(int type) {
        String lit = SsmLexer.VOCABULARY.getLiteralName(type);
        return lit != null && Character.isLetter(lit.charAt(1));
    }

    private static String describeExpected(IntervalSet set) {
        if (set == null || set.isNil()) {
            return "something else";
        }
        if (set.contains(SsmLexer.STAGE) && set.contains(SsmLexer.INPUT)) {
            return "a network statement (input, norm, act, dropout, let, stage, a layer, repeat, encoder, output, head,"
                    + " plan)" + (set.contains(SsmLexer.RBRACE) ? " or `}`" : "");
        }
        if (set.contains(SsmLexer.DOWNSAMPLE) && set.contains(SsmLexer.REPEAT) && set.contains(SsmLexer.RBRACE)) {
            return "a layer, `downsample`, `upsample`, `activation`, `residual`, `let`, `repeat` or `}`";
        }
        if (set.contains(SsmLexer.NETWORK) && set.contains(SsmLexer.LET)) {
            return "`network`, `let` or `plan`";
        }
        List<String> parts = new ArrayList<>();
        boolean exprStart = set.contains(SsmLexer.NUMBER) && set.contains(SsmLexer.LPAREN) && set.contains(SsmLexer.MINUS);
        if (exprStart) {
            parts.add("a number");
        }
        boolean onlyOperatorsAndMore = false;
        for (int op : OPERATORS) {
            if (set.contains(op)) {
                onlyOperatorsAndMore = true;
            }
        }
        for (int type : set.toArray()) {
            if (exprStart && (type == SsmLexer.NUMBER || type == SsmLexer.LPAREN || type == SsmLexer.MINUS)) {
                continue;
            }
            if (onlyOperatorsAndMore && !exprStart && isOperator(type) && set.size() > countOperators(set)) {
                continue; // an expression could go on; listing + - * / is noise
            }
            if (type == SsmLexer.DOTDOT && set.contains(SsmLexer.RPAREN)) {
                continue; // after an option's value: only `dt` takes a range, so `..` is noise there too
            }
            parts.add(expectedName(type));
        }
        parts = parts.stream().distinct().toList();
        if (parts.isEmpty()) {
            return "something else";
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " or " + parts.get(parts.size() - 1);
    }

    private static boolean isOperator(int type) {
        for (int op : OPERATORS) {
            if (op == type) {
                return true;
            }
        }
        return false;
    }

    private static int countOperators(IntervalSet set) {
        int n = 0;
        for (int op : OPERATORS) {
            if (set.contains(op)) {
                n++;
            }
        }
        return n;
    }

    private static String expectedName(int type) {
        return switch (type) {
            case Token.EOF -> "end of file";
            case SsmLexer.NAME -> "a name";
            case SsmLexer.NUMBER -> "a number";
            default -> {
                String lit = SsmLexer.VOCABULARY.getLiteralName(type);
                yield lit == null ? SsmLexer.VOCABULARY.getDisplayName(type) : "`" + lit.substring(1, lit.length() - 1) + "`";
            }
        };
    }

    /** "after `states 8`", "in the head", ...: where the error is, from the rule being parsed. */
    private static String afterWhat(ParserRuleContext ctx, Token offending) {
        if (ctx == null) {
            return "";
        }
        // The last complete piece before the offending token, when it is short enough to quote.
        ParseTree last = null;
        if (ctx.children != null) {
            for (ParseTree c : ctx.children) {
                Token start = c instanceof TerminalNode tn ? tn.getSymbol()
                        : c instanceof ParserRuleContext pc ? pc.getStart() : null;
                if (start != null && start.getTokenIndex() < offending.getTokenIndex() && start.getType() != Token.EOF) {
                    last = c;
                }
            }
        }
        String where = ruleWhere(ctx.getRuleIndex());
        if (last != null) {
            String text = spaced(last);
            if (!text.isEmpty() && text.length() <= 32) {
                return "after `" + text + "`" + (where.isEmpty() ? "" : " " + where);
            }
        }
        return where;
    }

    /** A subtree's tokens joined by single spaces (so the quote is readable whatever the spacing). */
    private static String spaced(ParseTree t) {
        if (t instanceof TerminalNode tn) {
            return tn.getSymbol().getType() == Token.EOF ? "" : tn.getText();
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < t.getChildCount(); i++) {
            String s = spaced(t.getChild(i));
            if (s.isEmpty()) {
                continue;
            }
            boolean tight = s.equals(",") || s.equals(")") || b.isEmpty() || b.charAt(b.length() - 1) == '('
                    || (s.startsWith("(") && Character.isLetterOrDigit(b.charAt(b.length() - 1)));
            if (!tight) {
                b.append(' ');
            }
            b.append(s);
        }
        return b.toString();
    }

    private static String ruleWhere(int rule) {
        return switch (rule) {
            case SsmParser.RULE_networkDecl -> "in a network declaration";
            case SsmParser.RULE_inputStmt -> "in the input declaration";
            case SsmParser.RULE_letStmt -> "in a constant definition";
            case SsmParser.RULE_stageStmt -> "in a stage";
            case SsmParser.RULE_layer -> "in a layer";
            case SsmParser.RULE_optionList, SsmParser.RULE_option, SsmParser.RULE_optionKey -> "in an option list";
            case SsmParser.RULE_resample -> "in a resampling step";
            case SsmParser.RULE_activation -> "in an activation";
            case SsmParser.RULE_residualBlock -> "in a residual or mask block";
            case SsmParser.RULE_repeatNet, SsmParser.RULE_repeatSeq, SsmParser.RULE_range -> "in a repetition";
            case SsmParser.RULE_encoderDecoder -> "in an encoder/decoder";
            case SsmParser.RULE_outputBlock -> "in an output block";
            case SsmParser.RULE_headStmt, SsmParser.RULE_headItem -> "in the head";
            case SsmParser.RULE_planDecl, SsmParser.RULE_planEntry, SsmParser.RULE_quantity, SsmParser.RULE_unit ->
                    "in a plan";
            default -> "";
        };
    }

    private static Optional<String> hint(IntervalSet expected, Token t, ParserRuleContext ctx) {
        if (expected == null) {
            return Optional.empty();
        }
        if (expected.contains(SsmLexer.NAME) && isKeyword(t.getType())) {
            return Optional.of("`" + t.getText() + "` is a keyword of the language; choose another name");
        }
        if (expected.contains(SsmLexer.COMMA) && expected.contains(SsmLexer.RPAREN)
                && (t.getType() == SsmLexer.NAME || t.getType() == SsmLexer.NUMBER)) {
            return Optional.of("separate options with `,`: `s5(states 8, blocks 2)`");
        }
        if (t.getType() == Token.EOF && expected.contains(SsmLexer.RBRACE)) {
            for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
                Token open = unclosedBrace(c);
                if (open != null) {
                    return Optional.of("the `{` at line " + open.getLine() + ", column " + (open.getCharPositionInLine() + 1)
                            + " is never closed");
                }
            }
        }
        if (t.getType() == SsmLexer.NAME && expected.contains(SsmLexer.LPAREN) && ctx != null
                && ctx.getRuleIndex() == SsmParser.RULE_layer) {
            return Optional.of("a layer lists its options in parentheses: `s5(states 8)`");
        }
        return Optional.empty();
    }

    private static Token unclosedBrace(ParserRuleContext c) {
        if (c.children == null) {
            return null;
        }
        Token open = null;
        for (ParseTree child : c.children) {
            if (child instanceof TerminalNode tn) {
                if (tn.getSymbol().getType() == SsmLexer.LBRACE) {
                    open = tn.getSymbol();
                } else if (tn.getSymbol().getType() == SsmLexer.RBRACE) {
                    open = null;
                }
            }
        }
        return open;
    }
}
