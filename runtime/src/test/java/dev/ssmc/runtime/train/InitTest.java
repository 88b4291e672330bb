package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.testing.Property;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InitTest {
    /** One try of {@link #logDtStartsGeometricallyOverTheRangeAsked()}. */
    record RangeCase(int mode, int entries, int states, double lowLog10, double decades) {
    }

    /**
     * {@code log_dt} over {@code low..high} in a layer's layout: every dt in the range, the first
     * entry (channel or block) at its low end and the last at its high end, equal ratios between
     * entries, and one dt for the states of an entry (neck stores one per block).
     */
    @Test
    void logDtStartsGeometricallyOverTheRangeAsked() {
        Property.forAll(300, in -> new RangeCase(integers().between(0, BlockMode.values().length - 1).generate(in),
                        integers().between(1, 12).generate(in), integers().between(1, 16).generate(in),
                        doubles().between(-6, 0).generate(in), doubles().between(0, 5).generate(in)),
                c -> {
                    BlockMode mode = BlockMode.values()[c.mode()];
                    double low = Math.pow(10, c.lowLog10());
                    double high = low * Math.pow(10, c.decades());
                    int perEntry = mode == BlockMode.NECK ? 1 : c.states();
                    float[] logDt = new float[c.entries() * perEntry];
                    Init.logDt(logDt, mode, c.states(), low, high);
                    double[] entry = new double[c.entries()];
                    for (int e = 0; e < c.entries(); e++) {
                        entry[e] = Math.exp(logDt[e * perEntry]);
                        for (int s = 0; s < perEntry; s++) {
                            assertEquals(logDt[e * perEntry], logDt[e * perEntry + s], "entry " + e + ", state " + s);
                        }
                        // float32 logs of values down to 1e-6 are exact to a few parts in 1e7
                        assertTrue(entry[e] >= low * (1 - 1e-5) && entry[e] <= high * (1 + 1e-5),
                                entry[e] + " outside " + low + ".." + high);
                    }
                    assertEquals(low, entry[0], low * 1e-5, "the first entry starts at the low end");
                    if (c.entries() > 1) {
                        assertEquals(high, entry[c.entries() - 1], high * 1e-5, "the last entry ends at the high end");
                        double ratio = Math.pow(high / low, 1.0 / (c.entries() - 1));
                        for (int e = 1; e < c.entries(); e++) {
                            assertEquals(ratio, entry[e] / entry[e - 1], ratio * 1e-5, "ratio at entry " + e);
                        }
                    }
                });
    }

    /** The reference's rule is the range 1e-3..1e-1 of the general one. */
    @Test
    void theReferencesRuleIsItsRange() {
        float[] reference = new float[5 * 3];
        Init.logDt(reference, 5, 3);
        float[] ranged = new float[5 * 3];
        Init.logDt(ranged, BlockMode.FULL, 3, 1e-3, 1e-1);
        assertEquals(Arrays.toString(reference), Arrays.toString(ranged));
        assertEquals(Math.log(1e-3), reference[0], 1e-6);
        assertEquals(Math.log(1e-1), reference[14], 1e-6);
    }
}
