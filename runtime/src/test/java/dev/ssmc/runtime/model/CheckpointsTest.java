package dev.ssmc.runtime.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading refuses what would make a network answer noise: a NaN or an infinity in any tensor, named. */
class CheckpointsTest {
    private static final List<Parameter> PARAMETERS = List.of(
            new Parameter("head.weight", new int[] {2, 3}, Parameter.Role.WEIGHT),
            new Parameter("head.bias", new int[] {2}, Parameter.Role.WEIGHT));

    @TempDir
    Path tmp;

    private Path save(float[] weight, float[] bias) throws IOException {
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put("head.weight", weight);
        values.put("head.bias", bias);
        Path file = tmp.resolve("ck.safetensors");
        Checkpoints.save(file, PARAMETERS, values, Map.of());
        return file;
    }

    @Test
    void finiteWeightsLoad() throws IOException {
        Map<String, float[]> loaded = Checkpoints.load(save(new float[] {1, 2, 3, 4, 5, 6}, new float[] {0, -0f}), PARAMETERS);
        assertEquals(6f, loaded.get("head.weight")[5]);
    }

    @Test
    void aNonFiniteWeightIsRefusedNamingTheTensor() throws IOException {
        Path file = save(new float[] {1, 2, 3, 4, 5, Float.POSITIVE_INFINITY}, new float[] {Float.NaN, Float.NEGATIVE_INFINITY});
        Checkpoints.MismatchException e = assertThrows(Checkpoints.MismatchException.class,
                () -> Checkpoints.load(file, PARAMETERS));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("tensor 'head.weight' holds 1 non-finite value (the first, at index 5, is +Inf)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("tensor 'head.bias' holds 2 non-finite values (the first, at index 0, is NaN)"),
                e.getMessage());
    }
}
