package dev.ssmc.compiler.cli;

import static dev.ssmc.compiler.cli.CliFixture.run;
import static dev.ssmc.compiler.cli.CliFixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.train.Spectrograms;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.train.Alphabet;
import dev.ssmc.runtime.train.CtcDecoder;
import dev.ssmc.runtime.train.EnhancementScore;
import dev.ssmc.runtime.train.ErrorRates;
import dev.ssmc.runtime.train.FrameLogits;
import dev.ssmc.runtime.train.Lexicon;
import dev.ssmc.runtime.train.LogitsLayout;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssmc eval} and {@code ssmc run} on the tasks beside classification, on tiny networks and
 * data made here: a denoiser scored by SI-SNR on fixed noisy/clean pairs and streamed into a WAV
 * as long as its input; a recognizer scored by error rates per split and streamed into words. What
 * they print is checked against values computed here, independently, from the network's
 * full-sequence output.
 */
class TaskEvalRunTest {
    /** A denoiser whose skip addition spans resampling: it pads to whole windows of 4 and cuts back. */
    private static final String HOURGLASS = """
            network Hourglass {
              input noisy: 1 channel @ 16 kHz
              act silu
              encoder {
                s5(states 2) to 2 -> downsample conv 4 to 4
              }
              decoder {
                upsample conv 4 to 1 -> s5(states 2) to 2
              }
              output {
                s5(states 2, activations off) to 1
              }
            }
            plan streaming { chunk 4 }
            """;
    /**
     * A recognizer of {@link CliFixture#WORDS}' letters (blank, space, e, n, o, t, w) at 100 frames a
     * second whose untrained outputs follow its input closely enough to spell several words.
     */
    private static final String RECOGNIZER = """
            network Rec {
              input audio: 1 channel @ 8 kHz
              downsample reshape 80 -> dws(states 2, activations off) to 8
              downsample conv 1 to 7
            }
            plan streaming { chunk 10 ms }
            """;
    private static final List<String> PAIRS = List.of("a.wav", "b.wav");
    private static final int SAMPLES_PER_FRAME = 80;

    @TempDir
    static Path dir;
    static CliFixture f;
    /** test/noisy and test/clean, two pairs of 3001 and 4000 samples. */
    static Path enhancement;
    static Path denoiser;
    static Path denoiserCheckpoint;
    /** train/ and test/ of transcribed utterances; the alphabet is ' enotw'. */
    static Path speech;
    static Path recognizer;
    /** The recognizer's initialized checkpoint, as train would write it (with its alphabet). */
    static Path recognizerCheckpoint;
    static Alphabet alphabet;

    @BeforeAll
    static void data() throws IOException {
        f = CliFixture.make(dir.resolve("fixture"));
        enhancement = dir.resolve("se");
        Files.createDirectories(enhancement.resolve("test/noisy"));
        Files.createDirectories(enhancement.resolve("test/clean"));
        for (int i = 0; i < PAIRS.size(); i++) {
            float[] clean = CliFixture.tone(3001 + 999 * i, 3 + i);
            float[] noisy = clean.clone();
            SplittableRandom rnd = new SplittableRandom(i);
            for (int t = 0; t < noisy.length; t++) {
                noisy[t] += (float) (0.2 * (2 * rnd.nextDouble() - 1));
            }
            Wav.write(enhancement.resolve("test/clean/" + PAIRS.get(i)), Audio.mono(16000, clean), WavEncoding.PCM16);
            Wav.write(enhancement.resolve("test/noisy/" + PAIRS.get(i)), Audio.mono(16000, noisy), WavEncoding.PCM16);
        }
        denoiser = Files.writeString(dir.resolve("hourglass.ssm"), HOURGLASS);
        denoiserCheckpoint = dir.resolve("hourglass.safetensors");
        run("init", s(denoiser), "-o", s(denoiserCheckpoint)).assertOk();

        speech = dir.resolve("asr");
        CliFixture.transcribed(speech.resolve("train"), 0, CliFixture.WORDS.length);
        Path test = Files.createDirectories(speech.resolve("test"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Wav.write(test.resolve("t" + i + ".wav"), Audio.mono(8000, CliFixture.varied(6000 + 1000 * i, i)),
                    WavEncoding.PCM16);
            lines.add("t" + i + ".wav\t" + CliFixture.WORDS[i + 2]);
        }
        Files.write(test.resolve("transcripts.tsv"), lines);
        recognizer = Files.writeString(dir.resolve("rec.ssm"), RECOGNIZER);
        Path init = dir.resolve("rec-init.safetensors");
        run("init", s(recognizer), "-o", s(init)).assertOk();
        alphabet = Alphabet.fromSymbols(" enotw");
        recognizerCheckpoint = CliFixture.withMetadata(init, dir.resolve("rec.safetensors"),
                Map.of("alphabet", alphabet.symbols()));
    }

    // ---- enhancement ----

    /**
     * SI-SNR in dB, from its definition: the power of the zero-mean estimate's projection on the
     * zero-mean reference against the power of the rest, each plus 1e-8.
     */
    private static double siSnr(float[] estimate, float[] reference) {
        int n = reference.length;
        double meanX = 0;
        double meanS = 0;
        for (int i = 0; i < n; i++) {
            meanX += estimate[i] / (double) n;
            meanS += reference[i] / (double) n;
        }
        double dot = 0;
        double ss = 0;
        for (int i = 0; i < n; i++) {
            dot += (estimate[i] - meanX) * (reference[i] - meanS);
            ss += (reference[i] - meanS) * (reference[i] - meanS);
        }
        double target = 0;
        double rest = 0;
        for (int i = 0; i < n; i++) {
            double t = dot / ss * (reference[i] - meanS);
            target += t * t;
            rest += (estimate[i] - meanX - t) * (estimate[i] - meanX - t);
        }
        return 10 * Math.log10((target + 1e-8) / (rest + 1e-8));
    }

    private static float[] mono(Path wav) throws IOException {
        return Wav.read(wav).channels()[0];
    }

    @Test
    void evalOfADenoiserScoresEachPairAndEndsWithTheMeanImprovement() throws IOException {
        Path plots = dir.resolve("plots");
        CliFixture.Run r = run("eval", s(denoiser), "--checkpoint", s(denoiserCheckpoint), "--data", s(enhancement),
                "--plots", s(plots)).assertOk();
        Trainable net = CliFixture.network(denoiser, denoiserCheckpoint);
        double improvement = 0;
        for (String pair : PAIRS) {
            float[] noisy = mono(enhancement.resolve("test/noisy/" + pair));
            float[] clean = mono(enhancement.resolve("test/clean/" + pair));
            Signal y = CliFixture.forward(net, noisy);
            assertEquals(noisy.length, y.length(), "the output is as long as the input");
            double before = siSnr(noisy, clean);
            double after = siSnr(y.x(), clean);
            Matcher m = Pattern.compile(Pattern.quote(pair) + " +input +(\\S+) dB +output +(\\S+) dB").matcher(r.out());
            assertTrue(m.find(), r::toString);
            // printed with two decimals
            assertEquals(before, Double.parseDouble(m.group(1)), 0.005, r::toString);
            assertEquals(after, Double.parseDouble(m.group(2)), 0.005, r::toString);
            improvement += (after - before) / PAIRS.size();
        }
        Matcher last = Pattern.compile("si_snri=(-?\\d+\\.\\d\\d) dB over 2 items").matcher(r.lastLine());
        assertTrue(last.matches(), r::toString);
        assertEquals(improvement, Double.parseDouble(last.group(1)), 0.005, r::toString);

        // both pairs pictured (fewer than the default count), each a picture of the three spectrograms
        assertTrue(r.out().contains("wrote 2 spectrograms (noisy, denoised, clean) to " + plots), r::toString);
        assertEquals(List.of("a.png", "b.png"), names(plots));
        for (String png : names(plots)) {
            BufferedImage image = ImageIO.read(plots.resolve(png).toFile());
            assertNotNull(image, png);
            assertEquals(Spectrograms.width(), image.getWidth());
            assertEquals(Spectrograms.height(), image.getHeight());
        }
        Path one = dir.resolve("one-plot");
        run("eval", s(denoiser), "--checkpoint", s(denoiserCheckpoint), "--data", s(enhancement), "--plots", s(one),
                "--plot-count", "1").assertOk();
        assertEquals(1, names(one).size());
    }

    @Test
    void picturedFilesRunFromTheNoisiestToTheCleanest() {
        List<EnhancementScore.Item> items = new ArrayList<>();
        double[] inputs = {3, -4, 12, 0, 7};
        for (int i = 0; i < inputs.length; i++) {
            items.add(new EnhancementScore.Item("f" + i, inputs[i], 0));
        }
        EnhancementScore score = new EnhancementScore(items);
        // by input SI-SNR: 1 (-4), 3 (0), 0 (3), 4 (7), 2 (12)
        assertEquals(List.of(1, 0, 2), box(DenoiserEvaluation.pictured(score, 3)));
        assertEquals(List.of(1, 3, 0, 4, 2), box(DenoiserEvaluation.pictured(score, 9)));
        assertEquals(List.of(0), box(DenoiserEvaluation.pictured(score, 1)));
        float[] out = {1, -2, 0.5f};
        float[] matched = DenoiserEvaluation.levelMatched(out, new float[] {4, -8, 2});
        assertEquals(List.of(4f, -8f, 2f), List.of(matched[0], matched[1], matched[2]));
    }

    private static List<Integer> box(int[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    @Test
    void runDenoisesWhileStreamingIntoAFileAsLongAsTheInput() throws IOException {
        Path in = dir.resolve("noisy.wav");
        float[] samples = CliFixture.varied(4001, 9);
        Wav.write(in, Audio.mono(16000, samples), WavEncoding.FLOAT32);
        Path out = dir.resolve("denoised.wav");
        CliFixture.Run r = run("run", s(denoiser), "--checkpoint", s(denoiserCheckpoint), "--input", s(in), "--output",
                s(out), "--warmup", "1").assertOk();
        float[] streamed = mono(out);
        assertEquals(samples.length, streamed.length);
        // the stream waits for whole windows and is fed the last one padded, as the full pass is
        float[] full = CliFixture.forward(CliFixture.network(denoiser, denoiserCheckpoint), samples).x();
        double largest = 0;
        for (float v : full) {
            largest = Math.max(largest, Math.abs(v));
        }
        for (int t = 0; t < full.length; t++) {
            assertEquals(full[t], streamed[t], 1e-4 * largest + 1e-6, "sample " + t);
        }
        assertRealTimeFactor(r, in, 4001 / 16000.0, 4, " (after 1 warm-up pass)");
        assertEquals("wrote " + out + " (4001 samples, 1 channel)", r.lastLine(), r::toString);
    }

    /** A denoiser that masks learned features between a strided conv and its transposed conv: no skip pads for it. */
    private static final String MASKING = """
            network Masking {
              input noisy: 1 channel @ 16 kHz
              act silu
              downsample conv 4 to 4
              mask { s5(states 2) to 4 }
              upsample conv 4 to 1
            }
            plan streaming { chunk 4 }
            """;

    @Test
    void aDenoiserThatResamplesWithoutSkipsIsFedWholeWindowsAndCutBack() throws IOException {
        Path masking = Files.writeString(dir.resolve("masking.ssm"), MASKING);
        Path checkpoint = dir.resolve("masking.safetensors");
        run("init", s(masking), "-o", s(checkpoint)).assertOk();
        Trainable net = CliFixture.network(masking, checkpoint);
        // eval: the pairs' 3001 and 4000 samples padded to 3004 and 4000, the output cut back
        double improvement = 0;
        for (String pair : PAIRS) {
            float[] noisy = mono(enhancement.resolve("test/noisy/" + pair));
            float[] clean = mono(enhancement.resolve("test/clean/" + pair));
            float[] y = wholeWindows(net, noisy);
            improvement += (siSnr(y, clean) - siSnr(noisy, clean)) / PAIRS.size();
        }
        CliFixture.Run r = run("eval", s(masking), "--checkpoint", s(checkpoint), "--data", s(enhancement)).assertOk();
        Matcher last = Pattern.compile("si_snri=(-?\\d+\\.\\d\\d) dB over 2 items").matcher(r.lastLine());
        assertTrue(last.matches(), r::toString);
        assertEquals(improvement, Double.parseDouble(last.group(1)), 0.005, r::toString);

        // run: as long as the input, and what the full pass gives the padded input
        Path in = dir.resolve("masked-noisy.wav");
        float[] samples = CliFixture.varied(4001, 10);
        Wav.write(in, Audio.mono(16000, samples), WavEncoding.FLOAT32);
        Path out = dir.resolve("masked.wav");
        CliFixture.Run streamed = run("run", s(masking), "--checkpoint", s(checkpoint), "--input", s(in), "--output",
                s(out)).assertOk();
        assertEquals("wrote " + out + " (4001 samples, 1 channel)", streamed.lastLine(), streamed::toString);
        float[] full = wholeWindows(net, mono(in));
        float[] written = mono(out);
        assertEquals(full.length, written.length);
        double largest = 0;
        for (float v : full) {
            largest = Math.max(largest, Math.abs(v));
        }
        for (int t = 0; t < full.length; t++) {
            assertEquals(full[t], written[t], 1e-4 * largest + 1e-6, "sample " + t);
        }
    }

    /** The network's output for {@code x} padded with zeros to whole windows of 4, cut back to x's length. */
    private static float[] wholeWindows(Trainable net, float[] x) {
        Signal y = CliFixture.forward(net, Arrays.copyOf(x, (x.length + 3) / 4 * 4));
        assertEquals((x.length + 3) / 4 * 4, y.length());
        return Arrays.copyOf(y.x(), x.length);
    }

    /** The timing line: its real-time factor is the calling thread's CPU time over the audio's duration. */
    private static void assertRealTimeFactor(CliFixture.Run r, Path in, double audioSeconds, int chunk, String warm) {
        Matcher m = Pattern.compile(Pattern.quote(in + ": ") + "\\d+ samples \\(" + String.format(Locale.ROOT, "%.2f",
                audioSeconds) + " s of audio\\) streamed in chunks of " + chunk + " in \\d+\\.\\d{3} s \\((\\d+\\.\\d{3}) s"
                + " of CPU on the calling thread\\), real-time factor (\\d+\\.\\d{4})" + Pattern.quote(warm)).matcher(r.out());
        assertTrue(m.find(), r::toString);
        double cpu = Double.parseDouble(m.group(1));
        // both rounded when printed: the CPU time to 1 ms, the factor to 1e-4
        assertEquals(cpu / audioSeconds, Double.parseDouble(m.group(2)), 0.0005 / audioSeconds + 0.00005, r::toString);
    }

    // ---- recognition ----

    /** One utterance's logits, from the network's full-sequence pass. */
    private static FrameLogits logits(Trainable net, float[] samples) {
        Signal y = CliFixture.forward(net, samples);
        assertEquals(alphabet.classes(), y.channels());
        assertEquals(samples.length / SAMPLES_PER_FRAME, y.length());
        return LogitsLayout.CLASSES_BY_FRAMES.item(y.x(), 0, y.length(), alphabet.classes());
    }

    /** Every utterance of a split, decoded by {@code decode}, scored. */
    private static ErrorRates rates(Trainable net, String split, Function<FrameLogits, int[]> decode, ErrorRates total)
            throws IOException {
        ErrorRates rates = new ErrorRates();
        for (String line : Files.readAllLines(speech.resolve(split).resolve("transcripts.tsv"))) {
            String[] fields = line.split("\t");
            String recognized = alphabet.decode(decode.apply(logits(net, mono(speech.resolve(split).resolve(fields[0])))));
            rates.add(fields[1], recognized);
            total.add(fields[1], recognized);
        }
        return rates;
    }

    private static Function<FrameLogits, int[]> beam(int width) {
        return beam(width, null);
    }

    private static Function<FrameLogits, int[]> beam(int width, Lexicon lexicon) {
        return l -> CtcDecoder.beamSearch(l, width, CtcDecoding.LOG_THRESHOLD, lexicon).get(0).labels();
    }

    /** The words of the training transcripts: one, two. */
    private static Lexicon trainingWords() {
        return Lexicon.of(alphabet, List.of("one", "two"));
    }

    private static String summary(ErrorRates rates) {
        return String.format(Locale.ROOT, "wer=%.2f cer=%.2f over %d items", 100 * rates.wordErrorRate(),
                100 * rates.characterErrorRate(), rates.items());
    }

    private static String rateLine(String split, String decoding, ErrorRates rates) {
        return String.format(Locale.ROOT, "%s: %s: wer %.2f%% (%d errors in %d words", split, decoding,
                100 * rates.wordErrorRate(), rates.words().errors(), rates.words().referenceLength());
    }

    @Test
    void evalOfARecognizerGivesErrorRatesPerSplitAndLastOverAll() throws IOException {
        Trainable net = CliFixture.network(recognizer, recognizerCheckpoint);
        CliFixture.Run test = run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(speech),
                "--batch", "1").assertOk();
        ErrorRates greedyTest = rates(net, "test", CtcDecoder::greedy, new ErrorRates());
        assertEquals(summary(greedyTest), test.lastLine(), test::toString);
        assertTrue(test.out().contains(rateLine("test", "greedy", greedyTest)), test::toString);
        assertEquals(2, test.out().lines().count(), "one split, greedy only: " + test);

        Path predictions = dir.resolve("recognized.tsv");
        CliFixture.Run all = run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(speech),
                "--batch", "1", "--split", "all", "--beam", "3", "--predictions", s(predictions)).assertOk();
        ErrorRates total = new ErrorRates();
        for (String split : List.of("train", "test")) {
            assertTrue(all.out().contains(rateLine(split, "greedy", rates(net, split, CtcDecoder::greedy,
                    new ErrorRates()))), all::toString);
            assertTrue(all.out().contains(rateLine(split, "beam 3", rates(net, split, beam(3), total))), all::toString);
        }
        assertEquals(summary(total), all.lastLine(), all::toString);
        List<String> lines = Files.readAllLines(predictions);
        assertEquals(CliFixture.WORDS.length + 3, lines.size());
        String[] first = lines.get(CliFixture.WORDS.length).split("\t", -1);
        assertEquals(List.of("test/t0.wav", "one two"), List.of(first[0], first[1]));
        assertEquals(Alphabet.normalize(alphabet.decode(beam(3).apply(logits(net, mono(speech.resolve("test/t0.wav")))))),
                first[2]);

        // the beam search restricted to the training transcripts' words
        CliFixture.Run words = run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(speech),
                "--batch", "1", "--beam", "3", "--lexicon", s(speech.resolve("train/transcripts.tsv"))).assertOk();
        ErrorRates restricted = rates(net, "test", beam(3, trainingWords()), new ErrorRates());
        assertTrue(words.out().contains(rateLine("test", "beam 3, lexicon of 2 words", restricted)), words::toString);
        assertEquals(summary(restricted), words.lastLine(), words::toString);
    }

    @Test
    void runTranscribesWhileStreamingWordsAsTheyBecomeCertain() throws IOException {
        Path in = dir.resolve("words.wav");
        float[] samples = CliFixture.varied(16000, 21);
        Wav.write(in, Audio.mono(8000, samples), WavEncoding.PCM16);
        samples = mono(in);
        FrameLogits whole = logits(CliFixture.network(recognizer, recognizerCheckpoint), samples);
        Path lexicon = speech.resolve("train/transcripts.tsv");
        for (String decoding : new String[] {"greedy", "beam", "lexicon"}) {
            List<String> args = new ArrayList<>(List.of("run", s(recognizer), "--checkpoint", s(recognizerCheckpoint),
                    "--input", s(in)));
            if (!decoding.equals("greedy")) {
                args.addAll(List.of("--beam", "3"));
            }
            if (decoding.equals("lexicon")) {
                args.addAll(List.of("--lexicon", s(lexicon)));
            }
            CliFixture.Run r = run(args.toArray(String[]::new)).assertOk();
            String expected = Alphabet.normalize(alphabet.decode(switch (decoding) {
                case "greedy" -> CtcDecoder.greedy(whole);
                case "beam" -> beam(3).apply(whole);
                default -> beam(3, trainingWords()).apply(whole);
            }));
            assertEquals("transcript: " + expected, r.lastLine(), r::toString);
            List<String> words = new ArrayList<>();
            List<Double> times = new ArrayList<>();
            Matcher m = Pattern.compile("(?m)^ +(\\d+\\.\\d\\d) s  (\\S+)$").matcher(r.out());
            while (m.find()) {
                times.add(Double.parseDouble(m.group(1)));
                words.add(m.group(2));
            }
            assertEquals(expected, String.join(" ", words), r::toString);
            assertTrue(words.size() >= 3, r::toString);
            // said as they became certain: in order, and the first long before the audio ended
            for (int i = 1; i < times.size(); i++) {
                assertTrue(times.get(i - 1) <= times.get(i), r::toString);
            }
            assertTrue(times.get(0) < 1.0 && times.get(times.size() - 1) <= 2.0, r::toString);
            assertRealTimeFactor(r, in, 2.0, 80, "");
        }
    }

    // ---- bad input ----

    @Test
    void badInputGetsOneClearLine() throws IOException {
        // a noisy file without its clean partner
        Path lonely = copyOf(enhancement, "lonely");
        Files.delete(lonely.resolve("test/clean/b.wav"));
        run("eval", s(denoiser), "--checkpoint", s(denoiserCheckpoint), "--data", s(lonely))
                .assertUserError(lonely.resolve("test/noisy/b.wav") + ": has no partner " + lonely.resolve("test/clean/b.wav"));
        // a pair at another rate
        Path slow = copyOf(enhancement, "slow");
        Wav.write(slow.resolve("test/noisy/a.wav"), Audio.mono(8000, CliFixture.tone(3001, 1)), WavEncoding.PCM16);
        run("eval", s(denoiser), "--checkpoint", s(denoiserCheckpoint), "--data", s(slow))
                .assertUserError(slow.resolve("test/noisy/a.wav") + ": sample rate 8000 Hz, but the network runs at 16000 Hz");
        // a stereo utterance
        Path stereo = copyOf(speech, "stereo");
        float[] x = CliFixture.varied(6000, 0);
        Wav.write(stereo.resolve("test/t0.wav"), new Audio(8000, new float[][] {x, x}), WavEncoding.PCM16);
        run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(stereo))
                .assertUserError(stereo.resolve("test/t0.wav") + ": 2 channels, but the data must be mono");
        // a checkpoint trained for another alphabet
        Path other = CliFixture.withMetadata(recognizerCheckpoint, dir.resolve("rec-other.safetensors"),
                Map.of("alphabet", " abcdf"));
        run("eval", s(recognizer), "--checkpoint", s(other), "--data", s(speech))
                .assertUserError(other + ": trained for the alphabet ' abcdf', but the data's is ' enotw'");
        // options of another task
        run("eval", s(denoiser), "--checkpoint", s(denoiserCheckpoint), "--data", s(enhancement), "--beam", "4")
                .assertUserError("--beam is not for the enhance task");
        run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(speech), "--split", "dev")
                .assertUserError("--split must be test, validation, train or all, not 'dev'");
        run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(speech), "--split", "validation")
                .assertUserError("has no validation/ folder (it has train/, test/)");
        run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(enhancement))
                .assertUserError("network Rec does not give audio");
        // lexicons: without a beam, a word the recognizer cannot spell, no words, for another task
        Path lexicon = Files.write(dir.resolve("words.txt"), List.of("one two", "", "twenty"));
        run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(speech), "--lexicon", s(lexicon))
                .assertUserError("--lexicon restricts the beam search: give --beam W too");
        run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(speech), "--beam", "2",
                "--lexicon", s(lexicon)).assertUserError(lexicon + ":3: the word \"twenty\" cannot be spelled by this"
                        + " recognizer: character 'y' (U+0079) at column 6 of \"twenty\" is not in the alphabet \" enotw\"");
        Path empty = Files.write(dir.resolve("no-words.tsv"), List.of("a.wav\t", ""));
        run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(speech), "--beam", "2",
                "--lexicon", s(empty)).assertUserError(empty + ": no words in it");
        run("eval", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--data", s(speech), "--beam", "2",
                "--lexicon", s(dir.resolve("absent.txt"))).assertUserError("--lexicon");
        run("eval", s(denoiser), "--checkpoint", s(denoiserCheckpoint), "--data", s(enhancement), "--lexicon", s(lexicon))
                .assertUserError("--lexicon is not for the enhance task");

        // run: stereo, another rate, an alphabet the network cannot spell, a recognizer asked for audio
        Path twoChannels = dir.resolve("stereo.wav");
        Wav.write(twoChannels, new Audio(16000, new float[][] {x, x}), WavEncoding.PCM16);
        run("run", s(denoiser), "--checkpoint", s(denoiserCheckpoint), "--input", s(twoChannels), "--output",
                s(dir.resolve("x.wav"))).assertUserError(twoChannels + ": 2 channel(s), but network Hourglass takes 1");
        Path fast = dir.resolve("fast.wav");
        Wav.write(fast, Audio.mono(16000, x), WavEncoding.PCM16);
        run("run", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--input", s(fast))
                .assertUserError(fast + ": sampled at 16000 Hz, but network Rec expects 8000 Hz");
        Path wider = CliFixture.withMetadata(recognizerCheckpoint, dir.resolve("rec-wider.safetensors"),
                Map.of("alphabet", " abcdefg"));
        Path utterance = speech.resolve("test/t0.wav");
        run("run", s(recognizer), "--checkpoint", s(wider), "--input", s(utterance))
                .assertUserError("network Rec does not give one output per symbol and frame: a recognizer ends"
                        + " with 9 channels (the blank and the 8 symbols of ' abcdefg'), at a rate of 1/N; it gives 7"
                        + " channel(s) at rate 1/80: end its body with 9 channels, or add `head frames -> linear 9`");
        run("run", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--input", s(utterance), "--output",
                s(dir.resolve("y.wav"))).assertUserError("is a recognizer");
        run("run", s(denoiser), "--checkpoint", s(denoiserCheckpoint), "--input", s(f.wav), "--output",
                s(dir.resolve("z.wav")), "--beam", "2").assertUserError("--beam is for recognizers");
        run("run", s(recognizer), "--checkpoint", s(recognizerCheckpoint), "--input", s(utterance), "--lexicon",
                s(speech.resolve("train/transcripts.tsv"))).assertUserError("--lexicon restricts the beam search");
    }

    private static Path copyOf(Path from, String name) throws IOException {
        Path to = dir.resolve(name);
        BadInputTest.copyTree(from, to);
        return to;
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
