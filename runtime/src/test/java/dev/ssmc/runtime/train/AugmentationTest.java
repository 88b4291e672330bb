package dev.ssmc.runtime.train;

import static dev.ssmc.runtime.train.Tones.tone;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import dev.ssmc.runtime.train.Augmentation.Masking;
import dev.ssmc.runtime.train.Augmentation.Perturbation;
import dev.ssmc.runtime.train.Augmentation.Recordings;
import dev.ssmc.runtime.train.SpeechCommands.Split;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each step of the keyword spotter's augmentation does what it says, alone and drawn in order. */
class AugmentationTest {
    private static final int RATE = 16000;
    private static final BackgroundNoise NO_NOISE = BackgroundNoise.of(List.of());

    /** Half a second of a tone, then half a second of silence: a word and its padding. */
    private static float[] burst(double hz) {
        float[] x = new float[RATE];
        System.arraycopy(tone(hz, RATE, RATE / 2), 0, x, 0, RATE / 2);
        return x;
    }

    private static Augmentation.Context context(BackgroundNoise background, BackgroundNoise recordings) {
        return new Augmentation.Context(RATE, background, Split.TRAIN, recordings);
    }

    /** The augmented item, written into a buffer whose ends must stay untouched. */
    private static float[] apply(Augmentation a, float[] item, Augmentation.Context context, SplittableRandom rnd) {
        float[] out = new float[item.length + 4];
        Arrays.fill(out, 99f);
        a.apply(item, out, 2, context, rnd);
        assertEquals(99f, out[0]);
        assertEquals(99f, out[out.length - 1]);
        return Arrays.copyOfRange(out, 2, 2 + item.length);
    }

    record Factor(double value, int hz) {
    }

    @Test
    void speedScalesDurationAndPitchTogether() {
        Property.forAll(25, in -> new Factor(doubles().between(0.8, 1.25).generate(in),
                integers().between(150, 2000).generate(in)), c -> {
            float[] y = Perturbation.perturb(burst(c.hz()), c.value(), 1, RATE);
            assertEquals(Math.round(RATE / c.value()), y.length);
            int end = (int) Math.round(RATE / 2 / c.value());
            assertEquals(end, Tones.end(y, 0.01), Resampler.ZERO_CROSSINGS * 2, "where the burst ends");
            assertEquals(c.hz() * c.value(), Tones.frequency(y, 200, end - 200, RATE), c.hz() * c.value() * 0.002);
        });
    }

    @Test
    void pitchMovesTheFrequencyAndKeepsTheDuration() {
        Property.forAll(25, in -> new Factor(Math.pow(2, doubles().between(-4, 4).generate(in) / 12),
                integers().between(150, 2000).generate(in)), c -> {
            float[] y = Perturbation.perturb(burst(c.hz()), 1, c.value(), RATE);
            assertEquals(RATE, y.length, 1, "the length is kept but for rounding");
            int frame = (int) (TimeStretch.FRAME_SECONDS * RATE);
            assertEquals(RATE / 2, Tones.end(y, 0.01), 2 * frame, "where the burst ends");
            assertEquals(c.hz() * c.value(), Tones.frequency(y, frame, RATE / 2 - 2 * frame, RATE),
                    c.hz() * c.value() * 0.005);
        });
    }

    @Test
    void drawnPerturbationsStayInTheirRanges() {
        Perturbation p = new Perturbation(0.9, 1.1, 2);
        double lowest = 0.9 * Math.pow(2, -2 / 12.0);
        double highest = 1.1 * Math.pow(2, 2 / 12.0);
        double[] seen = {Double.MAX_VALUE, 0};
        Property.forAll(30, longs().all(), seed -> {
            float[] y = p.apply(burst(500), RATE, new SplittableRandom(seed));
            assertTrue(y.length >= Math.round(RATE / 1.1) - 1 && y.length <= Math.round(RATE / 0.9) + 1, "length " + y.length);
            double ratio = Tones.frequency(y, 400, (int) (RATE / 2 / 1.1) - 400, RATE) / 500;
            assertTrue(ratio > lowest * 0.995 && ratio < highest * 1.005, "frequency ratio " + ratio);
            seen[0] = Math.min(seen[0], ratio);
            seen[1] = Math.max(seen[1], ratio);
        });
        assertTrue(seen[1] > seen[0] * 1.05, "the draws vary: " + Arrays.toString(seen));
    }

    @Test
    void aPerturbedClipKeepsItsStartAndIsCutOrPaddedAtItsEnd() {
        float[] clip = burst(300);
        // slower: longer than the clip, so its end is cut; the burst still starts at sample 0
        Augmentation slower = Augmentation.NONE.withPerturbation(new Perturbation(0.8, 0.8, 0));
        float[] y = apply(slower, clip, context(NO_NOISE, NO_NOISE), new SplittableRandom(1));
        float[] expected = Perturbation.perturb(clip, 0.8, 1, RATE);
        assertArrayEquals(Arrays.copyOf(expected, RATE), y);
        // faster: shorter, so zeros follow it
        Augmentation faster = Augmentation.NONE.withPerturbation(new Perturbation(1.25, 1.25, 0));
        y = apply(faster, clip, context(NO_NOISE, NO_NOISE), new SplittableRandom(1));
        expected = Perturbation.perturb(clip, 1.25, 1, RATE);
        assertArrayEquals(Arrays.copyOf(expected, RATE), y);
    }

    @Test
    void shiftMovesTheClipAndFillsWithZeros() {
        float[] clip = new float[100];
        for (int t = 0; t < clip.length; t++) {
            clip[t] = (t + 1) / 128f;
        }
        Augmentation shiftOnly = Augmentation.NONE.withShift(10);
        SplittableRandom rnd = new SplittableRandom(3);
        int seenPositive = 0;
        int seenNegative = 0;
        for (int trial = 0; trial < 50; trial++) {
            float[] out = apply(shiftOnly, clip, context(NO_NOISE, NO_NOISE), rnd);
            // out[t] = clip[t - s]: find s from the first sample
            int s = out[0] == 0 ? firstNonZero(out) : -(int) (out[0] * 128 - 1);
            assertTrue(Math.abs(s) <= 10, "shift " + s);
            for (int t = 0; t < 100; t++) {
                int src = t - s;
                assertEquals(src >= 0 && src < 100 ? clip[src] : 0f, out[t], "shift " + s + " sample " + t);
            }
            seenPositive += s > 0 ? 1 : 0;
            seenNegative += s < 0 ? 1 : 0;
        }
        assertTrue(seenPositive > 0 && seenNegative > 0);
    }

    private static int firstNonZero(float[] x) {
        for (int i = 0; i < x.length; i++) {
            if (x[i] != 0) {
                return i;
            }
        }
        return -1;
    }

    record TimeMasks(int count, int maxLength, long seed) {
    }

    @Test
    void timeMasksZeroTheStretchesTheyDrawAndNothingElse() {
        Property.forAll(60, in -> new TimeMasks(integers().between(0, 4).generate(in),
                integers().between(0, 3000).generate(in), longs().all().generate(in)), c -> {
            float[] ones = new float[RATE];
            Arrays.fill(ones, 0.5f);
            Masking masking = new Masking(c.count(), c.maxLength(), 0, 0);
            float[] y = apply(Augmentation.NONE.withMasking(masking), ones, context(NO_NOISE, NO_NOISE),
                    new SplittableRandom(c.seed()));
            // the same draws, in the documented order: each mask's length, then its start
            SplittableRandom replay = new SplittableRandom(c.seed());
            float[] expected = ones.clone();
            for (int m = 0; m < c.count(); m++) {
                int span = replay.nextInt(c.maxLength() + 1);
                int start = replay.nextInt(RATE - span + 1);
                Arrays.fill(expected, start, start + span, 0f);
            }
            assertArrayEquals(expected, y);
        });
    }

    record BandMask(double maxFraction, long seed) {
    }

    @Test
    void bandMasksRemoveTheBandTheyDrawAndKeepTheRest() {
        // tones spread over the mel scale, each its own probe
        int[] probes = new int[24];
        for (int i = 0; i < probes.length; i++) {
            probes[i] = (int) Math.round(BandStop.hz((i + 0.5) / probes.length * BandStop.mel(RATE / 2.0)));
        }
        float[] mixture = new float[RATE];
        for (int hz : probes) {
            float[] x = tone(hz, RATE, RATE);
            for (int t = 0; t < RATE; t++) {
                mixture[t] += x[t] / probes.length;
            }
        }
        int[] removedSeen = {0};
        Property.forAll(20, in -> new BandMask(doubles().between(0.05, 0.3).generate(in), longs().all().generate(in)), c -> {
            Masking masking = new Masking(0, 0, 1, c.maxFraction());
            float[] y = apply(Augmentation.NONE.withMasking(masking), mixture, context(NO_NOISE, NO_NOISE),
                    new SplittableRandom(c.seed()));
            SplittableRandom replay = new SplittableRandom(c.seed());
            double top = BandStop.mel(RATE / 2.0);
            double width = replay.nextDouble() * c.maxFraction() * top;
            double low = BandStop.hz(replay.nextDouble() * (top - width));
            double high = BandStop.hz(BandStop.mel(low) + width);
            for (int hz : probes) {
                double amplitude = amplitude(y, hz) * probes.length;
                if (hz > low + 20 && hz < high - 20) {
                    assertEquals(0, amplitude, 0.01, hz + " Hz lies in [" + low + ", " + high + "]");
                    removedSeen[0]++;
                } else if (hz < low - 20 || hz > high + 20) {
                    assertEquals(0.5, amplitude, 0.01, hz + " Hz lies outside [" + low + ", " + high + "]");
                }
            }
        });
        assertTrue(removedSeen[0] > 0, "some band held a probe");
    }

    /** The amplitude of the component of {@code x} at {@code hz}, by projection on the interior. */
    private static double amplitude(float[] x, double hz) {
        double s = 0;
        double c = 0;
        int from = 2000;
        int to = x.length - 2000;
        for (int t = from; t < to; t++) {
            s += x[t] * Math.sin(2 * Math.PI * hz * t / RATE);
            c += x[t] * Math.cos(2 * Math.PI * hz * t / RATE);
        }
        return 2 * Math.hypot(s, c) / (to - from);
    }

    record Snr(double minDb, double maxDb, long seed) {
    }

    @Test
    void recordingsAreMixedAtTheRatioDrawn() {
        float[] noise = new float[RATE * 5];
        SplittableRandom white = new SplittableRandom(9);
        for (int t = 0; t < noise.length; t++) {
            noise[t] = (float) (white.nextDouble() - 0.5);
        }
        BackgroundNoise recordings = BackgroundNoise.of(List.of(new BackgroundNoise.Recording("white", noise)));
        float[] word = burst(440);
        for (int t = 0; t < word.length; t++) {
            word[t] *= 0.2f; // room for the noise below the clamp
        }
        Property.forAll(40, in -> {
            double min = doubles().between(-5, 30).generate(in);
            return new Snr(min, min + doubles().between(0, 10).generate(in), longs().all().generate(in));
        }, c -> {
            Augmentation a = Augmentation.NONE.withRecordings(new Recordings(1, c.minDb(), c.maxDb()));
            float[] y = apply(a, word, context(NO_NOISE, recordings), new SplittableRandom(c.seed()));
            float[] added = new float[RATE];
            for (int t = 0; t < RATE; t++) {
                added[t] = y[t] - word[t];
            }
            double snr = 10 * Math.log10(Tones.power(word, 0, RATE) / Tones.power(added, 0, RATE));
            // the draws: whether (always), then the ratio
            SplittableRandom replay = new SplittableRandom(c.seed());
            replay.nextDouble();
            assertEquals(Seeds.uniform(replay, c.minDb(), c.maxDb()), snr, 0.01);
        });
        // a silent item gets none: there is no ratio to keep
        Augmentation always = Augmentation.NONE.withRecordings(new Recordings(1, 10, 10));
        assertArrayEquals(new float[RATE], apply(always, new float[RATE], context(NO_NOISE, recordings),
                new SplittableRandom(2)));
    }

    @Test
    void backgroundNoiseIsAddedAtAtMostTheMaximumVolume() {
        float[] noise = new float[1000];
        Arrays.fill(noise, 1f);
        BackgroundNoise ones = BackgroundNoise.of(List.of(new BackgroundNoise.Recording("ones", noise)));
        Augmentation always = Augmentation.NONE.withBackgroundNoise(1, 0.1);
        SplittableRandom rnd = new SplittableRandom(4);
        double largest = 0;
        for (int trial = 0; trial < 100; trial++) {
            float[] out = apply(always, new float[50], context(ones, NO_NOISE), rnd);
            // a constant recording: every sample of the item is the volume
            for (float v : out) {
                assertEquals(out[0], v);
            }
            assertTrue(out[0] >= 0 && out[0] <= 0.1f);
            largest = Math.max(largest, out[0]);
        }
        assertTrue(largest > 0.08);
    }

    @Test
    void theWholeChainIsAPureFunctionOfItsDrawsAndStaysInRange() {
        Augmentation a = Augmentation.defaults(RATE);
        float[] loud = burst(300);
        for (int t = 0; t < loud.length; t++) {
            loud[t] *= 2; // peaks of 1: the perturbation's ripple and the noise must be clamped
        }
        Augmentation.Context context = context(KwsSynth.data().noise(), KwsSynth.recordings());
        Property.forAll(10, longs().all(), seed -> {
            float[] first = apply(a, loud, context, new SplittableRandom(seed));
            float[] second = apply(a, loud, context, new SplittableRandom(seed));
            assertArrayEquals(first, second);
            for (float v : first) {
                assertTrue(v >= -1 && v <= 1, "sample " + v);
            }
            assertFalse(Arrays.equals(first, loud));
        });
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Perturbation(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Perturbation(1.1, 0.9, 0));
        assertThrows(IllegalArgumentException.class, () -> new Perturbation(1, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new Masking(-1, 10, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Masking(1, 10, 1, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new Recordings(1.5, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new Recordings(0.5, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.NONE.withShift(-1));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.NONE.withBackgroundNoise(2, 0.1));
        assertThrows(IllegalArgumentException.class, () -> Augmentation.NONE.withMasking(null));
    }
}
