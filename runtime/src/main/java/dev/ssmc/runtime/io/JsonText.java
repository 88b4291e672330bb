package dev.ssmc.runtime.io;

import java.util.Iterator;
import java.util.Map;

/** Writes {@link Json} values as text, compact or indented. */
final class JsonText {
    private JsonText() {
    }

    static String write(Json value, boolean pretty) {
        StringBuilder out = new StringBuilder();
        write(out, value, pretty, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, Json value, boolean pretty, int depth) {
        if (value instanceof Json.Obj o) {
            out.append('{');
            Iterator<Map.Entry<String, Json>> it = o.members().entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Json> m = it.next();
                newline(out, pretty, depth + 1);
                quote(out, m.getKey());
                out.append(pretty ? ": " : ":");
                write(out, m.getValue(), pretty, depth + 1);
                out.append(it.hasNext() ? "," : "");
            }
            if (!o.members().isEmpty()) {
                newline(out, pretty, depth);
            }
            out.append('}');
        } else if (value instanceof Json.Arr a) {
            out.append('[');
            for (int i = 0; i < a.items().size(); i++) {
                newline(out, pretty, depth + 1);
                write(out, a.items().get(i), pretty, depth + 1);
                out.append(i + 1 < a.items().size() ? "," : "");
            }
            if (!a.items().isEmpty()) {
                newline(out, pretty, depth);
            }
            out.append(']');
        } else if (value instanceof Json.Str s) {
            quote(out, s.value());
        } else {
            out.append(value); // a number, boolean or null is its own text
        }
    }

    private static void newline(StringBuilder out, boolean pretty, int depth) {
        if (pretty) {
            out.append('\n').append("  ".repeat(depth));
        }
    }

    /** A JSON string literal: quotes, backslashes, control characters and the two line separators escaped. */
    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
