package dev.ssmc.runtime.train;

import static dev.ssmc.runtime.train.Tones.tone;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ResamplerTest {
    /** The largest difference from {@code expected} away from the edges, where the kernel runs off the signal. */
    private static double interiorError(float[] actual, float[] expected, int margin) {
        double worst = 0;
        for (int t = margin; t < actual.length - margin; t++) {
            worst = Math.max(worst, Math.abs(actual[t] - expected[t]));
        }
        return worst;
    }

    @Test
    void aToneBelowBothNyquistFrequenciesSurvivesARateChange() {
        float[] at16k = tone(440, 16000, 16000);
        float[] at8k = Resampler.resample(at16k, 16000, 8000);
        assertEquals(8000, at8k.length);
        assertTrue(interiorError(at8k, tone(440, 8000, 8000), 100) < 2e-3, "down");
        float[] back = Resampler.resample(at8k, 8000, 16000);
        assertEquals(16000, back.length);
        assertTrue(interiorError(back, at16k, 200) < 2e-3, "up");
        // 44.1 kHz to 8 kHz: a ratio that is no integer
        float[] cd = tone(300, 44100, 44100);
        assertTrue(interiorError(Resampler.resample(cd, 44100, 8000), tone(300, 8000, 8000), 100) < 2e-3);
    }

    @Test
    void aToneAboveTheNewNyquistFrequencyIsRemovedNotAliased() {
        float[] high = tone(6000, 16000, 16000); // 6 kHz would alias to 2 kHz at 8 kHz
        float[] at8k = Resampler.resample(high, 16000, 8000);
        double power = 0;
        for (int t = 100; t < at8k.length - 100; t++) {
            power += at8k[t] * at8k[t];
        }
        power /= at8k.length - 200;
        assertTrue(10 * Math.log10(power / 0.125) < -50, "attenuated by more than 50 dB: " + power);
    }

    @Test
    void speedScalesTheLengthAndTheFrequency() {
        float[] x = tone(500, 8000, 8000);
        float[] faster = Resampler.changeSpeed(x, 1.1);
        assertEquals(Math.round(8000 / 1.1), faster.length);
        assertTrue(interiorError(faster, tone(550, 8000, faster.length), 100) < 2e-3);
        float[] slower = Resampler.changeSpeed(x, 0.9);
        assertEquals(Math.round(8000 / 0.9), slower.length);
        assertTrue(interiorError(slower, tone(450, 8000, slower.length), 100) < 2e-3);
        assertArrayEquals(x, Resampler.changeSpeed(x, 1));
        assertThrows(IllegalArgumentException.class, () -> Resampler.changeSpeed(x, 0));
        assertThrows(IllegalArgumentException.class, () -> Resampler.resample(x, 0, 8000));
    }

    @Test
    void aConstantStaysConstant() {
        float[] ones = new float[4000];
        Arrays.fill(ones, 0.25f);
        float[] y = Resampler.changeSpeed(ones, 1.07);
        for (int t = 50; t < y.length - 50; t++) {
            assertEquals(0.25, y[t], 1e-4, "sample " + t);
        }
    }
}
