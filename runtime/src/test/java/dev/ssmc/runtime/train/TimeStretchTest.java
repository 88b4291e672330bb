package dev.ssmc.runtime.train;

import static dev.ssmc.runtime.train.Tones.tone;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.ssmc.runtime.testing.Property;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TimeStretchTest {
    private static final int RATE = 16000;

    record Stretch(double tempo, double hz) {
    }

    @Test
    void aToneKeepsItsFrequencyAndLevelWhileItsDurationScales() {
        Property.forAll(30, in -> new Stretch(doubles().between(0.6, 1.6).generate(in),
                integers().between(80, 3000).generate(in)), c -> {
            // a burst of half a second, then silence
            float[] x = new float[RATE];
            System.arraycopy(tone(c.hz(), RATE, RATE / 2), 0, x, 0, RATE / 2);
            float[] y = TimeStretch.changeTempo(x, c.tempo(), RATE);
            assertEquals(Math.round(RATE / c.tempo()), y.length);
            int burst = (int) Math.round(RATE / 2 / c.tempo());
            int frame = (int) (TimeStretch.FRAME_SECONDS * RATE);
            // the burst ends where the tempo puts its end, give or take a frame and the search's tolerance
            int tolerance = frame + (int) (TimeStretch.TOLERANCE_SECONDS * RATE);
            assertEquals(burst, Tones.end(y, 0.01), tolerance);
            // inside the burst, away from its ends: the same frequency and level
            int from = frame;
            int to = burst - tolerance;
            assertEquals(c.hz(), Tones.frequency(y, from, to, RATE), c.hz() * 0.005, "frequency");
            assertEquals(0.125, Tones.power(y, from, to), 0.125 * 0.05, "power (a sine of amplitude 0.5: 0.125)");
        });
    }

    @Test
    void theFirstSamplesGetAFullWindowAndTempoOneIsACopy() {
        float[] x = tone(440, RATE, RATE / 4);
        float[] slower = TimeStretch.changeTempo(x, 0.9, RATE);
        // the first frame is read from where the input starts: the output starts as the input does
        for (int t = 0; t < 20; t++) {
            assertEquals(x[t], slower[t], 1e-6, "sample " + t);
        }
        assertArrayEquals(x, TimeStretch.changeTempo(x, 1, RATE));
        assertEquals(0, TimeStretch.changeTempo(new float[0], 1.3, RATE).length);
        float[] silence = TimeStretch.changeTempo(new float[1000], 0.7, RATE);
        assertTrue(Arrays.equals(new float[silence.length], silence));
        assertThrows(IllegalArgumentException.class, () -> TimeStretch.changeTempo(x, 0, RATE));
        assertThrows(IllegalArgumentException.class, () -> TimeStretch.changeTempo(x, Double.NaN, RATE));
        assertThrows(IllegalArgumentException.class, () -> TimeStretch.changeTempo(x, 1.1, 0));
    }
}
