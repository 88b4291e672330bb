package dev.ssmc.compiler.syntax;

import dev.ssmc.runtime.testing.SharedData;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The golden files' headers (8-byte little-endian length, then JSON): configs, tensor keys and shapes. */
final class Golden {
    private Golden() {
    }

    static Path dir() {
        return SharedData.golden();
    }

    static Path file(String name) {
        return dir().resolve(name + ".safetensors");
    }

    static JsonObject header(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] len = in.readNBytes(8);
            long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] json = in.readNBytes((int) n);
            return JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
        }
    }

    static String config(String name) throws IOException {
        return header(file(name)).getAsJsonObject("__metadata__").get("config").getAsString();
    }

    /** The tensors stored under {@code state.}, by key without the prefix, as "key[shape]" strings. */
    static Map<String, List<Integer>> stateShapes(String name) throws IOException {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        JsonObject h = header(file(name));
        for (String key : h.keySet()) {
            if (key.startsWith("state.")) {
                out.put(key.substring("state.".length()),
                        h.getAsJsonObject(key).getAsJsonArray("shape").asList().stream().map(e -> e.getAsInt()).toList());
            }
        }
        return out;
    }
}
