package dev.ssmc.runtime.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value, as ssmc's JSON files hold them: safetensors headers and calibration profiles. The runtime
 * reads ({@link JsonParser}) and writes these few texts itself rather than through a JSON library, so that
 * generated networks, and the build that compiles them, carry no such library.
 *
 * <p>{@link #toString()} is the value's compact JSON text; {@link #pretty()} the same with two-space
 * indentation, one member or element a line.
 */
public sealed interface Json {

    /** An object; its members keep the order they were written in. */
    record Obj(Map<String, Json> members) implements Json {
        public Obj {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        /** The member named {@code key}, or null if there is none. */
        public Json get(String key) {
            return members.get(key);
        }

        @Override
        public String toString() {
            return JsonText.write(this, false);
        }
    }

    record Arr(List<Json> items) implements Json {
        public Arr {
            items = List.copyOf(items);
        }

        @Override
        public String toString() {
            return JsonText.write(this, false);
        }
    }

    record Str(String value) implements Json {
        @Override
        public String toString() {
            return JsonText.write(this, false);
        }
    }

    /** A number as it was written, so an integer beyond a double's precision stays exact. */
    record Num(String text) implements Json {
        public static Num of(double value) {
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("JSON has no number " + value);
            }
            return new Num(Double.toString(value));
        }

        public static Num of(long value) {
            return new Num(Long.toString(value));
        }

        public double doubleValue() {
            return Double.parseDouble(text);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    record Bool(boolean value) implements Json {
        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    record Null() implements Json {
        @Override
        public String toString() {
            return "null";
        }
    }

    /** Parses {@code text}, which must hold one JSON value and nothing but white space around it. */
    static Json parse(String text) throws JsonSyntaxException {
        return new JsonParser(text).whole();
    }

    /** The JSON text with two-space indentation: the layout of ssmc's hand-readable files. */
    default String pretty() {
        return JsonText.write(this, true);
    }
}
