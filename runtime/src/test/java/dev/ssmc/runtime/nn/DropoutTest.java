package dev.ssmc.runtime.nn;

import static dev.ssmc.runtime.nn.NnTesting.nans;
import static dev.ssmc.runtime.nn.NnTesting.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Dropout}: whole channels, the 1/(1-p) scale, determinism for a seed, and when it is the identity. */
class DropoutTest {

    @Test
    void zeroesWholeChannelsAndScalesTheOthers() {
        Property.forAll(100, in -> new DropoutCase(integers().between(1, 4).generate(in),
                integers().between(16, 40).generate(in),
                integers().between(1, 12).generate(in),
                integers().between(1, 9).generate(in),
                longs().all().generate(in)),
                a -> zeroesWholeChannelsAndScalesTheOthers(a.batch(), a.channels(), a.length(), a.tenthsP(), a.seed()));
    }

    /** One try of {@link #zeroesWholeChannelsAndScalesTheOthers()}. */
    record DropoutCase(int batch, int channels, int length, int tenthsP, long seed) {
    }

    private void zeroesWholeChannelsAndScalesTheOthers(int batch, int channels, int length, int tenthsP, long seed) {
        float p = tenthsP / 10f;
        float[] x = randn(new Random(seed), batch * channels * length);
        // No exact zeros in x, so a zero in y means a dropped channel.
        for (int i = 0; i < x.length; i++) {
            if (x[i] == 0f) {
                x[i] = 1f;
            }
        }
        float[] y = nans(x.length);
        float[] mask = nans(batch * channels);
        Dropout.forward(batch, channels, length, x, y, p, channels, true, seed, mask);
        float scale = (float) (1.0 / (1.0 - p));
        for (int row = 0; row < batch * channels; row++) {
            assertTrue(mask[row] == 0f || mask[row] == scale, "mask value " + mask[row]);
            for (int t = 0; t < length; t++) {
                int i = row * length + t;
                // Delta 0 compares numerically: a dropped negative sample is -0.0, as x * 0 is in PyTorch.
                assertEquals(mask[row] == 0f ? 0f : x[i] * scale, y[i], 0f, "row " + row + " t " + t);
            }
        }
        // Backward is the same mask.
        float[] dy = randn(new Random(seed + 1), x.length);
        float[] dx = nans(x.length);
        Dropout.backward(batch, channels, length, dy, dx, mask);
        for (int i = 0; i < x.length; i++) {
            assertEquals(dy[i] * mask[i / length], dx[i], 0f);
        }
    }

    @Test
    void aSeedFixesTheMask() {
        int batch = 2;
        int channels = 64;
        int length = 5;
        float[] x = randn(new Random(1), batch * channels * length);
        float[] y1 = new float[x.length];
        float[] y2 = new float[x.length];
        float[] m1 = new float[batch * channels];
        float[] m2 = new float[batch * channels];
        Dropout.forward(batch, channels, length, x, y1, 0.5f, channels, true, 42L, m1);
        Dropout.forward(batch, channels, length, x, y2, 0.5f, channels, true, 42L, m2);
        assertArrayEquals(m1, m2);
        assertArrayEquals(y1, y2);
        // The seeded form is a SplittableRandom of that seed, one draw per (b, c).
        float[] m3 = new float[batch * channels];
        SplittableRandom rng = new SplittableRandom(42L);
        Dropout.forward(batch, channels, length, x, y2, 0.5f, channels, true, rng, m3);
        assertArrayEquals(m1, m3);
        SplittableRandom fresh = new SplittableRandom(42L);
        for (int i = 0; i < batch * channels; i++) {
            fresh.nextDouble();
        }
        assertEquals(fresh.nextLong(), rng.nextLong(), "exactly batch*channels draws");
        // Another seed, another mask (equal by chance with probability 2^-128).
        Dropout.forward(batch, channels, length, x, y2, 0.5f, channels, true, 43L, m2);
        assertFalse(Arrays.equals(m1, m2));
    }

    @Test
    void keepsAboutOneMinusPOfTheChannels() {
        int rows = 40000;
        float p = 0.3f;
        float[] x = new float[rows];
        Arrays.fill(x, 1f);
        float[] y = new float[rows];
        float[] mask = new float[rows];
        Dropout.forward(100, 400, 1, x, y, p, 400, true, new SplittableRandom(7), mask);
        int kept = 0;
        for (float m : mask) {
            kept += m != 0f ? 1 : 0;
        }
        double sigma = Math.sqrt(p * (1 - p) / rows);
        assertEquals(1 - p, kept / (double) rows, 5 * sigma);
    }

    @Test
    void theIdentityInEvalAndBelowSixteenFeatures() {
        int batch = 2;
        int length = 3;
        for (int features : new int[] {1, 8, 15, 16, 64}) {
            for (boolean training : new boolean[] {false, true}) {
                float[] x = randn(new Random(features), batch * features * length);
                float[] y = nans(x.length);
                float[] mask = nans(batch * features);
                SplittableRandom rng = new SplittableRandom(3);
                Dropout.forward(batch, features, length, x, y, 0.5f, features, training, rng, mask);
                boolean active = training && features >= 16;
                assertEquals(active, Dropout.active(0.5f, features, training));
                if (!active) {
                    assertArrayEquals(x, y, "features " + features + " training " + training);
                    float[] ones = new float[batch * features];
                    Arrays.fill(ones, 1f);
                    assertArrayEquals(ones, mask);
                    assertEquals(new SplittableRandom(3).nextLong(), rng.nextLong(), "no draws when inactive");
                } else {
                    assertFalse(Arrays.equals(x, y), "active dropout at p=0.5 on " + batch * features + " channels");
                }
            }
        }
        // Presence follows the block's feature count, not the signal's channels (after GLU: F/2 channels).
        assertTrue(Dropout.active(0.1f, 16, true));
        float[] x = randn(new Random(2), 1 * 8 * 4);
        float[] y = new float[x.length];
        float[] mask = new float[8];
        Dropout.forward(1, 8, 4, x, y, 0.999f, 16, true, 1L, mask);
        assertFalse(Arrays.equals(x, y));
        // Without a mask, backward is the identity.
        float[] dy = randn(new Random(3), 6);
        float[] dx = nans(6);
        Dropout.backward(1, 2, 3, dy, dx, null);
        assertArrayEquals(dy, dx);
    }

    @Test
    void edgeProbabilities() {
        float[] x = randn(new Random(4), 2 * 16 * 3);
        float[] y = new float[x.length];
        float[] mask = new float[32];
        Dropout.forward(2, 16, 3, x, y, 0f, 16, true, 9L, mask);
        assertArrayEquals(x, y, "p = 0");
        Dropout.forward(2, 16, 3, x, y, 1f, 16, true, 9L, mask);
        assertArrayEquals(new float[x.length], y, 0f, "p = 1 drops everything");
        assertThrows(IllegalArgumentException.class, () -> Dropout.forward(2, 16, 3, x, y, 1.5f, 16, true, 9L, mask));
        assertThrows(IllegalArgumentException.class, () -> Dropout.forward(2, 16, 3, x, y, Float.NaN, 16, true, 9L, mask));
        assertThrows(IllegalArgumentException.class,
                () -> Dropout.forward(2, 16, 3, x, y, 0.5f, 16, true, (java.util.random.RandomGenerator) null, mask));
        assertThrows(dev.ssmc.runtime.tensor.ShapeException.class,
                () -> Dropout.forward(2, 16, 3, x, y, 0.5f, 16, true, 9L, new float[31]));
    }

    @Test
    void worksInPlace() {
        float[] x = randn(new Random(5), 3 * 20 * 4);
        float[] y = new float[x.length];
        float[] mask = new float[60];
        Dropout.forward(3, 20, 4, x, y, 0.4f, 20, true, 11L, mask);
        float[] inPlace = x.clone();
        Dropout.forward(3, 20, 4, inPlace, inPlace, 0.4f, 20, true, 11L, new float[60]);
        assertArrayEquals(y, inPlace);
        float[] dy = randn(new Random(6), x.length);
        float[] dx = new float[x.length];
        Dropout.backward(3, 20, 4, dy, dx, mask);
        Dropout.backward(3, 20, 4, dy, dy, mask);
        assertArrayEquals(dx, dy);
    }
}
