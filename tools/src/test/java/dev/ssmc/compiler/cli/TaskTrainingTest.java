package dev.ssmc.compiler.cli;

import static dev.ssmc.compiler.cli.CliFixture.run;
import static dev.ssmc.compiler.cli.CliFixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.testing.SharedData;
import dev.ssmc.runtime.train.Alphabet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssmc train} on the two other tasks its data's layout selects: a denoiser on a folder of
 * clean speech and noise, a recognizer on transcribed utterances. Each runs two epochs on a few
 * clips made here, writes its checkpoints, log and curves under the task's metric, and refuses a
 * network that cannot do the task with a message saying what it must give.
 */
class TaskTrainingTest {
    @TempDir
    static Path dir;
    static Path enhancement;
    static Path speech;
    static Path denoiser;
    static Path classifier;
    static Path recognizer;

    @BeforeAll
    static void data() throws IOException {
        CliFixture f = CliFixture.make(dir.resolve("fixture"));
        denoiser = f.denoiser;
        classifier = f.classifier;
        recognizer = Files.writeString(dir.resolve("rec.ssm"), CliFixture.RECOGNIZER);
        enhancement = dir.resolve("se");
        Files.createDirectories(enhancement.resolve("clean/train"));
        Files.createDirectories(enhancement.resolve("noise/train"));
        for (int voice = 0; voice < 6; voice++) {
            for (int i = 0; i < 2; i++) {
                Wav.write(enhancement.resolve("clean/train/voice" + voice + "_" + i + ".wav"),
                        Audio.mono(16000, CliFixture.tone(12000, 10 * voice + i)), WavEncoding.PCM16);
            }
        }
        Wav.write(enhancement.resolve("noise/train/hum.wav"), Audio.mono(16000, CliFixture.tone(5 * 16000, 77)),
                WavEncoding.PCM16);
        speech = dir.resolve("asr");
        CliFixture.transcribed(speech.resolve("train"), 0, CliFixture.WORDS.length);
        CliFixture.transcribed(speech.resolve("validation"), 100, 2);
    }

    @Test
    void aDenoiserTrainsOnCleanSpeechAndNoise() throws IOException {
        Path out = dir.resolve("den-run");
        CliFixture.Run r = run("train", s(denoiser), "--data", s(enhancement), "-o", s(out), "--epochs", "2",
                "--batch", "2", "--no-progress").assertOk();
        assertTrue(r.out().contains("to enhance on"), r::toString);
        assertTrue(r.out().contains("validation si_snri_db"), r::toString);
        JsonArray log = log(out);
        assertEquals(2, log.size());
        for (var e : log) {
            JsonObject epoch = e.getAsJsonObject();
            assertTrue(Double.isFinite(epoch.get("trainLoss").getAsDouble()), log::toString);
            assertTrue(Double.isFinite(epoch.get("validationMetric").getAsDouble()), log::toString);
        }
        assertTrue(Files.size(out.resolve("curves.png")) > 0);
        assertTrue(Files.exists(out.resolve("best.safetensors")));
    }

    @Test
    void aRecognizerTrainsOnTranscribedSpeechAndKeepsItsAlphabet() throws IOException {
        Path out = dir.resolve("rec-run");
        CliFixture.Run r = run("train", s(recognizer), "--data", s(speech), "-o", s(out), "--epochs", "2",
                "--batch", "2", "--no-progress").assertOk();
        assertTrue(r.out().contains("to recognize on"), r::toString);
        assertTrue(r.out().contains("alphabet ' enotw'"), r::toString);
        // no training error rate: decoding every batch would cost more than the step
        assertFalse(r.out().contains("train wer"), r::toString);
        JsonArray log = log(out);
        assertEquals(2, log.size());
        JsonObject last = log.get(1).getAsJsonObject();
        double wer = last.get("validationMetric").getAsDouble();
        assertTrue(wer >= 0 && Double.isFinite(wer), log::toString);
        assertTrue(Double.isFinite(last.get("trainLoss").getAsDouble()), log::toString);
        assertEquals(" enotw", SafeTensors.read(out.resolve("best.safetensors")).metadata().get("alphabet"));
        assertTrue(Files.size(out.resolve("curves.png")) > 0);
        // resuming continues the log, with the training metric still absent rather than zero
        run("train", s(recognizer), "--data", s(speech), "-o", s(out), "--epochs", "3", "--batch", "2",
                "--no-progress", "--resume", s(out.resolve("epoch-002.safetensors"))).assertOk();
        assertEquals(3, log(out).size());
        assertTrue(log(out).get(0).getAsJsonObject().get("trainMetric").isJsonPrimitive());
    }

    /**
     * A recognizer whose symbol scores come from a frame head ({@code head frames -> ... -> linear
     * K}) trains for an epoch on a handful of asr-synth's utterances (linked, not copied), keeps the
     * head's tensors, and eval and run take it as they take a recognizer whose body gives the scores.
     */
    @Test
    void aRecognizerWithAFrameHeadTrainsOnAsrSynthAndIsEvaluatedAndRun() throws IOException {
        Path asr = SharedData.dir().resolve("data/asr-synth");
        Path data = dir.resolve("asr-synth-few");
        // short utterances (one or two digits), so the epoch takes a second or two
        List<String> train = linkShortest(asr.resolve("train"), data.resolve("train"), 6, line -> true);
        Alphabet alphabet = Alphabet.of(train.stream().map(l -> l.split("\t")[1]).toList());
        linkShortest(asr.resolve("validation"), data.resolve("validation"), 2, line -> alphabet.symbols().chars()
                .boxed().collect(Collectors.toSet()).containsAll(line.split("\t")[1].chars().boxed().toList()));
        int classes = alphabet.classes();
        Path ssm = Files.writeString(dir.resolve("frames.ssm"), """
                network Digits {
                  input audio: 1 channel @ 8 kHz
                  norm layer-feature
                  act gelu
                  downsample reshape 80 -> s5(states 2) to 8
                  head frames -> linear 8 -> relu -> linear %d
                }
                """.formatted(classes));
        Path out = dir.resolve("frames-run");
        CliFixture.Run r = run("train", s(ssm), "--data", s(data), "-o", s(out), "--epochs", "1", "--batch", "2",
                "--no-progress").assertOk();
        assertTrue(r.out().contains(": 6 training and 2 validation utterances, alphabet '"
                + alphabet.symbols() + "'"), r::toString);
        JsonArray log = log(out);
        assertEquals(1, log.size());
        JsonObject epoch = log.get(0).getAsJsonObject();
        assertTrue(Double.isFinite(epoch.get("trainLoss").getAsDouble()), log::toString);
        double wer = epoch.get("validationMetric").getAsDouble();
        assertTrue(wer >= 0 && Double.isFinite(wer), log::toString);
        Path best = out.resolve("best.safetensors");
        SafeTensorsFile checkpoint = SafeTensors.read(best);
        assertEquals(alphabet.symbols(), checkpoint.metadata().get("alphabet"));
        assertEquals(List.of(classes, 8, 1), Arrays.stream(checkpoint.f32("head.2.weight").shape()).boxed().toList());

        CliFixture.Run eval = run("eval", s(ssm), "--checkpoint", s(best), "--data", s(data), "--split", "validation")
                .assertOk();
        assertTrue(eval.out().strip().matches("(?s).*wer=\\d+\\.\\d\\d cer=\\d+\\.\\d\\d over 2 items"), eval::toString);
        Path utterance = Files.list(data.resolve("validation")).filter(f -> f.toString().endsWith(".wav")).sorted()
                .findFirst().orElseThrow();
        CliFixture.Run stream = run("run", s(ssm), "--checkpoint", s(best), "--input", s(utterance)).assertOk();
        assertTrue(stream.out().lines().anyMatch(l -> l.startsWith("transcript:")), stream::toString);
    }

    /**
     * Links the {@code count} shortest utterances of split folder {@code from} whose transcript line
     * passes {@code keep} into {@code to}, with their transcripts; returns those lines.
     */
    private static List<String> linkShortest(Path from, Path to, int count, Predicate<String> keep) throws IOException {
        Files.createDirectories(to);
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(from.resolve("transcripts.tsv"))) {
            if (!line.isBlank() && keep.test(line)) {
                lines.add(line);
            }
        }
        lines.sort(Comparator.comparingLong(line -> sizeOf(from.resolve(line.split("\t")[0]))));
        List<String> chosen = lines.subList(0, count);
        for (String line : chosen) {
            String file = line.split("\t")[0];
            Files.createSymbolicLink(to.resolve(file), from.resolve(file).toAbsolutePath());
        }
        Files.write(to.resolve("transcripts.tsv"), chosen);
        return chosen;
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void networksThatCannotDoTheTaskAreRefused() throws IOException {
        run("train", s(classifier), "--data", s(enhancement), "-o", s(dir.resolve("x1")), "--epochs", "1")
                .assertUserError("does not give audio");
        run("train", s(recognizer), "--data", s(enhancement), "-o", s(dir.resolve("x0")), "--epochs", "1")
                .assertUserError("sample rate 16000 Hz, but the network runs at 8000 Hz");
        run("train", s(denoiser), "--data", s(speech), "-o", s(dir.resolve("x2")), "--epochs", "1")
                .assertUserError("sample rate 8000 Hz, but the network runs at 16000 Hz");
        Path wide = Files.writeString(dir.resolve("wide.ssm"), CliFixture.RECOGNIZER.replace("conv 1 to 7", "conv 1 to 9"));
        run("train", s(wide), "--data", s(speech), "-o", s(dir.resolve("x3")), "--epochs", "1")
                .assertUserError("ends with 7 channels (the blank and the 6 symbols of ' enotw'), at a rate of 1/N;"
                        + " it gives 9 channel(s) at rate 1/80: end its body with 7 channels, or add `head frames ->"
                        + " linear 7`");
        Path wideHead = Files.writeString(dir.resolve("wide-head.ssm"), CliFixture.RECOGNIZER.replace("downsample conv 1"
                + " to 7", "head frames -> linear 5"));
        run("train", s(wideHead), "--data", s(speech), "-o", s(dir.resolve("x5")), "--epochs", "1")
                .assertUserError("it gives 5 channel(s) at rate 1/80: end its head with `linear 7`");
        Path pooled = Files.writeString(dir.resolve("pooled.ssm"), CliFixture.RECOGNIZER.replace("downsample conv 1"
                + " to 7", "head mean -> linear 7"));
        run("train", s(pooled), "--data", s(speech), "-o", s(dir.resolve("x6")), "--epochs", "1")
                .assertUserError("network Rec classifies (its `head mean` gives one output per input), but a recognizer"
                        + " gives one output per symbol and frame: write `head frames -> linear 7` instead");
        run("train", s(recognizer), "--data", s(speech), "--task", "translate", "-o", s(dir.resolve("x4")),
                "--epochs", "1").assertUserError("--task must be classify, enhance or recognize, not 'translate'");
    }

    private static JsonArray log(Path run) throws IOException {
        return new Gson().fromJson(Files.readString(run.resolve("log.json")), JsonArray.class);
    }
}
