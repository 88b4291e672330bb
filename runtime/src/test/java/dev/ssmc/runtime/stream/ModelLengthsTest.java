package dev.ssmc.runtime.stream;

import static dev.ssmc.runtime.stream.StreamTesting.layers;
import static dev.ssmc.runtime.stream.StreamTesting.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.model.Grads;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.nn.ResampleKind;
import dev.ssmc.runtime.stream.StreamTesting.MapParams;
import dev.ssmc.runtime.stream.StreamTesting.Resample;
import dev.ssmc.runtime.stream.StreamTesting.Residual;
import dev.ssmc.runtime.stream.StreamTesting.Spec;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The runtime model on lengths that are not whole windows: pools drop an incomplete last window;
 * a residual around a pooled body (a U-Net level) runs on the input padded to whole windows and
 * its output is cut back, forward and backward.
 */
class ModelLengthsTest {

    @Test
    void aPoolDropsTheIncompleteLastWindow() {
        MapParams p = new MapParams(new Random(1));
        Model m = new Model(layers(List.of(Resample.of(p, ResampleKind.AVERAGE, 2, 2, 2, "pool"),
                Resample.of(p, ResampleKind.DOWNSAMPLING, 3, 2, 3, "conv")), p), null);
        assertEquals(6, m.windows().window());
        assertFalse(m.windows().padded());
        assertEquals(2, m.featureLength(13)); // 13 -> 6 -> 2
        float[] x = randn(new Random(2), 2 * 13);
        Signal y = m.forward(new Signal(1, 2, 13, x)).features();
        assertEquals(2, y.length());
        // samples past the last whole window (12 of 13) change nothing
        float[] x12 = new float[2 * 12];
        for (int c = 0; c < 2; c++) {
            System.arraycopy(x, c * 13, x12, c * 12, 12);
        }
        assertArrayEquals(m.forward(new Signal(1, 2, 12, x12)).features().x(), y.x());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(new Signal(1, 2, 5, new float[10])));
        assertTrue(e.getMessage().contains("at least 6"), e.getMessage());
    }

    @Test
    void aSkipAroundAPooledBodyPadsToWholeWindowsForwardAndBackward() {
        MapParams p = new MapParams(new Random(3));
        Spec level = Residual.of(p, List.of(Resample.of(p, ResampleKind.DOWNSAMPLING, 4, 2, 3, "down"),
                Resample.of(p, ResampleKind.UPSAMPLING, 4, 3, 2, "up")), NormKind.NONE, PostactKind.IDENTITY, "skip");
        Model m = new Model(layers(List.of(level), p), null);
        assertTrue(m.windows().padded());
        assertEquals(4, m.windows().window());
        int length = 10;
        float[] x = randn(new Random(4), 2 * length);
        Signal y = m.forward(new Signal(1, 2, length, x)).features();
        assertEquals(length, y.length(), "cut back to the input's length");
        float[] padded = new float[2 * 12];
        for (int c = 0; c < 2; c++) {
            System.arraycopy(x, c * length, padded, c * 12, length);
        }
        Signal onPadded = m.forward(new Signal(1, 2, 12, padded)).features();
        for (int c = 0; c < 2; c++) {
            assertArrayEquals(Arrays.copyOfRange(onPadded.x(), c * 12, c * 12 + length),
                    Arrays.copyOfRange(y.x(), c * length, (c + 1) * length));
        }
        // backward: the gradient reaches the input's 10 samples; the padding's share is cut off
        float[] g = randn(new Random(5), 2 * length);
        Signal dx = m.gradients(new Signal(1, 2, length, x), Tensor.of(g, 1, 2, length), null, new Grads());
        assertEquals(length, dx.length());
        float[] gPadded = new float[2 * 12];
        for (int c = 0; c < 2; c++) {
            System.arraycopy(g, c * length, gPadded, c * 12, length);
        }
        Signal dxPadded = m.gradients(new Signal(1, 2, 12, padded), Tensor.of(gPadded, 1, 2, 12), null, new Grads());
        for (int c = 0; c < 2; c++) {
            assertArrayEquals(Arrays.copyOfRange(dxPadded.x(), c * 12, c * 12 + length),
                    Arrays.copyOfRange(dx.x(), c * length, (c + 1) * length));
        }
    }
}
