package dev.ssmc.compiler.reference;

import com.google.gson.JsonParseException;

/** Gson's parse errors in words for a user: what is wrong and where, without Gson's class names and links. */
public final class JsonErrors {
    private JsonErrors() {
    }

    /**
     * Gson's message without the exception class it wraps and the troubleshooting link it appends,
     * and with its advice to parse leniently (which is for the programmer, not the reader of the
     * error) replaced by the fact: {@code malformed JSON at line 1 column 10 path $}.
     */
    public static String describe(Exception e) {
        Throwable t = e instanceof JsonParseException && e.getCause() != null ? e.getCause() : e;
        String m = String.valueOf(t.getMessage());
        int see = m.indexOf("\nSee ");
        m = see >= 0 ? m.substring(0, see) : m;
        return m.replace("Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON", "malformed JSON");
    }
}
