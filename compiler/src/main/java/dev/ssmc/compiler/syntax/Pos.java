package dev.ssmc.compiler.syntax;

/**
 * Where a syntax node was written: its file, the 1-based line and column of its first character,
 * the length to underline on that line, and the line and column just after its last character.
 *
 * <p>A position is not part of a node's identity: {@link #equals} holds for any two positions, so
 * that two syntax trees are equal when they say the same thing, wherever it was written. That is
 * what "formatting keeps the meaning" compares. Code that needs the coordinates reads them.
 */
public record Pos(String file, int line, int column, int length, int endLine, int endColumn) {

    /** The position of a node that was not read from a file (a generated tree). */
    public static final Pos NONE = new Pos("<generated>", 0, 0, 0, 0, 0);

    public boolean known() {
        return line > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pos;
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
