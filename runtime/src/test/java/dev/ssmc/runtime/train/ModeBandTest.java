package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.testing.Property;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModeBandTest {
    /**
     * Issue 16's anchor: the reference's CentaurusSE starts its one-channel waveform layers at
     * dt = 1e-3, so with 16 states every mode sits below about 120 Hz at 16 kHz; the check says
     * so. A layer of 8 channels gets dt up to 1e-1 and reaches far enough.
     */
    @Test
    void theReferenceInitializationOfAOneChannelLayerReachesAbout120Hz() {
        float[] oneChannel = new float[16];
        Init.logDt(oneChannel, 1, 16);
        ModeBand.Reach reach = ModeBand.reach(oneChannel, BlockMode.FULL, 16, 16000);
        // the highest mode at 15e-3 of Nyquist (120 Hz), its resonance half a 1e-3/(2 pi) wider
        assertEquals(120 + 8000 * 0.5e-3 / Math.PI, reach.highestHz(), 0.01);
        Optional<String> warning = reach.warning(ModeBand.DEFAULT_MIN_FRACTION);
        assertTrue(warning.isPresent());
        assertEquals("its initial modes reach only 121 Hz, 1.5% of its 8000 Hz Nyquist frequency (less than 10%), so at"
                + " the waveform level it cannot follow speech when training starts: spread its dt over the band its"
                + " sample rate allows", warning.get());

        float[] eightChannels = new float[8 * 8];
        Init.logDt(eightChannels, 8, 8);
        ModeBand.Reach wide = ModeBand.reach(eightChannels, BlockMode.DWS, 8, 16000);
        assertEquals(0.7, wide.highestFraction(), 0.02);
        assertEquals(Optional.empty(), wide.warning(ModeBand.DEFAULT_MIN_FRACTION));
        assertEquals(64, wide.modes());
        assertEquals(56, wide.oscillatingModes());

        float[] oneState = {(float) Math.log(0.1)};
        String still = ModeBand.reach(oneState, BlockMode.FULL, 1, 16000).warning(0.1).orElseThrow();
        assertTrue(still.endsWith("with one state per block none of them oscillates; give it more states"), still);
    }

    /** The reach's half-power edge against a scan of the resonance's response itself. */
    @Test
    void theReachIsTheHalfPowerEdgeOfTheHighestResonance() {
        for (double dt : new double[] {1e-3, 0.02, 0.1, 0.4, 2}) {
            for (int m : new int[] {0, 1, 3}) {
                float[] logDt = {(float) Math.log(dt)};
                double expected = scannedUpperEdge((float) Math.exp(logDt[0]), m);
                ModeBand.Reach reach = ModeBand.reach(logDt, BlockMode.NECK, m + 1, 16000);
                if (m == 0 || ModeBand.modeFraction(dt, m) < 1) { // aliased modes fold; checked below
                    assertEquals(expected, reach.highestFraction(), 1e-4, "dt " + dt + ", mode " + m);
                }
            }
        }
    }

    /**
     * Where the power response {@code 1/|1 - p e^{-i theta}|^2} of the pole
     * {@code p = exp(dt (-0.5 + i pi m))} first falls to half its peak above it, as a fraction of
     * Nyquist (1 if it never does).
     */
    private static double scannedUpperEdge(double dt, int m) {
        double peakAngle = dt * Math.PI * m;
        double half = power(dt, m, peakAngle) / 2;
        int steps = 2_000_000;
        for (int k = 0; k <= steps; k++) {
            double theta = peakAngle + (Math.PI - peakAngle) * k / steps;
            if (power(dt, m, theta) <= half) {
                return theta / Math.PI;
            }
        }
        return 1;
    }

    private static double power(double dt, int m, double theta) {
        double r = Math.exp(-0.5 * dt);
        double angle = dt * Math.PI * m - theta;
        double re = 1 - r * Math.cos(angle);
        double im = -r * Math.sin(angle);
        return 1 / (re * re + im * im);
    }

    @Test
    void modesBeyondNyquistAreReportedAsAliased() {
        float[] logDt = new float[2 * 8];
        Arrays.fill(logDt, (float) Math.log(0.3));
        ModeBand.Reach reach = ModeBand.reach(logDt, BlockMode.S5, 8, 16000);
        assertEquals(16, reach.modes());
        assertEquals(8, reach.aliasedModes(), "m = 4..7 of both blocks turn by more than pi");
        // the highest is mode 3 at 0.9 plus its resonance's half width; the aliased ones fold below it
        assertTrue(reach.highestFraction() > 0.9 && reach.highestFraction() < 0.96, "reach " + reach);
        String warning = reach.warning(0.1).orElseThrow();
        assertEquals("8 of its 16 initial modes turn by more than half a cycle a sample (dt times the state index"
                + " above 1) and alias to lower frequencies: lower its largest dt", warning);
    }

    /** One try of {@link #theSpreadPutsTheModesAcrossTheBandAsked()}. */
    record SpreadCase(int mode, int channels, int states, int sampleRate, double lowestHz, double highestFraction) {
    }

    @Test
    void theSpreadPutsTheModesAcrossTheBandAsked() {
        int[] rates = {8000, 16000, 22050, 48000};
        Property.forAll(300, in -> new SpreadCase(integers().between(0, 3).generate(in),
                        integers().between(1, 12).generate(in), integers().between(1, 32).generate(in),
                        rates[integers().between(0, rates.length - 1).generate(in)],
                        doubles().between(20, 300).generate(in), doubles().between(0.2, 0.95).generate(in)),
                c -> {
                    BlockMode mode = BlockMode.values()[c.mode()];
                    boolean shared = mode == BlockMode.NECK;
                    float[] logDt = new float[shared ? c.channels() : c.channels() * c.states()];
                    ModeBand.spreadLogDt(logDt, mode, c.states(), c.sampleRate(), c.lowestHz(), c.highestFraction());
                    double lowest = c.lowestHz() / (c.sampleRate() / 2.0);
                    List<Double> fractions = oscillatingModeFractions(logDt, shared, c.states());
                    double top = fractions.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                    double bottom = fractions.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                    assertEquals(c.highestFraction(), top, 1e-5 * top, "the highest mode reaches the fraction asked");
                    int oscillating = shared ? c.channels() * (c.states() - 1) : fractions.size();
                    if (oscillating > 1 && !shared) {
                        assertEquals(lowest, bottom, 1e-5 * bottom, "the lowest mode sits at the frequency asked");
                    }
                    // a neck block's modes are evenly spaced up to its top: with one block, or tops
                    // squeezed to the highest fraction, mode 1 sits at highest / (N - 1)
                    double evenlySpaced = c.highestFraction() / Math.max(1, c.states() - 1);
                    double floor = shared ? Math.min(lowest, evenlySpaced) : lowest;
                    assertTrue(bottom >= floor * (1 - 1e-5) || fractions.size() == 1, "below the band: " + bottom);
                    if (!shared && c.states() > 1) {
                        // per state: distinct frequencies in a geometric sequence
                        List<Double> sorted = fractions.stream().sorted().toList();
                        for (int i = 2; i < sorted.size(); i++) {
                            assertEquals(sorted.get(i) / sorted.get(i - 1), sorted.get(1) / sorted.get(0), 1e-4,
                                    "equal ratios");
                        }
                        for (int ch = 0; ch < c.channels(); ch++) {
                            assertEquals(logDt[ch * c.states() + 1], logDt[ch * c.states()],
                                    "mode 0 decays like its channel's mode 1");
                        }
                    }
                    ModeBand.Reach reach = ModeBand.reach(logDt, mode, c.states(), c.sampleRate());
                    assertEquals(0, reach.aliasedModes());
                    if (c.states() > 1) { // a single state does not oscillate: its reach is a low-pass edge
                        assertTrue(reach.highestFraction() >= c.highestFraction() * (1 - 1e-5));
                        assertEquals(Optional.empty(), reach.warning(ModeBand.DEFAULT_MIN_FRACTION));
                    }
                });
    }

    /** {@code dt m} of every mode with {@code m >= 1} (every state's, if there is one state). */
    private static List<Double> oscillatingModeFractions(float[] logDt, boolean shared, int states) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < logDt.length; i++) {
            double dt = Math.exp(logDt[i]);
            if (states == 1) {
                out.add(dt); // spread as if it were mode 1
            } else if (shared) {
                for (int m = 1; m < states; m++) {
                    out.add(ModeBand.modeFraction(dt, m));
                }
            } else if (i % states > 0) {
                out.add(ModeBand.modeFraction(dt, i % states));
            }
        }
        return out;
    }

    @Test
    void neckBlocksShareADtAndSpreadTheirTopModes() {
        float[] logDt = new float[4];
        ModeBand.spreadLogDt(logDt, BlockMode.NECK, 8, 16000, 50, 0.875);
        // block tops from 7 * 50 Hz = 350 Hz (mode 1 of the first block at 50 Hz) to 7 kHz
        assertEquals(350, Math.exp(logDt[0]) * 7 * 8000, 1e-3);
        assertEquals(7000, Math.exp(logDt[3]) * 7 * 8000, 1e-2);
        assertEquals(Math.log(1.0 / 8), logDt[3], 1e-6, "dt = 1/N, the issue's spread, at (N-1)/N of Nyquist");
        float[] one = new float[1];
        ModeBand.spreadLogDt(one, BlockMode.NECK, 8, 16000, 50, 0.875);
        assertEquals(logDt[3], one[0], "a single block goes to the top");
    }

    @Test
    void badArgumentsAreRefused() {
        assertRefused(5, 50, 0.9, "16 entries are not rows of 5 states");
        assertRefused(8, 50, 1, "the top at Nyquist");
        assertRefused(8, 0, 0.5, "nothing at 0 Hz");
        assertRefused(8, 5000, 0.5, "lowest above highest");
        assertRefused(0, 50, 0.5, "no states");
        assertThrows(IllegalArgumentException.class, () -> ModeBand.reach(new float[16], BlockMode.FULL, 8, 0));
    }

    private static void assertRefused(int states, double lowestHz, double highestFraction, String why) {
        assertThrows(IllegalArgumentException.class,
                () -> ModeBand.spreadLogDt(new float[16], BlockMode.FULL, states, 16000, lowestHz, highestFraction), why);
    }
}
