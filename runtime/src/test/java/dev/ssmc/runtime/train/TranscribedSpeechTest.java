package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.testing.SharedData;
import dev.ssmc.runtime.train.SpeechCommands.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TranscribedSpeechTest {
    @TempDir
    Path dir;

    /** Writes {@code samples} at {@code rate} as 16-bit PCM. */
    private static void wav(Path file, int rate, float[]... channels) throws IOException {
        Files.createDirectories(file.getParent());
        Wav.write(file, new Audio(rate, channels), WavEncoding.PCM16);
    }

    /** Noise-like samples a multiple of 1/32768 (so they read back exactly), in [-0.5, 0.5). */
    private static float[] signal(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int t = 0; t < n; t++) {
            x[t] = (rnd.nextInt(32768) - 16384) / 32768f;
        }
        return x;
    }

    /** A tiny data set: three training utterances, one each for validation and test, and 16 kHz noise. */
    private Path tinySet() throws IOException {
        SplittableRandom rnd = new SplittableRandom(1);
        String[][] train = {{"a.wav", "One two"}, {"b.wav", "oh"}, {"c.wav", ""}};
        int[] lengths = {1200, 800, 400};
        for (int i = 0; i < train.length; i++) {
            wav(dir.resolve("train").resolve(train[i][0]), 8000, signal(rnd, lengths[i]));
        }
        Files.writeString(dir.resolve("train/transcripts.tsv"), "a.wav\tOne two\n\nb.wav\toh\nc.wav\t\n");
        wav(dir.resolve("validation/v.wav"), 8000, signal(rnd, 1000));
        Files.writeString(dir.resolve("validation/transcripts.tsv"), "v.wav\ttwo  one\n");
        wav(dir.resolve("test/t.wav"), 8000, signal(rnd, 600));
        Files.writeString(dir.resolve("test/transcripts.tsv"), "t.wav\ttwo\n");
        wav(dir.resolve("noise/hum.wav"), 16000, signal(rnd, 32000));
        return dir;
    }

    @Test
    void readsSplitsTranscriptsAndAudio() throws IOException {
        TranscribedSpeech data = TranscribedSpeech.open(tinySet(), TranscribedSpeech.Options.defaults());
        assertEquals(" ehnotw", data.alphabet().symbols(), "the training transcripts' characters");
        assertEquals(List.of("train/a.wav", "train/b.wav", "train/c.wav"), data.files(Split.TRAIN));
        assertEquals(List.of("validation/v.wav"), data.files(Split.VALIDATION));
        List<Utterance> train = data.load(Split.TRAIN);
        assertEquals(3, train.size());
        Utterance a = train.get(0);
        assertEquals("train/a.wav", a.source());
        assertEquals("one two", a.text());
        assertArrayEquals(data.alphabet().encode("one two"), a.labels());
        assertArrayEquals(Wav.read(dir.resolve("train/a.wav")).channels()[0], a.samples());
        assertEquals("", train.get(2).text(), "an empty transcript is an utterance of nothing");
        assertArrayEquals(new int[0], train.get(2).labels());
        assertEquals("two one", data.load(Split.VALIDATION).get(0).text());
        assertTrue(data.load(Split.TRAIN) == train, "read once and kept");
        // a given alphabet (a trained network's) needs no training split
        deleteTree(dir.resolve("train"));
        TranscribedSpeech evaluation = TranscribedSpeech.open(dir, data.alphabet(), TranscribedSpeech.Options.defaults());
        assertFalse(evaluation.has(Split.TRAIN));
        assertTrue(evaluation.has(Split.TEST));
        assertEquals("two", evaluation.load(Split.TEST).get(0).text());
        assertThrows(IllegalArgumentException.class, () -> evaluation.files(Split.TRAIN));
        IOException noTrain = assertThrows(IOException.class,
                () -> TranscribedSpeech.open(dir, TranscribedSpeech.Options.defaults()));
        assertTrue(noTrain.getMessage().contains("no train/ folder"), noTrain.getMessage());
    }

    private static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    /** Opens the tiny set after {@code change}, expecting an error whose message contains {@code expected}. */
    private void assertOpenFails(String expected, IoChange change) throws IOException {
        tinySet();
        change.apply(dir);
        IOException e = assertThrows(IOException.class, () -> {
            TranscribedSpeech data = TranscribedSpeech.open(dir, TranscribedSpeech.Options.defaults());
            for (Split s : Split.values()) {
                data.load(s);
            }
        });
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    interface IoChange {
        void apply(Path dir) throws IOException;
    }

    @Test
    void errorsNameTheFileAndLine() throws IOException {
        assertOpenFails("train/transcripts.tsv:3: character '2' (U+0032) at column 1 of \"2\" is not a letter",
                d -> Files.writeString(d.resolve("train/transcripts.tsv"), "a.wav\tone\n\nb.wav\t2\n"));
        assertOpenFails("validation/transcripts.tsv:1: character 'x' (U+0078) at column 5 of \"one x\" is not in"
                + " the alphabet", d -> Files.writeString(d.resolve("validation/transcripts.tsv"), "v.wav\tone x\n"));
        assertOpenFails("test/transcripts.tsv:2: expected 'file.wav<TAB>words', not 't.wav two'",
                d -> Files.writeString(d.resolve("test/transcripts.tsv"), "t.wav\ttwo\nt.wav two\n"));
        assertOpenFails("test/transcripts.tsv:2: t.wav is listed twice",
                d -> Files.writeString(d.resolve("test/transcripts.tsv"), "t.wav\ttwo\nt.wav\tone\n"));
        assertOpenFails("test/transcripts.tsv:1: u.wav is not a file in",
                d -> Files.writeString(d.resolve("test/transcripts.tsv"), "u.wav\ttwo\n"));
        assertOpenFails("validation/transcripts.tsv: missing", d -> Files.delete(d.resolve("validation/transcripts.tsv")));
        assertOpenFails("v.wav: sample rate 16000 Hz, but the network runs at 8000 Hz (resample the data first, for example: sox",
                d -> wav(d.resolve("validation/v.wav"), 16000, new float[100]));
        assertOpenFails("t.wav: 2 channels, but the data must be mono",
                d -> wav(d.resolve("test/t.wav"), 8000, new float[10], new float[10]));
        IOException notAFolder = assertThrows(IOException.class,
                () -> TranscribedSpeech.open(dir.resolve("nothing"), TranscribedSpeech.Options.defaults()));
        assertTrue(notAFolder.getMessage().contains("not a folder"), notAFolder.getMessage());
    }

    @Test
    void noiseIsResampledToTheDataSetsRate() throws IOException {
        tinySet();
        BackgroundNoise noise = TranscribedSpeech.readNoise(dir.resolve("noise"), 8000);
        assertEquals(1, noise.recordings().size());
        assertEquals("hum.wav", noise.recordings().get(0).name());
        assertEquals(16000, noise.recordings().get(0).samples().length, "two seconds at 8 kHz");
        assertThrows(IOException.class, () -> TranscribedSpeech.readNoise(dir.resolve("train/a.wav"), 8000));
        assertThrows(IOException.class, () -> TranscribedSpeech.readNoise(dir.resolve("validation/none"), 8000));
    }

    @Test
    void evaluationBatchesArePaddedInOrderWithTheirLengths() throws IOException {
        List<Utterance> train = TranscribedSpeech.open(tinySet(), TranscribedSpeech.Options.defaults()).load(Split.TRAIN);
        UtteranceBatches batches = UtteranceBatches.evaluation(train, 2);
        assertEquals(2, batches.batchCount());
        UtteranceBatch first = batches.next();
        assertEquals(1200, first.length(), "padded to its longest item");
        assertArrayEquals(new int[] {1200, 800}, first.lengths());
        assertEquals(List.of("one two", "oh"), first.texts());
        assertEquals(List.of("train/a.wav", "train/b.wav"), first.sources());
        assertArrayEquals(train.get(1).labels(), first.labels()[1]);
        for (int t = 0; t < 1200; t++) {
            assertEquals(t < 800 ? train.get(1).samples()[t] : 0f, first.inputs()[1200 + t], "sample " + t);
        }
        assertArrayEquals(new int[] {12, 8}, first.frameLengths(100));
        assertArrayEquals(new int[] {9, 6}, first.frameLengths(128), "an incomplete last frame is dropped");
        UtteranceBatch second = batches.next();
        assertEquals(1, second.size());
        assertEquals(400, second.length(), "each batch its own padding");
        assertFalse(batches.hasNext());
    }

    @Test
    void trainingBatchesAreAPureFunctionOfSeedEpochAndIndex() throws IOException {
        TranscribedSpeech data = TranscribedSpeech.open(tinySet(), TranscribedSpeech.Options.defaults());
        List<Utterance> train = data.load(Split.TRAIN);
        BackgroundNoise noise = TranscribedSpeech.readNoise(dir.resolve("noise"), 8000);
        UtteranceAugmentation augmentation = new UtteranceAugmentation(0.9, 1.1, -6, 6, 1, 0, 20);
        UtteranceBatches a = UtteranceBatches.training(train, 2, 42, 3, augmentation, noise);
        UtteranceBatches b = UtteranceBatches.training(train, 2, 42, 3, augmentation, noise);
        UtteranceBatch a1 = a.batch(1);
        UtteranceBatch a0 = a.batch(0);
        assertBatchEquals(a0, b.next(), "made in another order");
        assertBatchEquals(a1, b.next(), "made in another order");
        Set<String> sources = new HashSet<>(a0.sources());
        sources.addAll(a1.sources());
        assertEquals(3, sources.size(), "every utterance once");
        for (int i = 0; i < a0.size(); i++) {
            Utterance u = bySource(train, a0.sources().get(i));
            assertArrayEquals(u.labels(), a0.labels()[i], "labels are not augmented");
            int n = u.samples().length;
            int length = a0.lengths()[i];
            assertTrue(length >= Math.round(n / 1.1) && length <= Math.round(n / 0.9), n + " -> " + length);
        }
        List<List<String>> orders = new ArrayList<>();
        for (int epoch = 0; epoch < 8; epoch++) {
            UtteranceBatches e = UtteranceBatches.training(train, 1, 42, epoch, augmentation, noise);
            orders.add(e.batch(0).sources());
        }
        assertTrue(new HashSet<>(orders).size() > 1, "epochs shuffle differently: " + orders);
        assertThrows(IllegalArgumentException.class,
                () -> UtteranceBatches.training(train, 2, 42, 0, augmentation, BackgroundNoise.of(List.of())));
        assertThrows(IllegalArgumentException.class, () -> UtteranceBatches.evaluation(train, 0));
        // without augmentation, training batches hold the utterances as they are
        UtteranceBatch plain = UtteranceBatches.training(train, 3, 42, 0, UtteranceAugmentation.NONE,
                BackgroundNoise.of(List.of())).batch(0);
        for (int i = 0; i < 3; i++) {
            Utterance u = bySource(train, plain.sources().get(i));
            assertEquals(u.samples().length, plain.lengths()[i]);
        }
    }

    /**
     * Training batches hold utterances of similar lengths, so padding costs little, yet every
     * utterance comes once an epoch, batches change from epoch to epoch, and a smaller last batch
     * comes last.
     */
    @Test
    void trainingBatchesGroupSimilarLengths() {
        SplittableRandom rnd = new SplittableRandom(5);
        List<Utterance> items = new ArrayList<>();
        long samples = 0;
        for (int i = 0; i < 203; i++) {
            int n = 500 + rnd.nextInt(4000);
            samples += n;
            items.add(new Utterance("u" + i, "oh", new int[] {1}, new float[n]));
        }
        List<Set<String>> firstBatches = new ArrayList<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            UtteranceBatches batches = UtteranceBatches.training(items, 8, 1, epoch, UtteranceAugmentation.NONE,
                    BackgroundNoise.of(List.of()));
            Set<String> seen = new HashSet<>();
            long padded = 0;
            for (int b = 0; b < batches.batchCount(); b++) {
                UtteranceBatch batch = batches.batch(b);
                assertEquals(b < 25 ? 8 : 3, batch.size(), "batch " + b);
                padded += (long) batch.size() * batch.length();
                seen.addAll(batch.sources());
            }
            assertEquals(203, seen.size(), "every utterance once");
            // random batches of 8 pad to about 8/9 of the longest length: ~1.6 times the samples;
            // sorted runs of 64 leave ~60 samples between neighbours, ~9% of padding in all
            assertTrue(padded < 1.15 * samples, padded + " padded samples for " + samples);
            firstBatches.add(new HashSet<>(batches.batch(0).sources()));
        }
        assertEquals(3, new HashSet<>(firstBatches).size(), "each epoch its own batches: " + firstBatches);
    }

    private static Utterance bySource(List<Utterance> items, String source) {
        return items.stream().filter(u -> u.source().equals(source)).findFirst().orElseThrow();
    }

    private static void assertBatchEquals(UtteranceBatch expected, UtteranceBatch actual, String why) {
        assertEquals(expected.sources(), actual.sources(), why);
        assertArrayEquals(expected.lengths(), actual.lengths(), why);
        assertArrayEquals(expected.inputs(), actual.inputs(), why);
    }

    @Test
    void augmentationMixesNoiseAtTheDrawnRatioAndScalesByTheDrawnGain() {
        SplittableRandom rnd = new SplittableRandom(9);
        float[] clean = new float[4000];
        for (int t = 0; t < clean.length; t++) {
            clean[t] = (float) (0.1 * Math.sin(t * 0.05));
        }
        BackgroundNoise noise = BackgroundNoise.of(List.of(new BackgroundNoise.Recording("n", signal(rnd, 20000))));
        float[] noisy = new UtteranceAugmentation(1, 1, 0, 0, 1, 10, 10).apply(clean, noise, new SplittableRandom(1));
        float[] difference = new float[clean.length];
        for (int t = 0; t < clean.length; t++) {
            difference[t] = noisy[t] - clean[t];
        }
        double snr = 10 * Math.log10(UtteranceAugmentation.power(clean) / UtteranceAugmentation.power(difference));
        assertEquals(10, snr, 0.01);
        float[] louder = new UtteranceAugmentation(1, 1, 6, 6, 0, 0, 0).apply(clean, noise, new SplittableRandom(1));
        for (int t = 0; t < clean.length; t++) {
            assertEquals(clean[t] * Math.pow(10, 6 / 20.0), louder[t], 1e-6);
        }
        float[] clipped = new UtteranceAugmentation(1, 1, 40, 40, 0, 0, 0).apply(clean, noise, new SplittableRandom(1));
        for (float v : clipped) {
            assertTrue(v >= -1 && v <= 1);
        }
        assertThrows(IllegalArgumentException.class, () -> new UtteranceAugmentation(0, 1, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new UtteranceAugmentation(1.1, 0.9, 0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new UtteranceAugmentation(1, 1, 0, 0, 1.5, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new UtteranceAugmentation(1, 1, 0, 0, 0.5, 20, 10));
    }

    /**
     * Speed alone draws its factor and then the gain, as it did before the keyword spotter's
     * perturbation (with its pitch shift) took its place, so a recognizer trained without voice
     * changes repeats to the bit.
     */
    @Test
    void speedAloneDrawsItsFactorThenTheGain() {
        float[] clean = signal(new SplittableRandom(3), 4000);
        SplittableRandom draws = new SplittableRandom(5);
        double speed = 0.9 + draws.nextDouble() * 0.2;
        float gain = (float) Math.pow(10, (-6 + draws.nextDouble() * 12) / 20);
        float[] expected = Resampler.changeSpeed(clean, speed);
        for (int t = 0; t < expected.length; t++) {
            expected[t] = Math.max(-1f, Math.min(1f, expected[t] * gain));
        }
        float[] changed = new UtteranceAugmentation(0.9, 1.1, -6, 6, 0, 0, 0)
                .apply(clean, BackgroundNoise.of(List.of()), new SplittableRandom(5));
        assertArrayEquals(expected, changed);
        assertThrows(IllegalArgumentException.class, () -> UtteranceAugmentation.NONE.withVoiceChanges(0),
                "a pitch shift needs the rate");
    }

    @Test
    void theSharedAsrSynthSetOpens() throws IOException {
        Path asr = SharedData.dir().resolve("data/asr-synth");
        TranscribedSpeech data = TranscribedSpeech.open(asr, TranscribedSpeech.Options.defaults());
        assertEquals(1152, data.files(Split.TRAIN).size());
        assertEquals(192, data.files(Split.VALIDATION).size());
        assertEquals(256, data.files(Split.TEST).size());
        assertEquals(" efghinorstuvwxz", data.alphabet().symbols(), "the letters of zero..nine and oh");
        List<Utterance> validation = data.load(Split.VALIDATION);
        for (Utterance u : validation) {
            assertTrue(u.samples().length > 4000, u.toString());
            assertTrue(u.labels().length > 0, u.toString());
        }
        BackgroundNoise noise = TranscribedSpeech.readNoise(SharedData.dir().resolve("data/se-synth/noise/train"), 8000);
        assertEquals(5, noise.recordings().size());
        UtteranceBatch batch = UtteranceBatches.training(validation, 8, 1, 0, UtteranceAugmentation.defaults(), noise)
                .batch(0);
        assertEquals(8, batch.size());
    }
}
