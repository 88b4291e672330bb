package dev.ssmc.compiler.syntax;

import java.util.Optional;

/**
 * One problem found in a source file.
 *
 * @param line   1-based line of the offending token
 * @param column 1-based column of its first character
 * @param length how many characters to underline (at least 1)
 * @param hint   what would probably fix it, if something useful can be said
 */
public record Diagnostic(Severity severity, String file, int line, int column, int length, String message,
                         Optional<String> hint) {

    /** How bad a diagnostic is. Only errors stop a file from compiling. */
    public enum Severity {
        ERROR("error"), WARNING("warning");

        private final String label;

        Severity(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static Diagnostic error(Pos pos, String message) {
        return new Diagnostic(Severity.ERROR, pos.file(), pos.line(), pos.column(), Math.max(1, pos.length()), message,
                Optional.empty());
    }

    public static Diagnostic error(Pos pos, String message, String hint) {
        return new Diagnostic(Severity.ERROR, pos.file(), pos.line(), pos.column(), Math.max(1, pos.length()), message,
                Optional.ofNullable(hint));
    }

    /** Something that compiles but is probably not what was meant. */
    public static Diagnostic warning(Pos pos, String message, String hint) {
        return new Diagnostic(Severity.WARNING, pos.file(), pos.line(), pos.column(), Math.max(1, pos.length()), message,
                Optional.ofNullable(hint));
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The first line of the rendering: {@code file:line:col: error: message} ({@code file: error: ...} for a whole file). */
    public String headline() {
        String where = line > 0 ? file + ":" + line + ":" + column : file; // line 0: about the whole file
        return where + ": " + severity.label() + ": " + message;
    }
}
