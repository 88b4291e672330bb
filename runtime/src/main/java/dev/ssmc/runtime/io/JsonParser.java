package dev.ssmc.runtime.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads strict JSON (RFC 8259): double-quoted names and strings, no comments, no trailing commas, no NaN.
 * A key given twice in one object is an error ({@link JsonSyntaxException.DuplicateKey}) rather than the last
 * one silently winning. Errors say what, and where as a line, a column and the path being read.
 */
final class JsonParser {
    /**
     * The deepest nesting of objects and arrays read: every level is a call, so a file of a million
     * {@code [} would otherwise end in a StackOverflowError; ssmc's own files nest three levels.
     */
    static final int MAX_NESTING = 256;
    private final String text;
    private int nesting;
    private int pos;
    private int objectDepth;
    /** The member names (String) and element indices (Integer) from the outermost value to the current one. */
    private final List<Object> path = new ArrayList<>();

    JsonParser(String text) {
        this.text = text;
    }

    /** The one value the text holds; only white space may surround it. */
    Json whole() throws JsonSyntaxException {
        Json value = value();
        skipSpace();
        if (pos < text.length()) {
            throw new JsonSyntaxException.TrailingText(line(pos), column(pos));
        }
        return value;
    }

    private Json value() throws JsonSyntaxException {
        skipSpace();
        char c = peek();
        if (c == '{' || c == '[') {
            if (nesting == MAX_NESTING) {
                throw new JsonSyntaxException("objects and arrays nested deeper than " + MAX_NESTING, line(pos),
                        column(pos), path());
            }
            nesting++;
            Json container = c == '{' ? object() : array();
            nesting--;
            return container;
        } else if (c == '"') {
            return new Json.Str(string());
        } else if (c == '-' || isDigit(c)) {
            return number();
        } else if (text.startsWith("true", pos)) {
            pos += 4;
            return new Json.Bool(true);
        } else if (text.startsWith("false", pos)) {
            pos += 5;
            return new Json.Bool(false);
        } else if (text.startsWith("null", pos)) {
            pos += 4;
            return new Json.Null();
        }
        throw malformed(pos);
    }

    private Json.Obj object() throws JsonSyntaxException {
        pos++;
        objectDepth++;
        Map<String, Json> members = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
        } else {
            path.add("");
            do {
                skipSpace();
                if (peek() != '"') {
                    throw malformed(pos);
                }
                int at = pos;
                String name = string();
                path.set(path.size() - 1, name);
                if (members.containsKey(name)) {
                    throw new JsonSyntaxException.DuplicateKey(name, objectDepth, line(at), column(at), path());
                }
                skipSpace();
                if (peek() != ':') {
                    throw malformed(pos);
                }
                pos++;
                members.put(name, value());
            } while (separator('}'));
            path.remove(path.size() - 1);
        }
        objectDepth--;
        return new Json.Obj(members);
    }

    private Json.Arr array() throws JsonSyntaxException {
        pos++;
        List<Json> items = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
        } else {
            path.add(0);
            do {
                path.set(path.size() - 1, items.size());
                items.add(value());
            } while (separator(']'));
            path.remove(path.size() - 1);
        }
        return new Json.Arr(items);
    }

    /** After a member or element: true on a comma (another follows), false on {@code close} (the end). */
    private boolean separator(char close) throws JsonSyntaxException {
        skipSpace();
        char c = peek();
        if (c != ',' && c != close) {
            throw malformed(pos);
        }
        pos++;
        return c == ',';
    }

    private String string() throws JsonSyntaxException {
        pos++;
        StringBuilder s = new StringBuilder();
        while (true) {
            char c = peek();
            pos++;
            if (c == '"') {
                return s.toString();
            } else if (c == '\\') {
                s.append(escape());
            } else if (c < 0x20) {
                throw malformed(pos - 1); // control characters must be escaped
            } else {
                s.append(c);
            }
        }
    }

    private char escape() throws JsonSyntaxException {
        char e = peek();
        pos++;
        return switch (e) {
            case '"', '\\', '/' -> e;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> {
                int code = 0;
                for (int i = 0; i < 4; i++) {
                    int digit = Character.digit(peek(), 16);
                    if (digit < 0) {
                        throw malformed(pos);
                    }
                    code = code * 16 + digit;
                    pos++;
                }
                yield (char) code;
            }
            default -> throw malformed(pos - 1);
        };
    }

    /** -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
    private Json.Num number() throws JsonSyntaxException {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else {
            digits();
        }
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            digits();
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            digits();
        }
        return new Json.Num(text.substring(start, pos));
    }

    /** One or more decimal digits. */
    private void digits() throws JsonSyntaxException {
        if (!isDigit(peek())) {
            throw malformed(pos);
        }
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** The character at the current position; the end of the text is an error wherever a character is due. */
    private char peek() throws JsonSyntaxException {
        if (pos >= text.length()) {
            throw new JsonSyntaxException("End of input", line(pos), column(pos), path());
        }
        return text.charAt(pos);
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private JsonSyntaxException malformed(int at) {
        return new JsonSyntaxException("malformed JSON", line(at), column(at), path());
    }

    private int line(int at) {
        int line = 1;
        for (int i = 0; i < at && i < text.length(); i++) {
            line += text.charAt(i) == '\n' ? 1 : 0;
        }
        return line;
    }

    private int column(int at) {
        return at - text.lastIndexOf('\n', at - 1);
    }

    private String path() {
        StringBuilder p = new StringBuilder("$");
        for (Object step : path) {
            p.append(step instanceof Integer i ? "[" + i + "]" : "." + step);
        }
        return p.toString();
    }
}
