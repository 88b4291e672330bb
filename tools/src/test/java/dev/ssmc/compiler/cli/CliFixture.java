package dev.ssmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.train.Networks;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.io.SafeTensorsWriter;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.train.SpeechCommands;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * What the command-line tests run commands on, made by the tests themselves in a directory: small
 * networks, their checkpoints, WAVs and a Speech Commands folder of a few quarter-second clips, so
 * that every command, training included, runs in a second or two.
 */
final class CliFixture {
    /** A keyword spotter for the 12-class protocol that drops to 100 frames a second at once. */
    static final String CLASSIFIER = """
            network Tiny {
              input audio: 1 channel @ 16 kHz
              norm batch
              act relu
              downsample reshape 16
              s5(states 2) to 4 -> downsample conv 10 to 4
              head mean -> linear 12
            }
            plan training { batch 4; length 1 s }
            plan streaming { chunk 160 }
            """;
    /** A network without a head: it writes audio. */
    static final String DENOISER = """
            network Den {
              input noisy: 1 channel @ 16 kHz
              s5(states 2) to 1
            }
            plan streaming { chunk 16 }
            """;

    /** A recognizer of {@link #WORDS}' letters: 7 classes (blank, space, e, n, o, t, w) at 100 frames a second. */
    static final String RECOGNIZER = """
            network Rec {
              input audio: 1 channel @ 8 kHz
              norm layer-feature
              act gelu
              downsample reshape 80 -> s5(states 2) to 8
              downsample conv 1 to 7
            }
            plan training { batch 2; length 1 s }
            """;
    /** What the utterances of {@link #transcribed} say, in turn. */
    static final String[] WORDS = {"one", "two", "one two", "two one", "two two one"};

    /** A user error's line: {@code ssmc CMD: error: ...}, {@code ssmc: error: ...} or a diagnostic {@code file:...: error: ...}. */
    static final Pattern ERROR_LINE = Pattern.compile("^(ssmc( [a-z]+)*: error: |\\S.*: error: ).+");

    final Path dir;
    final Path classifier;
    final Path denoiser;
    /** Checkpoints of the classifier and of the denoiser, as init writes them. */
    final Path checkpoint;
    final Path denoiserCheckpoint;
    /** A second of 16 kHz mono audio. */
    final Path wav;
    final Path data;

    private CliFixture(Path dir) {
        this.dir = dir;
        this.classifier = dir.resolve("tiny.ssm");
        this.denoiser = dir.resolve("den.ssm");
        this.checkpoint = dir.resolve("tiny.safetensors");
        this.denoiserCheckpoint = dir.resolve("den.safetensors");
        this.wav = dir.resolve("in.wav");
        this.data = dir.resolve("data");
    }

    /** Makes everything in {@code dir}. */
    static CliFixture make(Path dir) throws IOException {
        CliFixture f = new CliFixture(Files.createDirectories(dir));
        Files.writeString(f.classifier, CLASSIFIER);
        Files.writeString(f.denoiser, DENOISER);
        run("init", f.classifier.toString(), "-o", f.checkpoint.toString()).assertOk();
        run("init", f.denoiser.toString(), "-o", f.denoiserCheckpoint.toString()).assertOk();
        Wav.write(f.wav, Audio.mono(16000, tone(16000, 1)), WavEncoding.PCM16);
        speechCommands(f.data);
        return f;
    }

    /** A copy of the classifier's checkpoint at {@code out}, with one tensor's data changed and metadata added. */
    Path changedCheckpoint(Path out, String tensor, UnaryOperator<float[]> change, Map<String, String> metadata)
            throws IOException {
        return rewritten(checkpoint, out, tensor, change, metadata);
    }

    /** A copy of checkpoint {@code from} at {@code out}, with metadata added. */
    static Path withMetadata(Path from, Path out, Map<String, String> metadata) throws IOException {
        return rewritten(from, out, null, UnaryOperator.identity(), metadata);
    }

    private static Path rewritten(Path from, Path out, String tensor, UnaryOperator<float[]> change,
                                  Map<String, String> metadata) throws IOException {
        SafeTensorsFile ck = SafeTensors.read(from);
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (String key : ck.names()) {
            Tensor t = ck.f32(key);
            w.put(key, key.equals(tensor) ? Tensor.of(change.apply(t.data().clone()), t.shape()) : t);
        }
        metadata.forEach(w::metadata);
        w.write(out);
        return out;
    }

    /** Four words (three keywords and one other) of four clips, one each listed for validation and test, and noise. */
    private static void speechCommands(Path data) throws IOException {
        List<String> validation = new ArrayList<>();
        List<String> test = new ArrayList<>();
        int seed = 0;
        for (String word : List.of("yes", "no", "up", "marvin")) {
            Files.createDirectories(data.resolve(word));
            for (int i = 0; i < 4; i++) {
                Wav.write(data.resolve(word + "/c" + i + "_nohash_0.wav"), Audio.mono(16000, tone(4000, ++seed)),
                        WavEncoding.PCM16);
            }
            validation.add(word + "/c2_nohash_0.wav");
            test.add(word + "/c3_nohash_0.wav");
        }
        Files.write(data.resolve(SpeechCommands.VALIDATION_LIST), validation);
        Files.write(data.resolve(SpeechCommands.TEST_LIST), test);
        Files.createDirectories(data.resolve("_background_noise_"));
        Wav.write(data.resolve("_background_noise_/noise.wav"), Audio.mono(16000, tone(6 * 16000, 99)), WavEncoding.PCM16);
    }

    /**
     * A split folder of {@code count} utterances of half a second at 8 kHz, saying {@link #WORDS}
     * in turn, with their transcripts.
     */
    static void transcribed(Path folder, int seed, int count) throws IOException {
        Files.createDirectories(folder);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "v" + seed + "_" + i + ".wav";
            Wav.write(folder.resolve(name), Audio.mono(8000, tone(4000, seed + i)), WavEncoding.PCM16);
            lines.add(name + "\t" + WORDS[i % WORDS.length]);
        }
        Files.write(folder.resolve("transcripts.tsv"), lines);
    }

    /**
     * {@code samples} of audio that changes every 50 ms: silence, a tone or noise, each at a random
     * level and pitch, so that even an untrained network's outputs change over time.
     */
    static float[] varied(int samples, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[samples];
        int segment = 400;
        for (int start = 0; start < samples; start += segment) {
            int kind = rnd.nextInt(3);
            double level = 0.05 + 0.6 * rnd.nextDouble();
            double step = 0.02 + 2 * rnd.nextDouble();
            for (int i = start; i < Math.min(samples, start + segment); i++) {
                x[i] = (float) (kind == 0 ? 0 : kind == 1 ? level * Math.sin(i * step) : level * (2 * rnd.nextDouble() - 1));
            }
        }
        return x;
    }

    /** The network of {@code ssm} with checkpoint {@code checkpoint}, as the commands load it. */
    static Trainable network(Path ssm, Path checkpoint) throws IOException {
        Frontend.Compilation c = Frontend.compile(ssm);
        assertTrue(c.ok(), c::render);
        return Networks.load(c.networks().get(0).network(), Profiles.load(null), ssm.getFileName().toString(), checkpoint);
    }

    /** The network's full-sequence output (eval mode) for one mono signal. */
    static Signal forward(Trainable network, float[] samples) {
        return network.model().forward(new Signal(1, 1, samples.length, samples)).features();
    }

    /** A tone with a little deterministic noise, different for every seed. */
    static float[] tone(int samples, int seed) {
        float[] x = new float[samples];
        for (int i = 0; i < samples; i++) {
            x[i] = (float) (0.3 * Math.sin(i * 0.01 * (1 + seed % 7)) + 0.05 * Math.sin(i * 1.3 * seed));
        }
        return x;
    }

    /** What one command printed, and its status. */
    record Run(List<String> args, int status, String out, String err) {
        /** Status 0, and no error printed. */
        Run assertOk() {
            assertEquals(0, status, this::toString);
            assertFalse(err.contains(": error: "), this::toString);
            return this;
        }

        /** Status 1 with exactly one error line that contains {@code message}, and no stack trace. */
        Run assertUserError(String message) {
            assertEquals(1, status, this::toString);
            assertNoInternalError();
            List<String> errors = err.lines().filter(l -> ERROR_LINE.matcher(l).matches()).toList();
            assertEquals(1, errors.size(), () -> "one error line: " + this);
            assertTrue(errors.get(0).contains(message), () -> "'" + message + "' in: " + this);
            return this;
        }

        /** The last line printed on stdout ("" for none): the commands print their score there. */
        String lastLine() {
            List<String> lines = out.lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        void assertNoInternalError() {
            assertFalse(err.contains("internal error") || err.contains("\tat ") || err.contains("Exception"),
                    this::toString);
        }

        @Override
        public String toString() {
            return "ssmc " + String.join(" ", args) + "\nstatus " + status + "\nstdout:\n" + out + "stderr:\n" + err;
        }
    }

    /** A path as a command-line argument. */
    static String s(Path p) {
        return p.toString();
    }

    /** Runs ssmc in this JVM, as {@code Main.main} would, capturing what it prints. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(List.of(args), status, out.toString(), err.toString());
    }
}
