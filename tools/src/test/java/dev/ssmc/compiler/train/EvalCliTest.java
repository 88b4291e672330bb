package dev.ssmc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.cli.Main;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.train.SpeechCommands;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The eval command on a tiny data set made here: its accuracy line and its per-item predictions. */
class EvalCliTest {
    private static final String NET = """
            network Tiny {
              input audio: 1 channel @ 16 kHz
              norm batch
              act relu
              stage s5(states 2, blocks 2) to 4 -> downsample conv 8 to 4
              head mean -> linear 12
            }
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

    private static void writeWav(Path file, int samples, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[samples];
        for (int t = 0; t < samples; t++) {
            x[t] = (float) (0.3 * (rnd.nextDouble() - 0.5));
        }
        Files.createDirectories(file.getParent());
        Wav.write(file, Audio.mono(16000, x), WavEncoding.PCM16);
    }

    @Test
    void predictionsListEveryItemWithItsLabelAndPrediction() throws Exception {
        Path data = tmp.resolve("data");
        writeWav(data.resolve("yes/a.wav"), 12000, 1);
        writeWav(data.resolve("yes/b.wav"), 16000, 2);
        writeWav(data.resolve("cat/c.wav"), 9000, 3);
        writeWav(data.resolve("no/d.wav"), 16000, 4);
        writeWav(data.resolve("_background_noise_/noise.wav"), 200_000, 5);
        Files.writeString(data.resolve("validation_list.txt"), "no/d.wav\n");
        Files.writeString(data.resolve("testing_list.txt"), "yes/b.wav\ncat/c.wav\n");
        Path src = tmp.resolve("tiny.ssm");
        Files.writeString(src, NET);
        Path checkpoint = tmp.resolve("tiny.safetensors");
        Run init = run("init", src.toString(), "--seed", "3", "-o", checkpoint.toString());
        assertEquals(0, init.status(), init.err());

        Path predictions = tmp.resolve("predictions.tsv");
        Run eval = run("eval", src.toString(), "--checkpoint", checkpoint.toString(), "--data", data.toString(),
                "--predictions", predictions.toString());
        assertEquals(0, eval.status(), eval.err());
        List<String> lines = Files.readAllLines(predictions);
        int silence = SpeechCommands.Options.defaults().evaluationSilenceCount();
        assertEquals(2 + silence, lines.size());
        List<String> labels = SpeechCommands.open(data).labels();
        int right = 0;
        for (int i = 0; i < lines.size(); i++) {
            String[] fields = lines.get(i).split("\t", -1);
            assertEquals(3, fields.length, lines.get(i));
            // word files in path order, then the fixed silence items
            String item = i == 0 ? "cat/c.wav" : i == 1 ? "yes/b.wav" : "silence#" + (i - 2);
            String label = i == 0 ? "unknown" : i == 1 ? "yes" : "silence";
            assertEquals(item, fields[0]);
            assertEquals(label, fields[1]);
            assertTrue(labels.contains(fields[2]), fields[2]);
            right += fields[1].equals(fields[2]) ? 1 : 0;
        }
        // the file and the printed accuracy count the same right answers
        Matcher accuracy = Pattern.compile("accuracy=([0-9.]+) over (\\d+) items").matcher(eval.out());
        assertTrue(accuracy.find(), eval.out());
        assertEquals(String.valueOf(lines.size()), accuracy.group(2));
        assertEquals(String.format(Locale.ROOT, "%.4f", (double) right / lines.size()), accuracy.group(1));

        // the same evaluation, the same file
        String first = Files.readString(predictions);
        run("eval", src.toString(), "--checkpoint", checkpoint.toString(), "--data", data.toString(),
                "--predictions", predictions.toString());
        assertEquals(first, Files.readString(predictions));

        Run unwritable = run("eval", src.toString(), "--checkpoint", checkpoint.toString(), "--data", data.toString(),
                "--predictions", tmp.resolve("no/such/folder/p.tsv").toString());
        assertEquals(1, unwritable.status());
        assertTrue(unwritable.err().contains("--predictions: cannot write"), unwritable.err());
        assertFalse(unwritable.err().contains("\tat "), unwritable.err());
    }
}
