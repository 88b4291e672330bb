package dev.ssmc.compiler.syntax;

import java.util.List;

/**
 * Prints diagnostics as compilers do: {@code file:line:col: error: message}, the source line, a
 * caret under the offending token ({@code ^~~~}), and {@code hint: ...} when there is one.
 */
public final class DiagnosticRenderer {
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
            out.append("  ").append(text).append('\n');
            int start = Math.max(0, Math.min(d.column() - 1, text.length()));
            int width = Math.max(1, Math.min(d.length(), Math.max(1, text.length() - start)));
            out.append("  ").append(" ".repeat(start)).append('^').append("~".repeat(width - 1)).append('\n');
        }
        d.hint().ifPresent(h -> out.append("  hint: ").append(h).append('\n'));
    }
}
