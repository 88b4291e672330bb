package dev.ssmc.compiler.reference;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * Typed access to a reference config (a JSON object of constructor arguments), with errors that
 * name the key. Per-stage values may be given as a list or as one value for every stage, as the
 * reference's constructors accept.
 */
final class ConfigReader {
    private final JsonObject json;
    private final String where;

    ConfigReader(JsonObject json, String where) {
        this.json = json;
        this.where = where;
    }

    static JsonObject parse(String text, String where) {
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw new ConfigException(where + ": the config must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException ex) {
            throw new ConfigException(where + ": the config is not valid JSON: " + ex.getMessage());
        }
    }

    JsonObject json() {
        return json;
    }

    boolean has(String key) {
        return json.has(key) && !json.get(key).isJsonNull();
    }

    int integer(String key) {
        return asInt(required(key), key);
    }

    int integer(String key, int fallback) {
        return has(key) ? integer(key) : fallback;
    }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw error(key, "must be true or false, got " + e);
        }
        return e.getAsBoolean();
    }

    String string(String key, String fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw error(key, "must be a string, got " + e);
        }
        return e.getAsString();
    }

    /** A per-stage integer list of {@code depth} entries; a single number applies to every stage; null entries take {@code fallback}. */
    int[] perStageInts(String key, int depth, Integer fallback) {
        if (!has(key)) {
            if (fallback == null) {
                throw error(key, "is missing");
            }
            return filled(depth, fallback);
        }
        JsonElement e = json.get(key);
        if (!e.isJsonArray()) {
            return filled(depth, asInt(e, key));
        }
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[depth];
        for (int i = 0; i < depth; i++) {
            if (i >= a.size() || a.get(i).isJsonNull()) {
                if (fallback == null) {
                    throw error(key, "has " + a.size() + " entries but the network has " + depth + " stages");
                }
                out[i] = fallback;
            } else {
                out[i] = asInt(a.get(i), key + "[" + i + "]");
            }
        }
        return out;
    }

    boolean[] perStageBools(String key, int depth, boolean fallback) {
        boolean[] out = new boolean[depth];
        if (!has(key)) {
            java.util.Arrays.fill(out, fallback);
            return out;
        }
        JsonElement e = json.get(key);
        for (int i = 0; i < depth; i++) {
            JsonElement v = e.isJsonArray() ? (i < e.getAsJsonArray().size() ? e.getAsJsonArray().get(i) : null) : e;
            if (v == null || v.isJsonNull()) {
                out[i] = fallback;
            } else if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean()) {
                out[i] = v.getAsBoolean();
            } else {
                throw error(key, "must hold true or false, got " + v);
            }
        }
        return out;
    }

    String[] perStageStrings(String key, int depth) {
        JsonElement e = required(key);
        String[] out = new String[depth];
        for (int i = 0; i < depth; i++) {
            JsonElement v = e.isJsonArray() ? (i < e.getAsJsonArray().size() ? e.getAsJsonArray().get(i) : null) : e;
            if (v == null || !v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw error(key, e.isJsonArray() && v == null
                        ? "has " + e.getAsJsonArray().size() + " entries but the network has " + depth + " stages"
                        : "must hold strings, got " + v);
            }
            out[i] = v.getAsString();
        }
        return out;
    }

    /** The length of a list-valued key. */
    int listLength(String key) {
        JsonElement e = required(key);
        if (!e.isJsonArray()) {
            throw error(key, "must be a list, got " + e);
        }
        return e.getAsJsonArray().size();
    }

    private JsonElement required(String key) {
        if (!has(key)) {
            throw error(key, "is missing");
        }
        return json.get(key);
    }

    private int asInt(JsonElement e, String key) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw error(key, "must be an integer, got " + e);
        }
        double d = e.getAsDouble();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw error(key, "must be an integer, got " + e);
        }
        return (int) d;
    }

    private static int[] filled(int n, int v) {
        int[] out = new int[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    ConfigException error(String key, String problem) {
        return new ConfigException(where + ": config key '" + key + "' " + problem);
    }
}
