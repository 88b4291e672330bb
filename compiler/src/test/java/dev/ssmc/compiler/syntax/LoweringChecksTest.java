package dev.ssmc.compiler.syntax;

import static dev.ssmc.compiler.syntax.LanguageTest.diagnostics;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The lowering's diagnostics that only the structure around a statement can raise (the budget of
 * repetitions, what may follow the head, names bound twice, statements out of place, checkpoint
 * keys, the total resampling, skip marks, an empty head or residual block), each pinned with its
 * position and hint as users see them.
 */
class LoweringChecksTest {

    private static final String HEADER = "network N {\n  input audio: 1 channel @ 16 kHz\n";

    @Test
    void nothingButConstantsFollowsTheHead() {
        String after = "the head at line 4 ends the network; move this before it";
        assertEquals(List.of("t.ssm:6:3: error: nothing can follow the head / hint: " + after,
                        "t.ssm:7:3: error: nothing can follow the head / hint: " + after),
                diagnostics(HEADER + "  s5(states 2)\n  head mean -> linear 3\n  let x = 2\n  s5(states x)\n"
                        + "  repeat i in 1..2 { s5(states 2) }\n}\n"));
    }

    @Test
    void theBudgetOfRepetitionsIsReportedOnceWhereItRunsOut() {
        String nested = "repeat i in 1..200 {\n    repeat j in 1..100 {\n      s5(states 2)\n    }\n  }\n";
        // The 100th pass of the outer repetition runs out at the inner one: 1 + 99 * (1 + 100) statements came before.
        assertEquals(List.of("t.ssm:4:5: error: the network expands to more than 10,000 statements / hint: repeat fewer times"),
                diagnostics(HEADER + "  " + nested + "  s5(states 3)\n}\n"));
        // A block (here an encoder) spends the same budget. (What was expanded is still checked, so the
        // decoder, with no budget left, is then said to have no levels.)
        assertEquals("t.ssm:6:9: error: the network expands to more than 10,000 statements / hint: repeat fewer times",
                diagnostics(HEADER + "  encoder {\n  " + nested.replace("\n", "\n  ") + "}\n  decoder { s5(states 2) }\n}\n")
                        .get(0));
    }

    @Test
    void aNameBoundAgainIsReportedAtTheSecondBinding() {
        String earlier = " / hint: `a` is already defined at line 1, column 5";
        assertEquals(List.of("t.ssm:4:7: error: duplicate name `a`" + earlier,
                        "t.ssm:5:10: error: duplicate name `a`" + earlier),
                diagnostics("let a = 1\n" + HEADER + "  let a = 3\n  repeat a in 1..3 { s5(states 2) }\n}\n"));
    }

    @Test
    void theNetworksOwnStatementsDoNotRepeat() {
        assertEquals(List.of("t.ssm:4:5: error: `norm` belongs directly in the network, not inside `repeat`",
                        "t.ssm:5:5: error: `plan` belongs directly in the network, not inside `repeat`"),
                diagnostics(HEADER + "  repeat i in 1..2 {\n    norm rms\n    plan training { batch 2 }\n"
                        + "    s5(states 2)\n  }\n}\n"));
    }

    @Test
    void twoEncoderDecodersWouldShareCheckpointKeys() {
        String unet = "  encoder { s5(states 2) -> downsample conv 2 to 4 }\n  decoder { upsample conv 2 -> s5(states 2) }\n";
        assertEquals(List.of("t.ssm:1:9: error: two tensors of network `N` would share the checkpoint key `down_ssms.0.0.0.A`"
                        + " / hint: a network has at most one encoder/decoder; write other layers as a chain or stages"),
                diagnostics(HEADER + unet + unet + "}\n"));
    }

    @Test
    void theResamplingOfANetworkIsBounded() {
        assertEquals(List.of("t.ssm:3:31: error: the resampling ratios of this network multiply to more than 2^30"
                        + " / hint: no audio network needs this much resampling; check the ratios"),
                diagnostics(HEADER + "  downsample average 65536 -> downsample average 65536 -> downsample average 2\n}\n"));
    }

    @Test
    void skipMarks() {
        assertEquals(List.of("t.ssm:4:29: error: an encoder level has one skip connection, so one `skip`"
                        + " / hint: remove the second `skip`",
                        "t.ssm:7:53: error: a decoder level adds its skip right after its upsampling step"
                        + " / hint: move `skip` to just after the upsampling, or remove it"),
                diagnostics(HEADER + "  encoder {\n    s5(states 2) -> skip -> skip -> downsample conv 2 to 4\n  }\n"
                        + "  decoder {\n    upsample conv 2 to 1 -> skip -> s5(states 2) -> skip\n  }\n}\n"));
    }

    @Test
    void aHeadNeedsALinearLayerAndOneActivationAfterEach() {
        assertEquals(List.of("t.ssm:4:8: error: unknown head pooling `max` / hint: did you mean `mean`?",
                        "t.ssm:4:35: error: a linear layer is followed by one activation, not two"),
                diagnostics(HEADER + "  s5(states 2)\n  head max -> linear 3 -> relu -> tanh -> linear 2\n}\n"));
        assertEquals(List.of("t.ssm:3:3: error: the head needs at least one `linear` layer / hint: write `head mean -> linear 12`"),
                diagnostics(HEADER + "  head mean\n}\n"));
    }

    @Test
    void aResidualBlockNeedsALayer() {
        assertEquals(List.of("t.ssm:3:3: error: a residual block needs at least one layer in its body"),
                diagnostics(HEADER + "  residual { }\n}\n"));
    }

    @Test
    void aMaskTakesANormOnlyAndKeepsTheChannelsAndRate() {
        assertEquals(List.of("t.ssm:3:3: error: a mask needs at least one layer in its body"),
                diagnostics(HEADER + "  mask { }\n}\n"));
        assertEquals(List.of("t.ssm:3:8: error: a mask has no option `act` / hint: a mask takes norm"),
                diagnostics(HEADER + "  mask(act relu) { s5(states 2) }\n}\n"));
        assertEquals(List.of("t.ssm:3:3: error: the body of a mask must keep the channels so its output can scale its"
                        + " input, but it turns 1 channels into 2"),
                diagnostics(HEADER + "  mask { s5(states 2) to 2 }\n}\n"));
        assertEquals(List.of("t.ssm:3:3: error: the body of a mask must keep the sample rate, but it changes it by 1/2;"
                        + " its output could not scale its input"),
                diagnostics(HEADER + "  mask { s5(states 2) -> downsample average 2 }\n}\n"));
        assertEquals(List.of(), diagnostics(HEADER + "  mask(norm rms) { s5(states 2, dt band) -> downsample average 2 -> upsample"
                + " repeat 2 }\n}\n"));
    }
}
