package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.testing.Property;
import dev.ssmc.runtime.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnhancementSetTest {
    private static final int RATE = 8000;
    private static final int CROP = 400;
    /** Six voices of two clips; v0's first clip is shorter than a crop, so it is padded. */
    private static final int VOICES = 6;

    @TempDir
    Path dir;

    // ---- mixing ----

    /** One try of {@link #mixingPutsTheNoiseAtTheSnrAskedFor()}. */
    record MixCase(int length, int silentTail, double snrDb, long seed) {
    }

    @Test
    void mixingPutsTheNoiseAtTheSnrAskedFor() {
        Property.forAll(200, in -> new MixCase(integers().between(1, 3000).generate(in),
                        integers().between(0, 100).generate(in), doubles().between(-30, 40).generate(in),
                        longs().all().generate(in)),
                c -> {
                    SplittableRandom rnd = new SplittableRandom(c.seed());
                    float[] clean = Gradients.random(rnd, c.length() + c.silentTail(), 0.3);
                    Arrays.fill(clean, c.length(), clean.length, 0f); // zero padding counts as part of the crop
                    float[] noise = Gradients.random(rnd, clean.length, 2);
                    double gain = Mixing.noiseGain(clean, noise, c.snrDb());
                    assertEquals(c.snrDb(), Mixing.snrDb(clean, noise) - 20 * Math.log10(gain), 1e-9, "the gain");
                    float[] noisy = Mixing.mix(clean, noise, c.snrDb());
                    assertEquals(c.snrDb(), Mixing.snrDb(clean, difference(noisy, clean)), 2e-3);
                });
    }

    @Test
    void silentSpeechOrNoiseIsMixedAsItIs() {
        float[] speech = {0.5f, -0.25f, 0.125f};
        float[] noise = {0.1f, 0.2f, -0.3f};
        assertArrayEquals(noise, Mixing.mix(new float[3], noise, 5));
        assertArrayEquals(speech, Mixing.mix(speech, new float[3], 5));
        assertThrows(IllegalArgumentException.class, () -> Mixing.mix(speech, new float[2], 0));
    }

    @Test
    void noiseSegmentsStayInTheirPartAndWrapWhenLonger() {
        float[] recording = new float[100];
        for (int i = 0; i < recording.length; i++) {
            recording[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(3);
        for (int k = 0; k < 200; k++) {
            float[] shorter = new float[30];
            int first = Mixing.cutSegment(recording, 60, 100, rnd, shorter);
            assertTrue(first >= 60 && first + 30 <= 100, "segment at " + first);
            for (int t = 0; t < 30; t++) {
                assertEquals(first + t, shorter[t]);
            }
            float[] longer = new float[95];
            first = Mixing.cutSegment(recording, 60, 100, rnd, longer);
            for (int t = 0; t < longer.length; t++) {
                assertEquals(60 + (first - 60 + t) % 40, longer[t], "sample " + t + " of a segment from " + first);
            }
        }
        float[] exact = new float[40];
        assertEquals(60, Mixing.cutSegment(recording, 60, 100, rnd, exact));
        assertThrows(IllegalArgumentException.class, () -> Mixing.cutSegment(recording, 50, 50, rnd, exact));
    }

    // ---- training mixtures ----

    /** One try of {@link #trainingItemsHaveTheSnrAskedForOverTheirCrop()}. */
    record SnrCase(double snrDb, double gainDb, long seed, int epoch) {
    }

    @Test
    void trainingItemsHaveTheSnrAskedForOverTheirCrop() throws IOException {
        writeSmallSet(dir);
        Property.forAll(25, in -> new SnrCase(doubles().between(-10, 25).generate(in),
                        doubles().between(-12, 6).generate(in), longs().all().generate(in),
                        integers().between(0, 1000).generate(in)),
                c -> {
                    EnhancementSet set = EnhancementSet.open(dir, smallOptions().withSnrRange(c.snrDb(), c.snrDb())
                            .withGainRange(c.gainDb(), c.gainDb()));
                    float gain = (float) Math.pow(10, c.gainDb() / 20);
                    MixtureBatches epoch = set.trainingBatches(3, c.seed(), c.epoch());
                    while (epoch.hasNext()) {
                        MixtureBatch b = epoch.next();
                        for (int i = 0; i < b.size(); i++) {
                            float[] clean = row(b.clean(), i, b.length());
                            float[] noisy = row(b.noisy(), i, b.length());
                            assertEquals(c.snrDb(), Mixing.snrDb(clean, difference(noisy, clean)), 2e-3,
                                    b.sources().get(i));
                            assertCropOfItsClip(set, scaled(clean, 1 / gain), b.sources().get(i), 1e-5f);
                        }
                    }
                });
    }

    @Test
    void snrsAreDrawnUniformlyFromTheRange() throws IOException {
        writeSmallSet(dir);
        EnhancementSet set = EnhancementSet.open(dir, smallOptions().withCropsPerClip(40));
        List<Double> snrs = new ArrayList<>();
        MixtureBatches epoch = set.trainingBatches(16, 7, 0);
        while (epoch.hasNext()) {
            MixtureBatch b = epoch.next();
            for (int i = 0; i < b.size(); i++) {
                float[] clean = row(b.clean(), i, b.length());
                snrs.add(Mixing.snrDb(clean, difference(row(b.noisy(), i, b.length()), clean)));
            }
        }
        assertEquals(set.training().size() * 40, snrs.size());
        DoubleSummary s = DoubleSummary.of(snrs);
        assertTrue(s.min() > -5.01 && s.max() < 15.01, "SNRs outside -5..15 dB: " + s);
        assertTrue(s.min() < -4 && s.max() > 14, "SNRs do not cover -5..15 dB: " + s);
        assertEquals(5, s.mean(), 1, "the mean of a uniform -5..15 dB");
    }

    /** The smallest, largest and mean of some values. */
    record DoubleSummary(double min, double max, double mean) {
        static DoubleSummary of(List<Double> values) {
            return new DoubleSummary(Collections.min(values), Collections.max(values),
                    values.stream().mapToDouble(Double::doubleValue).average().orElseThrow());
        }
    }

    @Test
    void cropsAreSlicesOfTheirClipsAndShortClipsArePaddedWithZeros() throws IOException {
        writeSmallSet(dir);
        EnhancementSet set = EnhancementSet.open(dir, smallOptions().withCropsPerClip(5));
        Map<String, Integer> uses = new HashMap<>();
        boolean padded = false;
        MixtureBatches epoch = set.trainingBatches(4, 11, 2);
        while (epoch.hasNext()) {
            MixtureBatch b = epoch.next();
            for (int i = 0; i < b.size(); i++) {
                String source = b.sources().get(i);
                assertCropOfItsClip(set, row(b.clean(), i, b.length()), source, 0);
                uses.merge(source.substring(0, source.indexOf('@')), 1, Integer::sum);
                padded |= source.startsWith("v1_0.wav@");
            }
        }
        assertTrue(padded, "the short clip was used");
        for (EnhancementSet.Utterance u : set.training()) {
            assertEquals(5, uses.get(u.name()), "every clip is cropped cropsPerClip times an epoch: " + u.name());
        }
    }

    @Test
    void batchesAreAPureFunctionOfSeedEpochAndIndex() throws IOException {
        writeSmallSet(dir);
        EnhancementSet set = EnhancementSet.open(dir, smallOptions().withGainRange(-6, 6));
        MixtureBatches epoch = set.trainingBatches(4, 42, 3);
        int count = epoch.batchCount();
        assertEquals((set.training().size() + 3) / 4, count);
        List<MixtureBatch> inOrder = new ArrayList<>();
        while (epoch.hasNext()) {
            inOrder.add(epoch.next());
        }
        MixtureBatches again = EnhancementSet.open(dir, smallOptions().withGainRange(-6, 6)).trainingBatches(4, 42, 3);
        for (int i = count - 1; i >= 0; i--) { // backwards: the order of calls does not matter
            MixtureBatch b = again.batch(i);
            assertArrayEquals(inOrder.get(i).noisy(), b.noisy());
            assertArrayEquals(inOrder.get(i).clean(), b.clean());
            assertEquals(inOrder.get(i).sources(), b.sources());
        }
        assertEquals(set.training().size() % 4 == 0 ? 4 : set.training().size() % 4, inOrder.get(count - 1).size());
        assertNotEquals(inOrder.get(0).sources(), set.trainingBatches(4, 42, 4).batch(0).sources(), "another epoch");
        assertNotEquals(inOrder.get(0).sources(), set.trainingBatches(4, 43, 3).batch(0).sources(), "another seed");
        assertThrows(IndexOutOfBoundsException.class, () -> again.batch(count));
        assertThrows(IllegalArgumentException.class, () -> set.trainingBatches(0, 1, 0));
    }

    // ---- validation ----

    @Test
    void validationHoldsOutWholeVoicesAndItsOwnPartOfTheNoise() throws IOException {
        writeSmallSet(dir);
        // noise that is positive in training's part (the first 80%) and negative in validation's
        writeNoise(dir, "signs.wav", 5000, 0.8);
        Files.delete(dir.resolve("noise/train/random.wav"));
        EnhancementSet.Options options = smallOptions().withValidation(0.5, 0.2, 9);
        EnhancementSet set = EnhancementSet.open(dir, options);
        assertEquals(3, set.validationVoices().size(), "half of six voices");
        assertEquals(6, set.validation().size(), "their two clips each");
        Set<String> trainingVoices = new HashSet<>();
        set.training().forEach(u -> trainingVoices.add(u.voice()));
        assertEquals(3, trainingVoices.size());
        for (NoisyPair p : set.validation()) {
            String voice = EnhancementSet.voiceOf(p.name());
            assertTrue(set.validationVoices().contains(voice) && !trainingVoices.contains(voice), p.name());
            assertArrayEquals(readSamples(dir.resolve("clean/train").resolve(p.name())), p.clean(), "whole");
            for (float n : difference(p.noisy(), p.clean())) {
                assertTrue(n < 0, "validation noise from validation's part: " + n);
            }
        }
        MixtureBatches epoch = set.trainingBatches(4, 1, 0);
        while (epoch.hasNext()) {
            MixtureBatch b = epoch.next();
            for (float n : difference(b.noisy(), b.clean())) {
                assertTrue(n >= 0, "training noise from training's part: " + n);
            }
        }
        // the same voices and mixtures every time
        EnhancementSet reopened = EnhancementSet.open(dir, options);
        assertEquals(set.validationVoices(), reopened.validationVoices());
        for (int i = 0; i < set.validation().size(); i++) {
            assertArrayEquals(set.validation().get(i).noisy(), reopened.validation().get(i).noisy());
        }
        // without validation, training has every voice and the whole recordings
        EnhancementSet none = EnhancementSet.open(dir, options.withValidation(0, 0.2, 9));
        assertEquals(List.of(), none.validation());
        assertEquals(2 * VOICES, none.training().size());
        assertEquals(5000, none.trainingNoiseEnd(0));
        assertEquals(4000, set.trainingNoiseEnd(0));
    }

    @Test
    void heldOutVoicesDependOnlyOnTheirNames() {
        List<String> voices = new ArrayList<>();
        for (int v = 0; v < 96; v++) {
            voices.add("voice-" + v);
        }
        List<String> heldOut = EnhancementSet.heldOutVoices(voices, 0.1);
        assertEquals(10, heldOut.size());
        Collections.shuffle(voices, new java.util.Random(5));
        List<String> repeated = new ArrayList<>(voices);
        repeated.addAll(voices); // a voice per clip
        assertEquals(heldOut, EnhancementSet.heldOutVoices(repeated, 0.1));
        assertEquals(1, EnhancementSet.heldOutVoices(List.of("a", "b"), 0.01).size(), "at least one");
        assertEquals(1, EnhancementSet.heldOutVoices(List.of("a", "b"), 0.99).size(), "never all");
        assertEquals(List.of(), EnhancementSet.heldOutVoices(List.of("a"), 0.5));
        assertEquals(List.of(), EnhancementSet.heldOutVoices(voices, 0));
        assertEquals("en-029-Alex", EnhancementSet.voiceOf("en-029-Alex_0.wav"));
        assertEquals("en-gb-x_y", EnhancementSet.voiceOf("en-gb-x_y_12.wav"));
        assertEquals("single", EnhancementSet.voiceOf("single.wav"));
    }

    // ---- test pairs ----

    @Test
    void testPairsAreReadWholeAndMatchedByName() throws IOException {
        float[] a = {0.1f, 0.2f, 0.3f};
        float[] b = {0.5f, -0.5f};
        write(dir.resolve("test/noisy/b.wav"), new float[][] {{1, 2}}, RATE);
        write(dir.resolve("test/clean/b.wav"), new float[][] {b}, RATE);
        write(dir.resolve("test/noisy/a.wav"), new float[][] {{3, 2, 1}}, RATE);
        write(dir.resolve("test/clean/a.wav"), new float[][] {a}, RATE);
        List<NoisyPair> pairs = EnhancementSet.readTest(dir, RATE);
        assertEquals(List.of("a.wav", "b.wav"), pairs.stream().map(NoisyPair::name).toList());
        assertArrayEquals(new float[] {3, 2, 1}, pairs.get(0).noisy());
        assertArrayEquals(a, pairs.get(0).clean());
        assertArrayEquals(b, pairs.get(1).clean());
    }

    @Test
    void testPairErrorsNameTheFileAndSayWhatToDo() throws IOException {
        write(dir.resolve("test/noisy/a.wav"), new float[][] {{1, 2}}, RATE);
        assertError("test/clean: not a folder", () -> EnhancementSet.readTest(dir, RATE));
        write(dir.resolve("test/clean/a.wav"), new float[][] {{1, 2}}, RATE);
        write(dir.resolve("test/noisy/lonely.wav"), new float[][] {{1}}, RATE);
        assertError("lonely.wav: has no partner", () -> EnhancementSet.readTest(dir, RATE));
        Files.delete(dir.resolve("test/noisy/lonely.wav"));
        write(dir.resolve("test/clean/other.wav"), new float[][] {{1}}, RATE);
        assertError("test/clean/other.wav: has no partner", () -> EnhancementSet.readTest(dir, RATE));
        write(dir.resolve("test/noisy/other.wav"), new float[][] {{1, 2, 3}}, RATE);
        assertError("its clean partner", () -> EnhancementSet.readTest(dir, RATE));
        write(dir.resolve("test/noisy/other.wav"), new float[][] {{1}}, 44100);
        String rate = assertError("other.wav: sample rate 44100 Hz, but the network runs at 8000 Hz",
                () -> EnhancementSet.readTest(dir, RATE));
        assertTrue(rate.contains("resample") && rate.contains("-r 8000"), rate);
        write(dir.resolve("test/noisy/other.wav"), new float[][] {{1}, {1}}, RATE);
        String stereo = assertError("other.wav: 2 channels, but the data must be mono",
                () -> EnhancementSet.readTest(dir, RATE));
        assertTrue(stereo.contains("-c 1"), stereo);
    }

    @Test
    void trainingFolderErrors() throws IOException {
        assertError("clean/train: not a folder", () -> EnhancementSet.open(dir, smallOptions()));
        write(dir.resolve("clean/train/v_0.wav"), new float[][] {{1, 2}}, RATE);
        Files.createDirectories(dir.resolve("noise/train"));
        assertError("noise/train: no .wav files", () -> EnhancementSet.open(dir, smallOptions()));
        write(dir.resolve("noise/train/n.wav"), new float[][] {{1, 2}}, 16000);
        assertError("n.wav: sample rate 16000 Hz", () -> EnhancementSet.open(dir, smallOptions()));
        write(dir.resolve("noise/train/n.wav"), new float[][] {{1}}, RATE);
        write(dir.resolve("clean/train/w_0.wav"), new float[][] {{1, 2}}, RATE);
        EnhancementSet.Options halves = smallOptions().withValidation(0.5, 0.5, 0);
        assertError("too short to keep a part", () -> EnhancementSet.open(dir, halves));
        assertThrows(IllegalArgumentException.class, () -> smallOptions().withSnrRange(5, -5));
        assertThrows(IllegalArgumentException.class, () -> smallOptions().withGainRange(0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> smallOptions().withValidation(1, 0.2, 0));
        assertThrows(IllegalArgumentException.class, () -> smallOptions().withCropsPerClip(0));
    }

    // ---- se-synth as it is shared ----

    @Test
    void seSynthAsShared() throws IOException {
        Path seSynth = SharedData.dir().resolve("data/se-synth");
        EnhancementSet set = EnhancementSet.open(seSynth);
        assertEquals(10, set.validationVoices().size(), "10% of 96 voices");
        assertEquals(30, set.validation().size());
        assertEquals(258, set.training().size());
        assertEquals(5, set.noise().size());
        List<NoisyPair> test = EnhancementSet.readTest(seSynth, 16000);
        assertEquals(64, test.size());
        // the README's score of doing nothing
        EnhancementScore nothing = EnhancementScore.of(test, test.stream().map(NoisyPair::noisy).toList());
        assertEquals(5.41, nothing.meanInput(), 0.005);
        assertEquals(0, nothing.meanImprovement(), 1e-12);
        Set<String> trainingVoices = new HashSet<>();
        set.training().forEach(u -> trainingVoices.add(u.voice()));
        for (NoisyPair p : test) {
            assertTrue(!trainingVoices.contains(EnhancementSet.voiceOf(p.name())), "a test voice in training: " + p);
        }
        MixtureBatch first = set.trainingBatches(16, 0, 0).batch(0);
        assertEquals(16 * 16000, first.noisy().length);
    }

    // ---- helpers ----

    /** The small set's options: no validation, so that every clip trains. */
    private static EnhancementSet.Options smallOptions() {
        return EnhancementSet.Options.defaults().withSampleRate(RATE).withCropLength(CROP).withValidation(0, 0.2, 1);
    }

    /**
     * Six voices of two clips each, 300..1100 samples (v1_0 shorter than a crop), and one random
     * noise recording.
     */
    private static void writeSmallSet(Path dir) throws IOException {
        SplittableRandom rnd = new SplittableRandom(17);
        for (int v = 0; v < VOICES; v++) {
            for (int k = 0; k < 2; k++) {
                int length = v == 1 && k == 0 ? 300 : 450 + rnd.nextInt(650);
                write(dir.resolve("clean/train/v" + v + "_" + k + ".wav"),
                        new float[][] {Gradients.random(rnd, length, 0.5)}, RATE);
            }
        }
        write(dir.resolve("noise/train/random.wav"), new float[][] {Gradients.random(rnd, 5000, 0.5)}, RATE);
    }

    /** A noise recording of positive samples up to {@code split} of its length and negative ones after. */
    private static void writeNoise(Path dir, String name, int length, double split) throws IOException {
        float[] noise = new float[length];
        SplittableRandom rnd = new SplittableRandom(23);
        for (int i = 0; i < length; i++) {
            float magnitude = (float) (0.05 + rnd.nextDouble());
            noise[i] = i < Math.round(length * split) ? magnitude : -magnitude;
        }
        write(dir.resolve("noise/train").resolve(name), new float[][] {noise}, RATE);
    }

    private static void write(Path file, float[][] channels, int rate) throws IOException {
        Files.createDirectories(file.getParent());
        Wav.write(file, new Audio(rate, channels), WavEncoding.FLOAT32);
    }

    private static float[] readSamples(Path file) throws IOException {
        return Wav.read(file).channels()[0];
    }

    /** Asserts that {@code clean} is its source's clip from the source's start, zero-padded, within a tolerance. */
    private static void assertCropOfItsClip(EnhancementSet set, float[] clean, String source, float tolerance) {
        String name = source.substring(0, source.indexOf('@'));
        int start = Integer.parseInt(source.substring(source.indexOf('@') + 1, source.indexOf(' ')));
        float[] clip = set.training().stream().filter(u -> u.name().equals(name)).findFirst().orElseThrow().samples();
        for (int t = 0; t < clean.length; t++) {
            float expected = start + t < clip.length ? clip[start + t] : 0f;
            assertEquals(expected, clean[t], tolerance, source + ", sample " + t);
        }
    }

    private static String assertError(String expected, org.junit.jupiter.api.function.Executable call) {
        IOException e = assertThrows(IOException.class, call);
        assertTrue(e.getMessage().replace('\\', '/').contains(expected), e.getMessage());
        return e.getMessage();
    }

    private static float[] row(float[] rows, int i, int length) {
        return Arrays.copyOfRange(rows, i * length, (i + 1) * length);
    }

    private static float[] difference(float[] a, float[] b) {
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static float[] scaled(float[] x, double k) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (x[i] * k);
        }
        return y;
    }
}
