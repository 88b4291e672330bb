package dev.ssmc.compiler.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.syntax.check.Frontend;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Broken programs give `file:line:col: error: message`, a caret under the offending token, and a hint. */
class DiagnosticsTest {

    private static final String HEADER = "network N {\n  input audio: 1 channel @ 16 kHz\n  norm batch\n  act relu\n";

    private static List<Diagnostic> diagnostics(String source) {
        Frontend.Compilation c = Frontend.compile("t.ssm", source);
        assertFalse(c.ok(), "expected errors in:\n" + source);
        return c.diagnostics();
    }

    private static void expectOne(String source, String headline, String hint) {
        List<Diagnostic> ds = diagnostics(source);
        assertEquals(1, ds.size(), () -> "expected one diagnostic, got:\n" + DiagnosticRenderer.render(ds, source));
        assertEquals(headline, ds.get(0).headline());
        assertEquals(Optional.ofNullable(hint), ds.get(0).hint());
    }

    @Test
    void aSkipMarkOutsideAnEncoderLevel() {
        expectOne("network N {\n  input a: 1 channel\n  s5(states 2) -> skip\n}\n",
                "t.ssm:3:19: error: `skip` marks where an encoder level's skip connection leaves; it belongs in an encoder level",
                "remove it, or move it into a level of `encoder { ... }`");
    }

    @Test
    void unknownModeSuggestsTheClosest() {
        expectOne(HEADER + "  stage nek(states 8, blocks 2) -> downsample conv 4 to 8\n}\n",
                "t.ssm:5:9: error: unknown layer mode `nek`", "did you mean `neck`?");
    }

    @Test
    void renderingShowsTheLineACaretAndTheHint() {
        String src = HEADER + "  stage neck(states 8, blocks 2) -> downsample conv 4 to 8\n  head mean -> linear 12 -> rleu\n}\n";
        Frontend.Compilation c = Frontend.compile("kws.ssm", src);
        assertEquals("""
                kws.ssm:6:29: error: unknown activation `rleu`
                    head mean -> linear 12 -> rleu
                                              ^~~~
                  hint: did you mean `relu`?
                """, c.render());
    }

    @Test
    void statesOutOfRange() {
        expectOne(HEADER + "  stage s5(states 0) -> downsample conv 4 to 8\n}\n",
                "t.ssm:5:19: error: states must be at least 1, got 0", null);
    }

    @Test
    void missingCommaBetweenOptions() {
        expectOne(HEADER + "  stage s5(states 8 blocks 2)\n}\n",
                "t.ssm:5:21: error: expected `)` or `,` after `states 8` in an option list, found name `blocks`",
                "separate options with `,`: `s5(states 8, blocks 2)`");
    }

    @Test
    void unclosedNetworkPointsAtItsBrace() {
        expectOne(HEADER + "  stage s5(states 8)\n",
                "t.ssm:6:1: error: expected a network statement (input, norm, act, dropout, let, stage, a layer, repeat,"
                        + " encoder, output, head, plan) or `}` after `stage s5(states 8)` in a network declaration, found end of file",
                "the `{` at line 1, column 11 is never closed");
    }

    @Test
    void unknownConstantSuggestsTheClosest() {
        expectOne("let base = 8\n" + HEADER + "  repeat i in 1..3 {\n    stage s5(states bse * i) -> downsample conv 2 to 8 * i\n  }\n}\n",
                "t.ssm:7:21: error: unknown name `bse`", "did you mean `base`?");
    }

    @Test
    void lengthNotDivisibleByTheResampling() {
        expectOne(HEADER + "  stage s5(states 8) -> downsample conv 4 to 8\n  stage s5(states 8) -> downsample conv 4 to 8\n}\n"
                        + "plan training { batch 4; length 1000 }\n",
                "t.ssm:8:33: error: the training length of 1000 samples is not a multiple of 16, so a resampling step of"
                        + " network `N` cannot divide it", "the nearest multiples are 992 and 1008");
    }

    @Test
    void chunkNotDivisibleByTheResampling() {
        expectOne(HEADER + "  stage s5(states 8) -> downsample conv 4 to 8\n}\nplan streaming { chunk 150 }\n",
                "t.ssm:7:24: error: the streaming chunk of 150 samples is not a multiple of 4, so a resampling step of"
                        + " network `N` would see a partial window in every chunk",
                "plan chunks of 1 sample (sample by sample) or a multiple of 4");
    }

    @Test
    void residualStageMustKeepTheChannels() {
        expectOne(HEADER + "  stage residual s5(states 8) to 16\n}\n",
                "t.ssm:5:18: error: a residual stage must keep the channels so its output can be added to its input,"
                        + " but this layer turns 1 channels into 16",
                "drop `residual`, or change the channels in the stage's downsampling instead");
    }

    @Test
    void decoderMustMeetTheSkipWidth() {
        expectOne("network U {\n  input a: 2 channels\n  encoder {\n    s5(states 4) -> downsample conv 2 to 8\n  }\n"
                        + "  decoder {\n    upsample conv 2 to 4 -> s5(states 4)\n  }\n}\n",
                "t.ssm:7:5: error: decoder level 0 gives 4 channels but the skip from encoder level 0 carries 2",
                "upsample to 2 channels: `... to 2`");
    }

    @Test
    void resamplingKindOfTheWrongDirection() {
        expectOne(HEADER + "  s5(states 4) -> upsample average 2\n}\n",
                "t.ssm:5:28: error: `upsample` has no kind `average`: `average` shortens the time axis",
                "`upsample` takes conv, repeat, reshape");
    }

    @Test
    void keywordAsAName() {
        expectOne("let stage = 3\n", "t.ssm:1:5: error: expected a name after `let` in a constant definition, found keyword `stage`",
                "`stage` is a keyword of the language; choose another name");
    }

    @Test
    void unknownCharacter() {
        expectOne(HEADER + "  s5(states 4) $\n}\n", "t.ssm:5:16: error: unexpected character `$`",
                "names are letters, digits, `_` and inner `-`; comments start with `//` or `/*`");
    }

    @Test
    void unterminatedComment() {
        expectOne(HEADER + "  /* never closed\n  s5(states 4)\n}\n", "t.ssm:5:3: error: this comment is never closed",
                "end it with `*/`");
    }

    @Test
    void subtractionNeedsSpacesAroundTheMinus() {
        expectOne("let n = 8\n" + HEADER + "  s5(states n-k)\n}\n", "t.ssm:6:13: error: unknown name `n-k`",
                "to subtract, put spaces around `-`: `n - k`");
    }

    @Test
    void missingInput() {
        expectOne("network N {\n  s5(states 4)\n}\n", "t.ssm:1:9: error: network `N` has no input",
                "declare it first thing in the network: `input audio: 1 channel @ 16 kHz`");
    }

    @Test
    void durationsNeedASampleRate() {
        expectOne("network N {\n  input a: 1 channel\n  s5(states 4)\n}\nplan training { length 1 s }\n",
                "t.ssm:5:24: error: the training length is given in s but the input has no sample rate",
                "give the rate in the input (`input audio: 1 channel @ 16 kHz`) or the length in samples");
    }

    @Test
    void allErrorsOfAFileInOneRunInSourceOrder() {
        String src = """
                network X {
                  input audio: 4 channels
                  norm grup
                  act gleu
                  dws(states 2, blocks 2, norm rms, norm rms)
                  upsample average 2
                }
                network X {
                  input a: 1 channel
                  s5(states 2)
                }
                """;
        List<String> got = diagnostics(src).stream().map(Diagnostic::headline).toList();
        assertEquals(List.of(
                "t.ssm:3:8: error: unknown norm `grup`",
                "t.ssm:4:7: error: unknown activation `gleu`",
                "t.ssm:5:17: error: state blocks apply to s5 and neck layers; a dws layer has one block",
                "t.ssm:5:37: error: option `norm` is given twice",
                "t.ssm:6:12: error: `upsample` has no kind `average`: `average` shortens the time axis",
                "t.ssm:8:9: error: duplicate network name `X`"), got);
    }

    @Test
    void repeatedBodyErrorsAreReportedOnce() {
        String src = HEADER + "  repeat i in 1..5 {\n    s5(states q)\n  }\n}\n";
        assertEquals(1, diagnostics(src).size());
    }

    @Test
    void pathologicalNestingIsAnErrorNotACrash() {
        String src = "let a = " + "(".repeat(200_000) + "1" + ")".repeat(200_000) + "\n";
        expectOne(src, "t.ssm:1:1: error: this file nests parentheses or blocks too deeply",
                "nest less than a few thousand levels deep");
    }

    @Test
    void aLongFlatSumSaysItHasTooManyTermsNotThatItNestsTooDeeply() {
        String src = "let w = " + String.join(" + ", java.util.Collections.nCopies(100_000, "1")) + "\n"
                + "network N {\n  input a: 1 channel\n  s5(states w)\n}\n";
        expectOne(src, "t.ssm:1:9: error: this expression has 100,000 terms; an expression has at most 500",
                "compute it in steps, with `let`");
        String rendered = Frontend.compile("t.ssm", src).render();
        assertTrue(rendered.lines().allMatch(l -> l.length() < 200), "a huge line is shown around the caret only");
        assertTrue(rendered.contains("  let w = 1 + 1 + 1") && rendered.contains("+ 1 + ..."), rendered);
    }

    @Test
    void anExpressionOfTheMostTermsCompilesAndFormatsOnAnOrdinaryStack() throws Exception {
        // the limit is there so that the recursive stages after parsing fit half of a thread's default stack (1 MB)
        String sum = String.join(" + ", java.util.Collections.nCopies(SourceParser.MAX_TERMS - 1, "1"));
        String src = "let w = " + sum + " - 498\nnetwork N {\n  input a: 1 channel\n  s5(states w)\n}\n";
        Throwable[] failed = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                Frontend.Compilation c = Frontend.compile("t.ssm", src);
                assertTrue(c.ok(), c::render);
                Formatter.format(c.ast().orElseThrow());
            } catch (Throwable e) {
                failed[0] = e;
            }
        }, "small stack", 512 * 1024);
        t.start();
        t.join();
        assertEquals(null, failed[0]);
    }

    @Test
    void everyDiagnosticPositionIsInsideTheFile() {
        String src = HEADER + "  stage s5(states -1, blocks 0.5) to 1e13 -> downsample conv 0 to -3\n}\n";
        List<Diagnostic> ds = diagnostics(src);
        assertTrue(ds.size() >= 3, () -> DiagnosticRenderer.render(ds, src));
        String[] lines = src.split("\n", -1);
        for (Diagnostic d : ds) {
            assertTrue(d.line() >= 1 && d.line() <= lines.length, d::headline);
            assertTrue(d.column() >= 1 && d.column() <= lines[d.line() - 1].length() + 1, d::headline);
        }
    }
}
