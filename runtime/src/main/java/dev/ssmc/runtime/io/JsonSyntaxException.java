package dev.ssmc.runtime.io;

/**
 * Text that is not the JSON {@link JsonParser} accepts, with where it went wrong:
 * {@code malformed JSON at line 1 column 15 path $.a.dtype}. The path is the member or element being read,
 * {@code $} being the whole value.
 */
public class JsonSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String path;

    JsonSyntaxException(String problem, int line, int column, String path) {
        super(problem + " at line " + line + " column " + column + " path " + path);
        this.path = path;
    }

    public String path() {
        return path;
    }

    /** An object names a key twice, which strict JSON readers disagree about, so ssmc refuses it. */
    public static final class DuplicateKey extends JsonSyntaxException {
        private static final long serialVersionUID = 1L;

        private final String key;
        private final int depth;

        DuplicateKey(String key, int depth, int line, int column, String path) {
            super("the key '" + key + "' is given twice", line, column, path);
            this.key = key;
            this.depth = depth;
        }

        public String key() {
            return key;
        }

        /** 1 for a member of the outermost object, 2 for one of an object inside it, and so on. */
        public int depth() {
            return depth;
        }
    }

    /** The text goes on after its one value ends. */
    public static final class TrailingText extends JsonSyntaxException {
        private static final long serialVersionUID = 1L;

        TrailingText(int line, int column) {
            super("more text after the JSON value", line, column, "$");
        }
    }
}
