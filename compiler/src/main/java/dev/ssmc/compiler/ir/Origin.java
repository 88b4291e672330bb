package dev.ssmc.compiler.ir;

/**
 * Where an IR element came from: a position in a {@code .ssm} file, or a description of what made
 * it (a reference config). Every error about an element names its origin.
 *
 * @param file   the source file, or {@code null} when the element was not written in a file
 * @param line   1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 * @param what   what the element is, for messages ("stage 2 (s5 layer)")
 */
public record Origin(String file, int line, int column, String what) {

    /** An origin with no source position, such as an element built from a reference config. */
    public static Origin of(String what) {
        return new Origin(null, 0, 0, what);
    }

    public boolean hasPosition() {
        return file != null && line > 0;
    }

    /** The same position describing another element. */
    public Origin describing(String otherWhat) {
        return new Origin(file, line, column, otherWhat);
    }

    @Override
    public String toString() {
        return hasPosition() ? file + ":" + line + ":" + column + " (" + what + ")" : what;
    }
}
