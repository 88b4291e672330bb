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
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
                .assertUserError("ends with 7 channels (the blank and the 6 symbols");
        run("train", s(recognizer), "--data", s(speech), "--task", "translate", "-o", s(dir.resolve("x4")),
                "--epochs", "1").assertUserError("--task must be classify, enhance or recognize, not 'translate'");
    }

    private static JsonArray log(Path run) throws IOException {
        return new Gson().fromJson(Files.readString(run.resolve("log.json")), JsonArray.class);
    }
}
