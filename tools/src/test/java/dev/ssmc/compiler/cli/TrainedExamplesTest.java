package dev.ssmc.compiler.cli;

import static dev.ssmc.compiler.cli.CliFixture.run;
import static dev.ssmc.compiler.cli.CliFixture.s;
import static dev.ssmc.compiler.Examples.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.testing.SharedData;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The denoiser that docs/training.md reports, as committed: its checkpoint loads
 * into its network and scores on the shared test sets what the page says (float rounding differs a
 * little between machines' vector widths, hence the small margins).
 */
class TrainedExamplesTest {
    /** docs/training.md: the committed denoiser's mean SI-SNR improvement on se-synth's 64 test pairs. */
    static final double DENOISER_SI_SNRI_DB = 2.61;

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
}
