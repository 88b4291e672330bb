package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.train.SpeechCommands.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpeechCommandsTest {
    private static final List<String> TWELVE =
            List.of("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go", "unknown", "silence");

    @Test
    void twelveClassLabels() {
        SpeechCommands data = KwsSynth.data();
        assertEquals(TWELVE, data.labels());
        assertEquals(0, data.labelOf("yes"));
        assertEquals(9, data.labelOf("go"));
        assertEquals(10, data.labelOf("marvin"));
        assertEquals(11, data.silenceLabel());
        assertEquals(30, data.words().size());
        assertEquals(4, data.noise().recordings().size());
    }

    @Test
    void splitsFollowTheListsAndAreDisjointByVoice() throws IOException {
        SpeechCommands data = KwsSynth.data();
        Set<String> validation = new HashSet<>(Files.readAllLines(KwsSynth.dir().resolve("validation_list.txt")));
        Set<String> test = new HashSet<>(Files.readAllLines(KwsSynth.dir().resolve("testing_list.txt")));
        validation.remove("");
        test.remove("");
        assertEquals(validation, new HashSet<>(data.files(Split.VALIDATION)));
        assertEquals(test, new HashSet<>(data.files(Split.TEST)));
        assertEquals(1560, data.files(Split.TRAIN).size());
        Map<Split, Set<String>> voices = new HashMap<>();
        for (Split s : Split.values()) {
            Set<String> v = new HashSet<>();
            for (String path : data.files(s)) {
                assertFalse(s == Split.TRAIN && (validation.contains(path) || test.contains(path)), path);
                v.add(path.substring(path.indexOf('/') + 1, path.indexOf("_nohash")));
            }
            voices.put(s, v);
        }
        assertEquals(120, voices.get(Split.TRAIN).size());
        assertEquals(20, voices.get(Split.VALIDATION).size());
        assertEquals(20, voices.get(Split.TEST).size());
        for (Split a : Split.values()) {
            for (Split b : Split.values()) {
                if (a != b) {
                    Set<String> both = new HashSet<>(voices.get(a));
                    both.retainAll(voices.get(b));
                    assertTrue(both.isEmpty(), a + " and " + b + " share voices " + both);
                }
            }
        }
    }

    @Test
    void countsPerSplitAndLabel() {
        // 160 voices say every keyword once; 120 of them are in training, 20 each in the others
        int[] train = KwsSynth.load(Split.TRAIN).evaluationLabelCounts();
        int[] validation = KwsSynth.load(Split.VALIDATION).evaluationLabelCounts();
        int[] test = KwsSynth.load(Split.TEST).evaluationLabelCounts();
        for (int k = 0; k < 10; k++) {
            assertEquals(120, train[k], TWELVE.get(k));
            assertEquals(20, validation[k], TWELVE.get(k));
            assertEquals(20, test[k], TWELVE.get(k));
        }
        assertEquals(360, train[10]);
        assertEquals(60, validation[10]);
        assertEquals(60, test[10]);
        assertEquals(24, train[11]);
        assertEquals(24, validation[11]);
        assertEquals(24, test[11]);
        assertEquals(1560, KwsSynth.load(Split.TRAIN).clips().size());
        assertEquals(260 + 24, KwsSynth.load(Split.VALIDATION).evaluationItems().size());
        // 10% of each training epoch: 1560 * 0.1 / 0.9 = 173.3
        assertEquals(173, KwsSynth.load(Split.TRAIN).trainingSilenceCount());
    }

    @Test
    void clipsArePaddedToOneSecondWithZerosAtTheEnd() throws IOException {
        ClipSet validation = KwsSynth.load(Split.VALIDATION);
        for (Clip clip : validation.evaluationItems()) {
            assertEquals(16000, clip.samples().length, clip.source());
        }
        Clip first = validation.clips().get(0);
        float[] file = Wav.read(KwsSynth.dir().resolve(first.source())).channels()[0];
        assertTrue(file.length < 16000);
        for (int t = 0; t < 16000; t++) {
            assertEquals(t < file.length ? file[t] : 0f, first.samples()[t], first.source() + " sample " + t);
        }
        assertEquals(KwsSynth.data().labelOf(first.source().substring(0, first.source().indexOf('/'))), first.label());
    }

    @Test
    void allWordsModeGivesEveryWordItsClass() throws IOException {
        SpeechCommands data = SpeechCommands.open(KwsSynth.dir(),
                SpeechCommands.Options.defaults().withLabelMode(SpeechCommands.LabelMode.ALL_WORDS));
        assertEquals(31, data.labels().size());
        assertEquals(data.words(), data.labels().subList(0, 30));
        assertEquals("silence", data.labels().get(30));
        assertEquals(0, data.labelOf("bed"));
        assertEquals(data.words().indexOf("yes"), data.labelOf("yes"));
        SpeechCommands quiet = SpeechCommands.open(KwsSynth.dir(),
                SpeechCommands.Options.defaults().withLabelMode(SpeechCommands.LabelMode.ALL_WORDS).withSilence(false));
        assertEquals(30, quiet.labels().size());
        assertEquals(-1, quiet.silenceLabel());
    }

    @Test
    void fixedSilenceIsReproducibleForASeed() throws IOException {
        List<Clip> a = KwsSynth.load(Split.VALIDATION).fixedSilence();
        SpeechCommands again = SpeechCommands.open(KwsSynth.dir());
        List<Clip> b = again.load(Split.VALIDATION).fixedSilence();
        assertEquals(24, a.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).source(), b.get(i).source());
            assertArrayEquals(a.get(i).samples(), b.get(i).samples());
            assertEquals(11, a.get(i).label());
        }
        assertTrue(energy(a.get(0).samples()) > 0, "silence items are noise, not zeros");
        // another seed, or another split, cuts other segments
        SpeechCommands otherSeed = SpeechCommands.open(KwsSynth.dir(),
                SpeechCommands.Options.defaults().withEvaluationSilence(24, 12345));
        assertNotEquals(sources(a), sources(otherSeed.load(Split.VALIDATION).fixedSilence()));
        assertNotEquals(sources(a), sources(KwsSynth.load(Split.TEST).fixedSilence()));
    }

    @Test
    void noiseRegionsOfTheSplitsAreDisjoint() {
        BackgroundNoise noise = KwsSynth.data().noise();
        for (int i = 0; i < noise.recordings().size(); i++) {
            int n = noise.recordings().get(i).samples().length;
            assertEquals(0, noise.regionStart(Split.TRAIN, i));
            assertEquals(noise.regionEnd(Split.TRAIN, i), noise.regionStart(Split.VALIDATION, i));
            assertEquals(noise.regionEnd(Split.VALIDATION, i), noise.regionStart(Split.TEST, i));
            assertEquals(n, noise.regionEnd(Split.TEST, i));
            assertTrue(noise.regionEnd(Split.TEST, i) - noise.regionStart(Split.TEST, i) >= 16000,
                    "every recording has a second of noise for each split");
        }
        for (Clip c : KwsSynth.load(Split.TEST).fixedSilence()) {
            String where = c.source().substring(c.source().indexOf('@') + 1, c.source().indexOf('*'));
            String name = c.source().substring("silence:".length(), c.source().indexOf('@'));
            int index = noise.recordings().stream().map(BackgroundNoise.Recording::name).toList().indexOf(name);
            int offset = Integer.parseInt(where);
            assertTrue(offset >= noise.regionStart(Split.TEST, index)
                    && offset + 16000 <= noise.regionEnd(Split.TEST, index), c.source());
        }
    }

    @Test
    void longClipsAreCroppedAroundTheCenter(@TempDir Path dir) throws IOException {
        float[] samples = new float[20];
        for (int t = 0; t < samples.length; t++) {
            samples[t] = t / 32f;
        }
        makeSet(dir, Map.of("yes/a.wav", samples, "no/b.wav", new float[3]), 16000);
        SpeechCommands data = SpeechCommands.open(dir, SpeechCommands.Options.defaults().withClipLength(10)
                .withSilence(false));
        Clip yes = data.load(Split.TRAIN).clips().get(1);
        assertEquals("yes/a.wav", yes.source());
        for (int t = 0; t < 10; t++) {
            assertEquals(samples[t + 5], yes.samples()[t]);
        }
        assertArrayEquals(new float[10], data.load(Split.TRAIN).clips().get(0).samples());
    }

    @Test
    void wrongSampleRateIsAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        makeSet(dir, Map.of("yes/a.wav", new float[100]), 8000);
        SpeechCommands data = SpeechCommands.open(dir, SpeechCommands.Options.defaults().withSilence(false));
        IOException e = assertThrows(IOException.class, () -> data.load(Split.TRAIN));
        assertTrue(e.getMessage().contains("a.wav") && e.getMessage().contains("8000 Hz"), e.getMessage());
    }

    @Test
    void unreadableWavIsAnErrorNamingTheFile(@TempDir Path dir) throws IOException {
        makeSet(dir, Map.of("yes/a.wav", new float[100]), 16000);
        Files.writeString(dir.resolve("yes/broken.wav"), "not a wav file at all");
        SpeechCommands data = SpeechCommands.open(dir, SpeechCommands.Options.defaults().withSilence(false));
        IOException e = assertThrows(IOException.class, () -> data.load(Split.TRAIN));
        assertTrue(e.getMessage().contains("broken.wav"), e.getMessage());
    }

    @Test
    void listsMustNameExistingFilesAndSilenceNeedsNoise(@TempDir Path dir) throws IOException {
        makeSet(dir, Map.of("yes/a.wav", new float[100]), 16000);
        IOException noNoise = assertThrows(IOException.class, () -> SpeechCommands.open(dir));
        assertTrue(noNoise.getMessage().contains("_background_noise_"), noNoise.getMessage());
        Files.writeString(dir.resolve("validation_list.txt"), "yes/missing.wav\n");
        IOException missing = assertThrows(IOException.class,
                () -> SpeechCommands.open(dir, SpeechCommands.Options.defaults().withSilence(false)));
        assertTrue(missing.getMessage().contains("yes/missing.wav"), missing.getMessage());
        Files.delete(dir.resolve("testing_list.txt"));
        IOException noList = assertThrows(IOException.class,
                () -> SpeechCommands.open(dir, SpeechCommands.Options.defaults().withSilence(false)));
        assertTrue(noList.getMessage().contains("testing_list.txt"), noList.getMessage());
    }

    /** A data set of the given files (paths relative to {@code dir}) with empty lists. */
    static void makeSet(Path dir, Map<String, float[]> files, int sampleRate) throws IOException {
        for (Map.Entry<String, float[]> f : files.entrySet()) {
            Path file = dir.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Wav.write(file, Audio.mono(sampleRate, f.getValue()), WavEncoding.PCM16);
        }
        Files.writeString(dir.resolve("validation_list.txt"), "");
        Files.writeString(dir.resolve("testing_list.txt"), "");
    }

    private static double energy(float[] x) {
        double e = 0;
        for (float v : x) {
            e += v * v;
        }
        return e;
    }

    private static List<String> sources(List<Clip> clips) {
        List<String> s = new ArrayList<>();
        for (Clip c : clips) {
            s.add(c.source());
        }
        return s;
    }
}
