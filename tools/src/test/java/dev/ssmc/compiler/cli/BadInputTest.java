package dev.ssmc.compiler.cli;

import static dev.ssmc.compiler.cli.CliFixture.run;
import static dev.ssmc.compiler.cli.CliFixture.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.cli.CliFixture.Run;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.SafeTensorsWriter;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command under bad input, made by the tests: files that are missing, directories, torn or
 * corrupt, weights that are not finite, metadata that does not match, networks and batches too
 * large for memory, limits of the language. Each is one error line that names the file or option
 * and says what is wrong, with status 1; none is an internal error. And what already held up
 * stays so: corrupt safetensors files, odd but valid WAVs, other sample rates, golden carrying on
 * past a corrupt file, long audio.
 */
class BadInputTest {
    @TempDir
    static Path tmp;

    static CliFixture f;

    @BeforeAll
    static void fixture() throws IOException {
        f = CliFixture.make(tmp.resolve("fixture"));
    }

    private static Path file(String name, String text) throws IOException {
        Path p = Files.createTempDirectory(tmp, "case").resolve(name);
        Files.writeString(p, text);
        return p;
    }

    // ---- files that are not there, or not files ----

    @Test
    void compileIntoAFileNamesTheFile() throws IOException {
        Path out = file("out", "I am a file");
        run("compile", s(f.classifier), "-o", s(out)).assertUserError("-o " + out + ": not a directory (a file has that name)");
    }

    @Test
    void initIntoADirectoryThatIsNotThereNamesIt() {
        Path out = tmp.resolve("missing/dir/ck.safetensors");
        run("init", s(f.classifier), "-o", s(out))
                .assertUserError("the directory " + tmp.resolve("missing/dir").toAbsolutePath() + " does not exist");
        assertFalse(Files.exists(tmp.resolve("missing")));
    }

    @Test
    void runWithADirectoryAsOutputNamesIt() {
        run("run", s(f.denoiser), "--checkpoint", s(f.denoiserCheckpoint), "--input", s(f.wav), "--output", s(tmp))
                .assertUserError("--output " + tmp + ": is a directory");
    }

    @Test
    void aMissingOrDirectoryCheckpointOrInputSaysWhichAndWhy() {
        Path missing = tmp.resolve("missing.st");
        run("run", s(f.classifier), "--checkpoint", s(missing), "--input", s(f.wav))
                .assertUserError("--checkpoint " + missing + ": no such file");
        run("run", s(f.classifier), "--checkpoint", s(f.checkpoint), "--input", s(tmp.resolve("missing.wav")))
                .assertUserError("--input " + tmp.resolve("missing.wav") + ": no such file");
        run("run", s(f.classifier), "--checkpoint", s(tmp), "--input", s(f.wav))
                .assertUserError("--checkpoint " + tmp + ": is a directory, not a file");
        run("run", s(f.classifier), "--checkpoint", s(f.checkpoint), "--input", s(tmp))
                .assertUserError("--input " + tmp + ": is a directory, not a file");
        run("eval", s(f.classifier), "--checkpoint", s(tmp), "--data", s(f.data))
                .assertUserError("--checkpoint " + tmp + ": is a directory, not a file");
        run("eval", s(f.classifier), "--checkpoint", s(f.checkpoint), "--data", s(missing))
                .assertUserError(missing + ": not a folder");
        run("import", "--config", s(missing)).assertUserError("--config " + missing + ": no such file");
        run("explain", s(f.classifier), "--profile", s(missing)).assertUserError(missing + ": no such profile");
        run("compile", s(f.classifier), "-o", s(tmp.resolve("gen")), "--profile", s(tmp))
                .assertUserError("--profile " + tmp + ": is a directory, not a file");
        run("bench", "plans", "--replay", s(missing)).assertUserError("--replay " + missing + ": no such file");
        run("bench", "plans", "--record", s(tmp)).assertUserError("--record " + tmp + ": is a directory");
        run("calibrate", "-o", s(tmp)).assertUserError("-o " + tmp + ": is a directory");
    }

    @Test
    void sourcesThatCannotBeReadAreDiagnostics() throws IOException {
        Path latin1 = tmp.resolve("latin1.ssm");
        Files.write(latin1, "// caf\u00e9\nnetwork N { input a: 1 channel\n s5(states 2) }\n".getBytes("ISO-8859-1"));
        run("check", s(latin1)).assertUserError(latin1 + ": error: the file is not UTF-8 text");
        run("fmt", s(latin1)).assertUserError(latin1 + ": error: the file is not UTF-8 text");
        run("compile", s(latin1), "-o", s(tmp.resolve("gen-latin1"))).assertUserError("the file is not UTF-8 text");
        run("check", s(tmp)).assertUserError(tmp + ": error: cannot read the file: is a directory");
        run("fmt", s(tmp)).assertUserError(tmp + ": error: cannot read the file: is a directory");
        run("check", s(tmp.resolve("nope.ssm"))).assertUserError("nope.ssm: error: no such file");
        run("compile", s(tmp.resolve("nope.ssm")), "-o", s(tmp.resolve("gen-nope")))
                .assertUserError(tmp.resolve("nope.ssm") + ": no such file or directory");
    }

    // ---- checkpoints ----

    private static Path changedCheckpoint(String name, String tensor, UnaryOperator<float[]> data,
                                          Map<String, String> metadata) throws IOException {
        return f.changedCheckpoint(tmp.resolve(name), tensor, data, metadata);
    }

    @Test
    void aNonFiniteWeightIsRefusedAtLoadNamingTheTensor() throws IOException {
        Path inf = changedCheckpoint("inf.safetensors", "classifier.1.0.weight", d -> {
            d[5] = Float.POSITIVE_INFINITY;
            return d;
        }, Map.of());
        String message = "tensor 'classifier.1.0.weight' holds 1 non-finite value (the first, at index 5, is +Inf)";
        Run r = run("run", s(f.classifier), "--checkpoint", s(inf), "--input", s(f.wav));
        r.assertUserError(inf + ": the checkpoint cannot be loaded");
        assertTrue(r.err().contains(message), r::toString);
        Run eval = run("eval", s(f.classifier), "--checkpoint", s(inf), "--data", s(f.data));
        eval.assertUserError(inf + ": the checkpoint cannot be loaded");
        assertTrue(eval.err().contains(message), eval::toString);
    }

    @Test
    void labelsThatDoNotMatchTheHeadAreRefused() throws IOException {
        Path two = changedCheckpoint("two-labels.safetensors", "", d -> d, Map.of("labels", "yes,no"));
        run("run", s(f.classifier), "--checkpoint", s(two), "--input", s(f.wav)).assertUserError(
                two + ": its 'labels' metadata names 2 classes, but network Tiny's head has 12 outputs");
        run("eval", s(f.classifier), "--checkpoint", s(two), "--data", s(f.data))
                .assertUserError(two + ": trained for the classes yes,no, but the data's are yes,no,up,");
        // the data's twelve classes in another order would score every class as another
        Path shuffled = changedCheckpoint("shuffled.safetensors", "", d -> d,
                Map.of("labels", "no,yes,up,down,left,right,on,off,stop,go,unknown,silence"));
        run("eval", s(f.classifier), "--checkpoint", s(shuffled), "--data", s(f.data))
                .assertUserError("the labels do not match the head");
        Path twelve = changedCheckpoint("twelve.safetensors", "", d -> d,
                Map.of("labels", "yes,no,up,down,left,right,on,off,stop,go,unknown,silence"));
        Run named = run("run", s(f.classifier), "--checkpoint", s(twelve), "--input", s(f.wav)).assertOk();
        assertTrue(named.out().lines().anyMatch(l -> l.matches("1\\. (yes|no|up|down|left|right|on|off|stop|go|unknown"
                + "|silence) +p=.*")), named::toString);
    }

    @Test
    void corruptCheckpointsAreStillOneLine() throws IOException {
        byte[] whole = Files.readAllBytes(f.checkpoint);
        Path torn = tmp.resolve("torn.safetensors");
        Files.write(torn, Arrays.copyOf(whole, whole.length / 2));
        run("run", s(f.classifier), "--checkpoint", s(torn), "--input", s(f.wav)).assertUserError(torn + ": ");
        Path empty = tmp.resolve("empty.safetensors");
        Files.write(empty, new byte[0]);
        run("eval", s(f.classifier), "--checkpoint", s(empty), "--data", s(f.data))
                .assertUserError(empty + ": the file has 0 bytes");
        run("import", "--config", s(f.classifier))
                .assertUserError(f.classifier + ": the config is not valid JSON: malformed JSON at line 1 column 10");
    }

    // ---- memory ----

    @Test
    void aNetworkTooLargeForMemoryIsRefusedBeforeAnythingIsAllocated() throws IOException {
        Path big = file("big.ssm", "network Big {\n  input audio: 1 channel @ 16 kHz\n  full(states 10000) to 10000\n}\n");
        Path out = tmp.resolve("big.safetensors");
        run("init", s(big), "-o", s(out)).assertUserError(
                "network Big (400,000,000 parameters) needs at least 8,004.0 GB of memory, but the Java heap has ");
        assertFalse(Files.exists(out));
        run("bench", "streams", s(big), "--count", "1", "--time", "0").assertUserError("needs at least 8,00");
        run("bench", "--mode", "full", "--pass", "forward", "--in", "4096", "--states", "4096", "--runs", "1",
                "--warmup", "0", "--time", "0").assertUserError("needs at least");
    }

    @Test
    void aBatchTooLargeForMemoryIsRefusedAndLeavesNoRunFolder() throws IOException {
        // 100,000 channels at 1,000 frames a second: 400 MB per clip, whatever the batch
        Path wide = file("wide.ssm", CliFixture.CLASSIFIER.replace("s5(states 2) to 4", "s5(states 2) to 100000"));
        Path runDir = tmp.resolve("wide-run");
        run("train", s(wide), "--data", s(f.data), "--epochs", "1", "--batch", "100000", "-o", s(runDir), "--no-progress")
                .assertUserError("training network Tiny (");
        assertFalse(Files.exists(runDir), "no empty run folder");
        run("eval", s(wide), "--checkpoint", s(f.checkpoint), "--data", s(f.data), "--batch", "100000")
                .assertUserError("evaluating network Tiny (");
        run("bench", s(f.classifier), "--pass", "train", "--batch", "100000", "--runs", "1", "--warmup", "0", "--time", "0")
                .assertUserError("at batch 100000 x length 16000 needs at least");
        run("bench", "streams", s(f.classifier), "--count", "2000000000", "--time", "0")
                .assertUserError("2000000000 streams of network Tiny");
    }

    @Test
    void runningOutOfMemoryPastTheEstimateIsStillOneLine() throws Exception {
        // the estimate counts node outputs, not an SSM block's states over time: 65,536 of them
        Path states = file("states.ssm", CliFixture.CLASSIFIER.replace("s5(states 2)", "s5(states 65536)"));
        ChildJvm.Result r = ChildJvm.run(ChildJvm.ssmcWithHeap("256m", "train", s(states), "--data", s(f.data), "--epochs",
                "1", "-o", s(tmp.resolve("oom-run")), "--no-progress"), tmp);
        assertEquals(1, r.status(), r::toString);
        List<String> errors = r.err().lines().filter(l -> l.contains("error")).toList();
        assertEquals(1, errors.size(), r::toString);
        assertTrue(errors.get(0).matches("ssmc train: error: ran out of memory: the Java heap has \\d+ MB; ask for less"
                + " \\(a smaller network, batch, length or count\\), or give Java more heap with SSMC_JAVA_OPTS=-Xmx<size>"),
                r::toString);
    }

    // ---- the language's limits ----

    @Test
    void theLanguagesLimitsSayWhatIsTooLarge() throws IOException {
        Path sum = file("sum.ssm", "let w = " + String.join(" + ", Collections.nCopies(100_000, "1"))
                + "\nnetwork N {\n  input a: 1 channel\n  s5(states 2)\n}\n");
        run("check", s(sum)).assertUserError("this expression has 100,000 terms; an expression has at most 500");
        Path repeat = file("repeat.ssm", "network N {\n  input a: 1 channel\n  repeat i in 1..10000 {\n    s5(states 2)\n"
                + "  }\n}\n");
        run("check", s(repeat)).assertUserError("this range has 10000 values; a repetition takes at most 4096");
        run("check", "/dev/zero").assertUserError("/dev/zero: error: the file is larger than 16,777,216 bytes");
    }

    // ---- what held up, and must stay so ----

    @Test
    void oddButValidWavsRunAndOtherRatesGetAHint() throws IOException {
        Path floats = tmp.resolve("float.wav");
        Wav.write(floats, Audio.mono(16000, CliFixture.tone(3000, 4)), WavEncoding.FLOAT32);
        run("run", s(f.classifier), "--checkpoint", s(f.checkpoint), "--input", s(floats)).assertOk();
        Path oneSample = tmp.resolve("one.wav");
        Wav.write(oneSample, Audio.mono(16000, new float[] {0.5f}), WavEncoding.PCM16);
        Run shortOne = run("run", s(f.classifier), "--checkpoint", s(f.checkpoint), "--input", s(oneSample));
        assertTrue(shortOne.status() <= 1, shortOne::toString);
        shortOne.assertNoInternalError();
        Path fast = tmp.resolve("44k.wav");
        Wav.write(fast, Audio.mono(44100, CliFixture.tone(4410, 1)), WavEncoding.PCM16);
        run("run", s(f.classifier), "--checkpoint", s(f.checkpoint), "--input", s(fast))
                .assertUserError("sampled at 44100 Hz, but network Tiny expects 16000 Hz; resample it first (e.g. sox");
        Path notWav = file("text.wav", "not a wav at all");
        run("run", s(f.classifier), "--checkpoint", s(f.checkpoint), "--input", s(notWav))
                .assertUserError(notWav + ": not a RIFF file");
    }

    @Test
    void longAudioStreamsThrough() throws IOException {
        Path longWav = tmp.resolve("long.wav");
        Wav.write(longWav, Audio.mono(16000, CliFixture.tone(60 * 16000, 3)), WavEncoding.PCM16);
        Path out = tmp.resolve("long-out.wav");
        Run r = run("run", s(f.denoiser), "--checkpoint", s(f.denoiserCheckpoint), "--input", s(longWav), "--output", s(out))
                .assertOk();
        assertTrue(r.out().contains("960000 samples (60.00 s of audio)"), r::toString);
        assertEquals(960000, Wav.read(out).frames());
    }

    @Test
    void goldenCarriesOnPastACorruptFile() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("golden"));
        Files.copy(SharedData.golden().resolve("layer_dws_small.safetensors"), dir.resolve("layer_dws_small.safetensors"));
        Files.writeString(dir.resolve("a_corrupt.safetensors"), "garbage");
        Run r = run("golden", s(dir), "--engine", "oracle");
        assertEquals(1, r.status(), r::toString);
        r.assertNoInternalError();
        assertTrue(r.out().contains("1 passed, 1 failed"), r::toString);
    }

    // ---- training ----

    @Test
    void oneShortEpochClampsTheWarmUpAndSaysSo() {
        Run r = run("train", s(f.classifier), "--data", s(f.data), "--epochs", "1", "-o", s(tmp.resolve("short")),
                "--no-progress").assertOk();
        assertTrue(r.err().contains("ssmc train: note: --warmup 100 is not shorter than the 1 step of this run;"
                + " warming up over 0 steps (a tenth of them) instead"), r::toString);
        run("train", s(f.classifier), "--data", s(f.data), "--epochs", "1", "--schedule", "onecycle", "-o",
                s(tmp.resolve("onecycle")), "--no-progress").assertUserError("--schedule onecycle needs at least 7 steps");
    }

    @Test
    void resumingNeedsATrainingCheckpointAndMoreEpochs() throws IOException {
        Path runDir = tmp.resolve("resume-checks");
        run("train", s(f.classifier), "--data", s(f.data), "--epochs", "1", "--warmup", "0", "-o", s(runDir),
                "--no-progress").assertOk();
        Path first = runDir.resolve("epoch-001.safetensors");
        run("train", s(f.classifier), "--data", s(f.data), "--epochs", "1", "--resume", s(first), "-o", s(runDir))
                .assertUserError("has trained 1 epochs already; --epochs counts those too, so give more than 1");
        run("train", s(f.classifier), "--data", s(f.data), "--epochs", "2", "--resume", s(f.checkpoint), "-o", s(runDir))
                .assertUserError(f.checkpoint + ": no 'epoch' in its metadata");
        Path optimizer = runDir.resolve("epoch-001.optimizer.safetensors");
        byte[] state = Files.readAllBytes(optimizer);
        new SafeTensorsWriter().put("adam.m.nothing", Tensor.of(new float[] {1}, 1)).write(optimizer);
        run("train", s(f.classifier), "--data", s(f.data), "--epochs", "2", "--resume", s(first), "-o", s(runDir))
                .assertUserError(optimizer + ": not the optimizer state of this network");
        Files.write(optimizer, state);
        Path file = file("run-is-a-file", "");
        run("train", s(f.classifier), "--data", s(f.data), "--epochs", "2", "-o", s(file))
                .assertUserError("-o " + file + ": not a directory");
    }

    @Test
    void resumingIntoAnotherFolderKeepsTheHistory() throws IOException {
        Path a = tmp.resolve("history-a");
        run("train", s(f.classifier), "--data", s(f.data), "--epochs", "2", "--warmup", "0", "-o", s(a), "--no-progress")
                .assertOk();
        Path b = tmp.resolve("history-b");
        run("train", s(f.classifier), "--data", s(f.data), "--epochs", "3", "--warmup", "0", "-o", s(b), "--no-progress",
                "--resume", s(a.resolve("epoch-002.safetensors"))).assertOk();
        String log = Files.readString(b.resolve("log.json"));
        for (int e = 0; e < 3; e++) {
            assertTrue(log.contains("\"epoch\": " + e), log);
        }
        // the epochs before the resumption are the first run's, as it logged them
        assertTrue(log.startsWith(Files.readString(a.resolve("log.json")).strip().replaceAll("\\s*]$", "")), log);
    }

    @Test
    void aCorruptClipInTheDataNamesIt() throws IOException {
        Path data = tmp.resolve("data-corrupt");
        copyTree(f.data, data);
        Path bad = data.resolve("yes/c0_nohash_0.wav");
        byte[] wav = Files.readAllBytes(bad);
        Files.write(bad, Arrays.copyOf(wav, 20));
        run("train", s(f.classifier), "--data", s(data), "--epochs", "1", "-o", s(tmp.resolve("corrupt-run")))
                .assertUserError(s(bad));
        assertArrayEquals(wav, Files.readAllBytes(f.data.resolve("yes/c0_nohash_0.wav")));
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
