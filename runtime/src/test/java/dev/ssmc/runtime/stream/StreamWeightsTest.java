package dev.ssmc.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.nn.ResampleKind;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Derived weights are made once per name and shared; plain {@link Params} make them afresh. */
class StreamWeightsTest {

    @Test
    void aNameIsMadeOnceAndShared() {
        AtomicInteger made = new AtomicInteger();
        StreamWeights w = new StreamWeights(key -> new float[] {1f});
        float[] a = w.shared("x", () -> {
            made.incrementAndGet();
            return new float[] {2f};
        });
        float[] b = w.shared("x", () -> {
            made.incrementAndGet();
            return new float[] {3f};
        });
        assertSame(a, b);
        assertEquals(1, made.get());
        assertEquals(1, w.size());
        Params plain = key -> new float[0];
        assertNotSame(plain.shared("x", () -> new float[1]), plain.shared("x", () -> new float[1]));
    }

    @Test
    void nodesOfTwoStreamsShareTheirWeightsAndNotTheirState() {
        Map<String, float[]> tensors = Map.of("conv.weight", new float[] {1f, 2f, 3f, 4f}, "conv.bias", new float[] {0.5f, -0.5f});
        StreamWeights w = new StreamWeights(tensors::get);
        ResampleFrames a = new ResampleFrames(ResampleKind.DOWNSAMPLING_WITH_BIAS, 2, 1, 2, "conv", w);
        ResampleFrames b = new ResampleFrames(ResampleKind.DOWNSAMPLING_WITH_BIAS, 2, 1, 2, "conv", w);
        assertEquals(2, w.size(), "the taps and the bias, once");
        float[] out = new float[2];
        a.process(new float[] {1f}, 0, 1, out, 0); // a's window holds one frame, b's none
        float[] oa = new float[2];
        float[] ob = new float[2];
        assertEquals(1, a.process(new float[] {1f}, 0, 1, oa, 0));
        assertEquals(0, b.process(new float[] {1f}, 0, 1, ob, 0));
    }
}
