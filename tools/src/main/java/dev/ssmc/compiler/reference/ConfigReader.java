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
public final class ConfigReader {
    private final JsonObject json;
    private final String where;

    ConfigReader(JsonObject json, String where) {
        this.json = json;
        this.where = where;
    }

    /** The config in {@code text} as a JSON object; a {@link ConfigException} naming {@code where} if it is not one. */
    public static JsonObject parse(String text, String where) {
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw new ConfigException(where + ": the config must be a JSON object");
            }
            return e.getAsJsonObject();
        } catch (JsonParseException ex) {
            throw new ConfigException(where + ": the config is not valid JSON: " + JsonErrors.describe(ex));
        }
    }

    JsonObject json() {
        return json;
    }

    boolean has(String key) {
        return json.has(key) && !json.get(key).isJsonNull();
    }

    /** Keys present in the config that are not in {@code known}. */
    java.util.List<String> unknownKeys(java.util.Set<String> known) {
        return json.keySet().stream().filter(k -> !known.contains(k)).sorted().toList();
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

    /** How a per-stage list shorter than the depth is completed, as the reference's {@code make_list} does. */
    enum Pad { LAST, ONES }

    /**
     * The per-stage values of a key, as the reference reads them: a single value applies to every
     * stage; a shorter list is completed with its last value (or ones); JSON null and the string
     * "null" stand for "not given". Returns null entries for values not given.
     */
    private JsonElement[] perStage(String key, int depth, Pad pad) {
        JsonElement[] out = new JsonElement[depth];
        if (!has(key)) {
            return out;
        }
        JsonElement e = json.get(key);
        if (!e.isJsonArray()) {
            java.util.Arrays.fill(out, e);
        } else {
            JsonArray a = e.getAsJsonArray();
            if (a.size() > depth) {
                throw error(key, "has " + a.size() + " entries but the network has " + depth + " stages");
            }
            for (int i = 0; i < depth; i++) {
                if (i < a.size()) {
                    out[i] = a.get(i);
                } else if (pad == Pad.ONES) {
                    out[i] = new com.google.gson.JsonPrimitive(1);
                } else {
                    out[i] = a.size() == 0 ? null : a.get(a.size() - 1);
                }
            }
        }
        for (int i = 0; i < depth; i++) {
            if (out[i] != null && (out[i].isJsonNull() || (out[i].isJsonPrimitive()
                    && out[i].getAsJsonPrimitive().isString() && out[i].getAsString().equals("null")))) {
                out[i] = null;
            }
        }
        return out;
    }

    /** Per-stage integers; entries not given take {@code fallback}, or are an error when it is null. */
    int[] perStageInts(String key, int depth, Integer fallback, Pad pad) {
        JsonElement[] v = perStage(key, depth, pad);
        int[] out = new int[depth];
        for (int i = 0; i < depth; i++) {
            if (v[i] == null) {
                if (fallback == null) {
                    throw error(key, has(key) ? "gives no value for stage " + i : "is missing");
                }
                out[i] = fallback;
            } else {
                out[i] = asInt(v[i], key + (json.get(key).isJsonArray() ? "[" + i + "]" : ""));
            }
        }
        return out;
    }

    /** Per-stage booleans; entries not given take {@code fallback}. */
    boolean[] perStageBools(String key, int depth, boolean fallback) {
        JsonElement[] v = perStage(key, depth, Pad.LAST);
        boolean[] out = new boolean[depth];
        for (int i = 0; i < depth; i++) {
            if (v[i] == null) {
                out[i] = fallback;
            } else if (v[i].isJsonPrimitive() && v[i].getAsJsonPrimitive().isBoolean()) {
                out[i] = v[i].getAsBoolean();
            } else {
                throw error(key, "must hold true or false, got " + v[i]);
            }
        }
        return out;
    }

    /** Per-stage strings; entries not given are null. */
    String[] perStageStrings(String key, int depth) {
        JsonElement[] v = perStage(key, depth, Pad.LAST);
        String[] out = new String[depth];
        for (int i = 0; i < depth; i++) {
            if (v[i] != null) {
                if (!v[i].isJsonPrimitive() || !v[i].getAsJsonPrimitive().isString()) {
                    throw error(key, "must hold strings, got " + v[i]);
                }
                out[i] = v[i].getAsString();
            }
        }
        return out;
    }

    /** Whether a key is present with the value null (or the string "null"): "explicitly none". */
    boolean isExplicitNull(String key) {
        if (!json.has(key)) {
            return false;
        }
        JsonElement e = json.get(key);
        return e.isJsonNull() || (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() && e.getAsString().equals("null"));
    }

    /** The length of a list-valued key. */
    int listLength(String key) {
        JsonElement e = required(key);
        if (!e.isJsonArray()) {
            throw error(key, "must be a list, got " + e);
        }
        return e.getAsJsonArray().size();
    }

    boolean isList(String key) {
        return has(key) && json.get(key).isJsonArray();
    }

    private JsonElement required(String key) {
        if (!has(key)) {
            throw error(key, "is missing");
        }
        return json.get(key);
    }

    int asInt(JsonElement e, String key) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw error(key, "must be an integer, got " + e);
        }
        double d = e.getAsDouble();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw error(key, "must be an integer, got " + e);
        }
        return (int) d;
    }

    ConfigException error(String key, String problem) {
        return new ConfigException(where + ": config key '" + key + "' " + problem);
    }
}
