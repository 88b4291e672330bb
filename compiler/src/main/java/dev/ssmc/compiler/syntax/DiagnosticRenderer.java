package dev.ssmc.compiler.syntax;

import java.util.List;

/**
 * Prints diagnostics as compilers do: {@code file:line:col: error: message}, the source line, a
 * caret under the offending token ({@code ^~~~}), and {@code hint: ...} when there is one.
 */
public final class DiagnosticRenderer {
    /** The most characters of a source line shown, and how many of them before the caret when it is cut. */
    private static final int MAX_SHOWN = 160;
    private static final int SHOWN_BEFORE = 40;

    private DiagnosticRenderer() {
    }

    /** All diagnostics, each followed by its source line and caret, ending with a newline. */
    public static String render(List<Diagnostic> diagnostics, String source) {
        String[] lines = source.split("\r?\n|\r", -1);
        StringBuilder out = new StringBuilder();
        for (Diagnostic d : diagnostics) {
            render(d, lines, out);
        }
        return out.toString();
    }

    public static String render(Diagnostic d, String source) {
        return render(List.of(d), source);
    }

    private static void render(Diagnostic d, String[] lines, StringBuilder out) {
        out.append(d.headline()).append('\n');
        if (d.line() >= 1 && d.line() <= lines.length) {
            String text = lines[d.line() - 1].replace('\t', ' ');
            int start = Math.max(0, Math.min(d.column() - 1, text.length()));
            int end = start + Math.max(1, Math.min(d.length(), Math.max(1, text.length() - start)));
            int from = 0;
            int to = text.length();
            if (text.length() > MAX_SHOWN) {
                // a huge line (a generated file, a 100,000-term sum) is shown around the caret only
                from = Math.max(0, Math.min(start - SHOWN_BEFORE, text.length() - MAX_SHOWN));
                to = from + MAX_SHOWN;
            }
            String before = from > 0 ? "..." : "";
            out.append("  ").append(before).append(text, from, to).append(to < text.length() ? "..." : "").append('\n');
            int width = Math.max(1, Math.min(end, Math.max(to, start + 1)) - start);
            out.append("  ").append(" ".repeat(before.length() + start - from)).append('^').append("~".repeat(width - 1))
                    .append('\n');
        }
        d.hint().ifPresent(h -> out.append("  hint: ").append(h).append('\n'));
    }
}
