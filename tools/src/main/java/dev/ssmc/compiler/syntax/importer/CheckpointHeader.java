package dev.ssmc.compiler.syntax.importer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.runtime.model.Checkpoints;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tensor names and shapes in a safetensors file's header (8-byte little-endian length, then
 * JSON), enough to check a checkpoint against a network without reading its data. Golden files
 * keep a network's weights under {@code state.}; that prefix is dropped when present.
 */
public final class CheckpointHeader {
    private static final long MAX_HEADER = 100L << 20;

    private CheckpointHeader() {
    }

    /** The header could not be read; the message says why. */
    public static final class BadCheckpoint extends Exception {
        private static final long serialVersionUID = 1L;

        public BadCheckpoint(String message) {
            super(message);
        }
    }

    /** What the header holds: tensor shapes by key, and the metadata's config if there is one. */
    public record Header(Map<String, int[]> shapes, Optional<String> config) {
    }

    public static Header read(Path file) throws IOException, BadCheckpoint {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] len = in.readNBytes(8);
            if (len.length < 8) {
                throw new BadCheckpoint(file + ": not a safetensors file (shorter than its 8-byte header length)");
            }
            long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (n <= 0 || n > MAX_HEADER) {
                throw new BadCheckpoint(file + ": not a safetensors file (header length " + n + ")");
            }
            byte[] json = in.readNBytes((int) n);
            if (json.length < n) {
                throw new BadCheckpoint(file + ": the header is cut short");
            }
            JsonElement root;
            try {
                root = JsonParser.parseString(new String(json, StandardCharsets.UTF_8));
            } catch (JsonParseException e) {
                throw new BadCheckpoint(file + ": the header is not valid JSON");
            }
            if (!root.isJsonObject()) {
                throw new BadCheckpoint(file + ": the header is not a JSON object");
            }
            JsonObject h = root.getAsJsonObject();
            boolean prefixed = h.keySet().stream().anyMatch(k -> k.startsWith("state."));
            Map<String, int[]> shapes = new LinkedHashMap<>();
            for (String key : h.keySet()) {
                if (key.equals("__metadata__") || (prefixed && !key.startsWith("state."))) {
                    continue;
                }
                JsonElement t = h.get(key);
                if (!t.isJsonObject() || !t.getAsJsonObject().has("shape") || !t.getAsJsonObject().get("shape").isJsonArray()) {
                    throw new BadCheckpoint(file + ": tensor '" + key + "' has no shape");
                }
                int[] shape = t.getAsJsonObject().getAsJsonArray("shape").asList().stream()
                        .mapToInt(JsonElement::getAsInt).toArray();
                shapes.put(prefixed ? key.substring("state.".length()) : key, shape);
            }
            Optional<String> config = Optional.empty();
            if (h.has("__metadata__") && h.get("__metadata__").isJsonObject()) {
                JsonObject meta = h.getAsJsonObject("__metadata__");
                if (meta.has("config") && meta.get("config").isJsonPrimitive()) {
                    config = Optional.of(meta.get("config").getAsString());
                }
            }
            return new Header(shapes, config);
        } catch (RuntimeException e) {
            throw new BadCheckpoint(file + ": the header is not a valid safetensors header (" + e.getMessage() + ")");
        }
    }

    /**
     * Every difference between a network's parameters and a checkpoint's tensors, one line each;
     * tensors that loading ignores ({@link Checkpoints#isIgnored}) are no difference.
     */
    public static List<String> mismatches(List<ParamSpec> params, Map<String, int[]> shapes) {
        List<String> out = new ArrayList<>();
        Map<String, int[]> left = new LinkedHashMap<>(shapes);
        for (ParamSpec p : params) {
            int[] s = left.remove(p.key());
            if (s == null) {
                out.add("missing from the checkpoint: " + p.key() + " " + Arrays.toString(p.shape()));
            } else if (!Arrays.equals(s, p.shape())) {
                out.add("shape differs: " + p.key() + " is " + Arrays.toString(s) + " in the checkpoint, "
                        + Arrays.toString(p.shape()) + " in the network");
            }
        }
        for (Map.Entry<String, int[]> e : left.entrySet()) {
            if (Checkpoints.isIgnored(e.getKey())) {
                continue; // PyTorch's BatchNorm step counters: loading skips them too
            }
            out.add("not in the network: " + e.getKey() + " " + Arrays.toString(e.getValue()));
        }
        return out;
    }
}
