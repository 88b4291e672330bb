package dev.ssmc.compiler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.runtime.model.Model;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the benchmark cases compute: the block the reference's layer is, and each pass over the whole input. */
class GeneratedWorkloadTest {
    private static List<String> keys(BlockCase c) {
        return c.network(new Planning(1, 8, 1)).parameters().stream().map(ParamSpec::key).toList();
    }

    @Test
    void aBlockIsTheLayerWithItsActivationsOff() {
        // no norm tensors: the contraction and, for dws, the pointwise conv, under a lone layer's keys
        assertEquals(List.of("A", "log_dt", "E", "mixer.1.weight"), keys(new BlockCase(SsmMode.DWS, 4, 6, 3, 1)));
        assertEquals(List.of("A", "log_dt", "B", "C"), keys(new BlockCase(SsmMode.S5, 4, 6, 3, 2)));
        assertEquals(List.of("A", "log_dt", "B", "C", "E"), keys(new BlockCase(SsmMode.NECK, 4, 6, 3, 2)));
        assertEquals(List.of("A", "log_dt", "E"), keys(new BlockCase(SsmMode.FULL, 4, 6, 3, 1)));
        assertEquals(new BlockCase(SsmMode.FULL, 16, 16, 16, 1), BlockCase.comparison(SsmMode.FULL));
        assertEquals(new BlockCase(SsmMode.S5, 64, 64, 16, 4), BlockCase.comparison(SsmMode.S5));
    }

    @Test
    void sizesAreCheckedWithTheOptionsNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BlockCase(SsmMode.S5, 4, 0, 3, 2));
        assertEquals("--out must be at least 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BlockCase(SsmMode.FULL, 4, 4, 3, 2));
        assertTrue(e.getMessage().startsWith("--blocks applies to s5 and neck only"), e.getMessage());
        BlockCase ok = new BlockCase(SsmMode.S5, 2, 2, 2, 1);
        e = assertThrows(IllegalArgumentException.class,
                () -> GeneratedWorkload.of(ok.network(new Planning(1, 10, 4)), BenchPass.STREAM, Profile.defaults(), 1));
        assertTrue(e.getMessage().startsWith("--chunk 4 does not divide --length 10"), e.getMessage());
    }

    @Test
    void eachPassCoversTheWholeInputAndStreamingMatchesTheForwardPass() {
        BlockCase c = new BlockCase(SsmMode.DWS, 3, 2, 4, 1);
        Model.Outputs full = (Model.Outputs) GeneratedWorkload.of(c.network(new Planning(1, 24, 1)), BenchPass.FORWARD,
                Profile.defaults(), 5).run();
        assertEquals(List.of(1, 2, 24), List.of(full.features().batch(), full.features().channels(), full.features().length()));
        GeneratedWorkload stream = GeneratedWorkload.of(c.network(new Planning(1, 24, 6)), BenchPass.STREAM, Profile.defaults(), 5);
        stream.run();
        Model.Outputs streamed = stream.streamed();
        assertEquals(24, streamed.features().length());
        // same seed, same weights and input: the stream's output is the full sequence's
        float[] a = full.features().x();
        float[] b = streamed.features().x().clone(); // a workload reuses its output arrays
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], 1e-4 * (1 + Math.abs(a[i])), "sample " + i);
        }
        // a second run streams anew (the stream starts from zero state)
        stream.run();
        float[] again = stream.streamed().features().x();
        for (int i = 0; i < a.length; i++) {
            assertEquals(b[i], again[i], 0f, "sample " + i);
        }
        Map<?, ?> grads = (Map<?, ?>) GeneratedWorkload.of(c.network(new Planning(2, 24, 1)), BenchPass.TRAIN,
                Profile.defaults(), 5).run();
        assertEquals(List.of("input", "A", "log_dt", "E", "mixer.1.weight"), List.copyOf(grads.keySet()));
        assertEquals(2 * 3 * 24, ((float[]) grads.get("input")).length);
    }
}
