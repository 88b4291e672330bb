package dev.ssmc.compiler.golden;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * One golden file of the reference package: its config, the network it describes, the weights,
 * the input and the reference's outputs (see {@code centaurus-reference.md}, section 6).
 */
public record GoldenCase(Path path, String kind, Network network, Weights weights, int[] chunks,
                         SafeTensorsFile file) {
    static final String STATE_PREFIX = "state.";

    /**
     * Reads a golden file and builds its network with {@code builder} (config JSON, file name to
     * network); the file's {@code state.*} tensors are bound to the network's parameters.
     */
    public static GoldenCase read(Path path, BiFunction<String, String, Network> builder) throws IOException {
        SafeTensorsFile file = SafeTensors.read(path);
        String where = path.getFileName().toString();
        String config = file.metadata().get("config");
        if (config == null) {
            throw new IOException(where + ": no 'config' in the header's __metadata__; is this a golden file?");
        }
        String kind = file.metadata().getOrDefault("kind", "layer");
        Network network = builder.apply(config, where);
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (String name : file.names()) {
            if (name.startsWith(STATE_PREFIX)) {
                state.put(name.substring(STATE_PREFIX.length()), file.f32(name));
            }
        }
        Weights weights = Weights.bind(network, state, where);
        return new GoldenCase(path, kind, network, weights, chunks(config, where), file);
    }

    public String name() {
        String f = path.getFileName().toString();
        return f.endsWith(".safetensors") ? f.substring(0, f.length() - ".safetensors".length()) : f;
    }

    public Tensor tensor(String name) throws IOException {
        return file.f32(name);
    }

    public boolean has(String name) {
        return file.contains(name);
    }

    private static int[] chunks(String config, String where) throws IOException {
        JsonObject c = JsonParser.parseString(config).getAsJsonObject();
        JsonElement e = c.get("chunks");
        if (e == null || !e.isJsonArray()) {
            return new int[0];
        }
        JsonArray a = e.getAsJsonArray();
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            if (!a.get(i).isJsonPrimitive() || !a.get(i).getAsJsonPrimitive().isNumber()) {
                throw new IOException(where + ": config 'chunks' must hold chunk sizes, got " + a);
            }
            out[i] = a.get(i).getAsInt();
        }
        return out;
    }
}
