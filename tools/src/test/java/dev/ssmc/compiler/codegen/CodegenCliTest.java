package dev.ssmc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.cli.Main;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compile, init and run commands: what they write and print, and their user errors. */
class CodegenCliTest {
    private static final String NET = """
            network Tiny {
              input audio: 1 channel @ 8 kHz
              norm batch
              act relu
              stage s5(states 2, blocks 2) to 4 -> downsample conv 2 to 4
              head mean -> linear 3
            }
            plan streaming { chunk 4 }
            """;

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void compileWritesOneClassPerNetworkAndSkipsWhatDidNotChange() throws Exception {
        Path src = tmp.resolve("tiny.ssm");
        Files.writeString(src, NET);
        Run r = run("compile", src.toString(), "-o", tmp.resolve("gen").toString(), "--package", "my.app");
        assertEquals(0, r.status(), r.err());
        Path java = tmp.resolve("gen/my/app/TinyNetwork.java");
        assertTrue(Files.readString(java).contains("public final class TinyNetwork"), r.out());
        assertTrue(r.out().contains("wrote "), r.out());
        Run again = run("compile", src.toString(), "-o", tmp.resolve("gen").toString(), "--package", "my.app");
        assertTrue(again.out().contains("up to date"), again.out());
        // the same input gives the same bytes
        String first = Files.readString(java);
        run("compile", src.toString(), "-o", tmp.resolve("gen").toString(), "--package", "my.app", "--force");
        assertEquals(first, Files.readString(java));
    }

    @Test
    void compileReportsFrontEndErrorsWithPositions() throws Exception {
        Path src = tmp.resolve("bad.ssm");
        Files.writeString(src, NET.replace("s5(", "s6("));
        Run r = run("compile", src.toString(), "-o", tmp.resolve("gen").toString());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("bad.ssm:5:9: error: unknown"), r.err());
        assertFalse(Files.exists(tmp.resolve("gen/ssmc/generated/TinyNetwork.java")));
        assertEquals(1, run("compile", tmp.resolve("nowhere.ssm").toString(), "-o", tmp.toString()).status());
        assertEquals(1, run("compile", src.toString(), "-o", tmp.toString(), "--package", "1bad").status());
    }

    @Test
    void initThenRunPrintsTopClassesAndRejectsAudioThatDoesNotFit() throws Exception {
        Path src = tmp.resolve("tiny.ssm");
        Files.writeString(src, NET);
        Path ckpt = tmp.resolve("tiny.safetensors");
        Run init = run("init", src.toString(), "--seed", "3", "-o", ckpt.toString());
        assertEquals(0, init.status(), init.err());
        float[] samples = new float[500];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = (float) Math.sin(i * 0.1);
        }
        Path wav = tmp.resolve("in.wav");
        Wav.write(wav, Audio.mono(8000, samples), WavEncoding.PCM16);
        Run r = run("run", src.toString(), "--checkpoint", ckpt.toString(), "--input", wav.toString(), "--top", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("500 samples") && r.out().contains("chunks of 4"), r.out());
        assertTrue(r.out().contains("1. class ") && r.out().contains("2. class "), r.out());

        Path fast = tmp.resolve("fast.wav");
        Wav.write(fast, Audio.mono(16000, samples), WavEncoding.PCM16);
        Run wrongRate = run("run", src.toString(), "--checkpoint", ckpt.toString(), "--input", fast.toString());
        assertEquals(1, wrongRate.status());
        assertTrue(wrongRate.err().contains("sampled at 16000 Hz, but network Tiny expects 8000 Hz"), wrongRate.err());

        Path other = tmp.resolve("other.ssm");
        Files.writeString(other, NET.replace("states 2", "states 3"));
        Run wrongCheckpoint = run("run", other.toString(), "--checkpoint", ckpt.toString(), "--input", wav.toString());
        assertEquals(1, wrongCheckpoint.status());
        assertTrue(wrongCheckpoint.err().contains("has shape [4, 2] but the network needs [6, 2]"), wrongCheckpoint.err());
        assertFalse(wrongCheckpoint.err().contains("Exception"), wrongCheckpoint.err());
    }
}
