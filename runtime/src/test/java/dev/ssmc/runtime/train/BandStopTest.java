package dev.ssmc.runtime.train;

import static dev.ssmc.runtime.train.Tones.tone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.ssmc.runtime.testing.Property;
import org.junit.jupiter.api.Test;

class BandStopTest {
    private static final int RATE = 16000;

    record Band(double low, double width, int inside, int outside) {
    }

    @Test
    void aToneInTheBandIsRemovedAndOneOutsideIsKept() {
        Property.forAll(40, in -> {
            double low = doubles().between(50, 6000).generate(in);
            double width = doubles().between(100, 1500).generate(in);
            // one tone in the band's middle half, one at least 100 Hz away from it
            int inside = (int) (low + width * doubles().between(0.25, 0.75).generate(in));
            int outside = integers().between(20, RATE / 2 - 20).generate(in);
            return new Band(low, width, inside, outside);
        }, b -> {
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    b.outside() < b.low() - 100 || b.outside() > b.low() + b.width() + 100);
            float[] kept = tone(b.outside(), RATE, RATE);
            float[] removed = tone(b.inside(), RATE, RATE);
            float[] x = new float[RATE];
            for (int t = 0; t < RATE; t++) {
                x[t] = kept[t] + removed[t];
            }
            BandStop.remove(x, 0, RATE, b.low(), b.low() + b.width(), RATE);
            // away from the clip's ends (where the tones start and stop abruptly, and so are not pure)
            float[] error = new float[RATE];
            for (int t = 0; t < RATE; t++) {
                error[t] = x[t] - kept[t];
            }
            double left = Tones.power(error, 800, RATE - 800) / 0.125;
            assertTrue(10 * Math.log10(left) < -40, "what is left of the tone in the band: " + 10 * Math.log10(left) + " dB");
        });
    }

    @Test
    void theWholeBandLeavesNothingAndAnEmptyBandChangesNothing() {
        float[] x = tone(700, RATE, 4000);
        float[] copy = x.clone();
        BandStop.remove(x, 0, x.length, 3000, 3000, RATE); // a band with no bin of 700 Hz's neighbourhood
        for (int t = 0; t < x.length; t++) {
            assertEquals(copy[t], x[t], 1e-5, "sample " + t);
        }
        BandStop.remove(x, 0, x.length, 0, RATE / 2.0, RATE);
        for (float v : x) {
            assertEquals(0, v, 1e-6);
        }
        // only the stretch asked for changes
        float[] padded = new float[4002];
        System.arraycopy(copy, 0, padded, 1, 4000);
        padded[0] = 0.5f;
        padded[4001] = -0.5f;
        BandStop.remove(padded, 1, 4000, 0, RATE / 2.0, RATE);
        assertEquals(0.5f, padded[0]);
        assertEquals(-0.5f, padded[4001]);
        assertThrows(IllegalArgumentException.class, () -> BandStop.remove(copy, 0, 10, 200, 100, RATE));
    }

    @Test
    void melAndHzAreInverses() {
        Property.forAll(100, doubles().between(0, 24000), hz -> {
            assertEquals(hz, BandStop.hz(BandStop.mel(hz)), 1e-9 * (1 + hz));
        });
        assertEquals(1000, BandStop.mel(1000), 0.5); // the scale is made so that 1 kHz is about 1000 mel
    }
}
