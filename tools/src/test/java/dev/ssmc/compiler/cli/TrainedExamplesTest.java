package dev.ssmc.compiler.cli;

import static dev.ssmc.compiler.cli.CliFixture.run;
import static dev.ssmc.compiler.cli.CliFixture.s;
import static dev.ssmc.compiler.Examples.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The denoiser and the recognizer that docs/training.md reports, as committed: their checkpoints load
 * into their networks and score on the shared test sets what the page says (float rounding differs a
 * little between machines' vector widths, hence the small margins).
 */
class TrainedExamplesTest {
    /** docs/training.md: the committed denoiser's mean SI-SNR improvement on se-synth's 64 test pairs. */
    static final double DENOISER_SI_SNRI_DB = 5.00;

    /** docs/training.md: the committed recognizer's word error rate (%) on asr-synth's 256 test utterances, greedy. */
    static final double RECOGNIZER_WER = 11.60;

    private static Path data(String name) {
        return SharedData.dir().resolve("data").resolve(name);
    }

    @Test
    void theDenoiserImprovesTheTestPairsAsDocumented() {
        CliFixture.Run r = run("eval", s(example("denoise/denoise-trained.ssm")), "--checkpoint",
                s(example("denoise/denoise-trained.safetensors")), "--data", s(data("se-synth"))).assertOk();
        Matcher m = Pattern.compile("si_snri=(-?\\d+\\.\\d\\d) dB over 64 items").matcher(r.lastLine());
        assertTrue(m.matches(), r::toString);
        assertEquals(DENOISER_SI_SNRI_DB, Double.parseDouble(m.group(1)), 0.05, r::toString);
    }

    /** docs/training.md: the same by a beam search of width 8 over the training transcripts' words. */
    static final double RECOGNIZER_LEXICON_WER = 2.34;

    @Test
    void theRecognizerTranscribesTheTestVoicesAsDocumented(@TempDir Path tmp) throws IOException {
        transcribesAsDocumented(tmp, RECOGNIZER_WER, List.of());
    }

    @Test
    void theRecognizerSayingOnlyTheTrainingWordsTranscribesAsDocumented(@TempDir Path tmp) throws IOException {
        transcribesAsDocumented(tmp, RECOGNIZER_LEXICON_WER, List.of("--beam", "8", "--lexicon",
                s(data("asr-synth").resolve("train/transcripts.tsv"))));
    }

    /** Eval's word error rate with these decoding options, and two utterances streamed by them. */
    private static void transcribesAsDocumented(Path tmp, double wer, List<String> decoding) throws IOException {
        Path predictions = tmp.resolve("predictions.tsv");
        List<String> eval = new ArrayList<>(List.of("eval", s(example("asr/digits-trained.ssm")), "--checkpoint",
                s(example("asr/digits-trained.safetensors")), "--data", s(data("asr-synth")),
                "--predictions", s(predictions)));
        eval.addAll(decoding);
        CliFixture.Run r = run(eval.toArray(String[]::new)).assertOk();
        Matcher m = Pattern.compile("wer=(\\d+\\.\\d\\d) cer=(\\d+\\.\\d\\d) over 256 items").matcher(r.lastLine());
        assertTrue(m.matches(), r::toString);
        assertEquals(wer, Double.parseDouble(m.group(1)), 0.5, r::toString);

        // streamed in its planned chunk, an utterance gets the transcript eval gave it whole (file, truth, transcript)
        List<String> lines = Files.readAllLines(predictions);
        for (String line : List.of(lines.get(1), lines.get(lines.size() - 1))) {
            String[] item = line.split("\t", -1);
            List<String> stream = new ArrayList<>(List.of("run", s(example("asr/digits-trained.ssm")), "--checkpoint",
                    s(example("asr/digits-trained.safetensors")), "--input", s(data("asr-synth").resolve(item[0]))));
            stream.addAll(decoding);
            CliFixture.Run streamed = run(stream.toArray(String[]::new)).assertOk();
            assertEquals("transcript: " + item[2], streamed.lastLine(), streamed::toString);
        }
    }
}
