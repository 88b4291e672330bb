package dev.ssmc.compiler.syntax;

import static dev.ssmc.compiler.syntax.LanguageTest.diagnostics;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.ir.DtInit;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.syntax.check.IrStructure;
import dev.ssmc.compiler.syntax.importer.SsmWriter;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.train.Init;
import dev.ssmc.runtime.train.ModeBand;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A layer's {@code dt} option (how its {@code log_dt} starts): what it parses and lowers to, the
 * values it starts with, its errors, and the warning for waveform-level layers whose initial modes
 * cannot follow audio.
 */
class DtOptionTest {
    private static final String HEADER = "network N {\n  input audio: 1 channel @ 16 kHz\n";

    private static Frontend.Compilation compile(String source) {
        return Frontend.compile("t.ssm", source);
    }

    private static List<SsmLayer> layers(Network n) {
        return ShapeInference.infer(n).nodes().stream().filter(x -> x instanceof SsmLayer).map(x -> (SsmLayer) x)
                .toList();
    }

    @Test
    void aRangeParsesAsTheOptionsValueAndUpperEnd() {
        Ast.NetworkDecl n = (Ast.NetworkDecl) FormatterTest.parse("p.ssm",
                "network N {\n  input a: 1 channel\n  s5(states 8, dt 1e-3..lo * 2)\n}\n").statements().get(0);
        Ast.Layer layer = (Ast.Layer) ((Ast.Chain) n.body().statements().get(1)).items().get(0);
        Ast.Option dt = layer.options().get(1);
        assertEquals("dt", dt.key().text());
        assertEquals(new Ast.Num(Pos.NONE, "1e-3"), dt.value());
        assertEquals(Optional.of(new Ast.Binary(Pos.NONE, '*', new Ast.Ref(Pos.NONE, "lo"), new Ast.Num(Pos.NONE, "2"))),
                dt.upTo());
        // the option spans key to upper end; each end has its own position
        assertEquals(List.of(3, 16, 15), List.of(dt.pos().line(), dt.pos().column(), dt.pos().length()));
        assertEquals(List.of(19, 4), List.of(dt.value().pos().column(), dt.value().pos().length()));
        assertEquals(List.of(25, 6), List.of(dt.upTo().get().pos().column(), dt.upTo().get().pos().length()));
    }

    @Test
    void theOptionLowersToHowTheLayersDtStarts() {
        Network n = LanguageTest.compile("let lo = 2e-3\n" + HEADER + "  full(states 4) to 4 -> dws(states 4, dt lo..lo * 50)"
                + " -> s5(states 4, dt 0.05) -> neck(states 4, blocks 3, dt band)\n}\n");
        assertEquals(List.of(DtInit.REFERENCE, new DtInit.Geometric(2e-3, 0.1), new DtInit.Geometric(0.05, 0.05),
                DtInit.BAND), layers(n).stream().map(SsmLayer::dt).toList());
    }

    /** Without the option a layer starts as the reference's rule says, so imported networks and golden checks are untouched. */
    @Test
    void theDefaultIsTheReferencesRuleInEveryMode() {
        Network n = LanguageTest.compile(HEADER + "  full(states 3) to 5 -> dws(states 2) -> s5(states 4, blocks 3)"
                + " -> neck(states 2, blocks 6)\n}\n");
        float[][] expected = new float[4][];
        expected[0] = new float[5 * 3];
        Init.logDt(expected[0], 5, 3); // full: [cout, N], over the output channels
        expected[1] = new float[5 * 2];
        Init.logDt(expected[1], 5, 2); // dws: [C, N], over the channels
        expected[2] = new float[3 * 4];
        Init.logDt(expected[2], 3, 4); // s5: [J N], over the blocks
        expected[3] = new float[6];
        Init.logDt(expected[3], 6, 1); // neck: [J]
        List<SsmLayer> layers = layers(n);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(expected[i], layers.get(i).initialLogDt(16000), layers.get(i).key());
        }
    }

    @Test
    void aRangeIsGeometricOverChannelsOrBlocksAndBandSpreadsAtTheLayersRate() {
        Network n = LanguageTest.compile(HEADER + "  s5(states 3, blocks 3, dt 1e-2..1) to 2 -> downsample average 4"
                + " -> full(states 5, dt band)\n}\n");
        List<SsmLayer> layers = layers(n);
        float[] s5 = layers.get(0).initialLogDt(16000);
        // blocks 0, 1, 2 at dt 0.01, 0.1, 1: one dt for the three states of a block
        for (int i = 0; i < 9; i++) {
            assertEquals(Math.log(new double[] {1e-2, 1e-1, 1}[i / 3]), s5[i], 1e-6, "entry " + i);
        }
        // the full layer runs at 4 kHz behind the averaging: its band is that rate's
        float[] band = new float[2 * 5];
        ModeBand.spreadLogDt(band, BlockMode.FULL, 5, 4000, ModeBand.DEFAULT_LOWEST_HZ, ModeBand.DEFAULT_HIGHEST_FRACTION);
        assertArrayEquals(band, ShapeInference.infer(n).nodes().stream().filter(x -> x == layers.get(1)).findFirst()
                .map(x -> ((SsmLayer) x).initialLogDt(ShapeInference.infer(n).rateHz(x))).orElseThrow());
        assertEquals(4000, ShapeInference.infer(n).rateHz(layers.get(1)));
    }

    @Test
    void theWarningFlagsWaveformLayersThatCannotFollowAudio() {
        String source = HEADER + "  full(states 8) -> s5(states 8, dt band) -> neck(states 8, blocks 4, dt 0.5)\n"
                + "  downsample conv 4 to 8 -> full(states 8)\n}\n";
        Frontend.Compilation c = compile(source);
        assertTrue(c.ok(), c::render);
        String band = "%s, as in `%s`, to spread its modes from 50 Hz to 90%% of Nyquist (this changes how a fresh network"
                + " starts, not a trained checkpoint)";
        assertEquals(List.of(
                "t.ssm:3:3: warning: this full layer runs at the input's rate, and with dt 0.001..0.1 (the reference's"
                        + " rule), its initial modes reach only 57 Hz, 0.7% of its 8000 Hz Nyquist frequency (less than"
                        + " 10%), so at the waveform level it cannot follow speech when training starts: spread its dt"
                        + " over the band its sample rate allows / hint: " + String.format(band, "add `dt band` to its options",
                        "full(states 8, dt band)"),
                "t.ssm:3:46: warning: this neck layer runs at the input's rate, and with dt 0.5, 20 of its 32 initial"
                        + " modes turn by more than half a cycle a sample (dt times the state index above 1) and alias to"
                        + " lower frequencies: lower its largest dt / hint: " + String.format(band, "write `dt band` instead of `dt 0.5`",
                        "neck(states 8, blocks 4, dt band)")),
                diagnostics(source));
        // the layer behind the downsampling (at 4 kHz) and the spread one are not flagged; nor is any layer of a
        // network whose input states no rate
        assertEquals(List.of(), diagnostics(source.replace(" @ 16 kHz", "").replace(", dt band", "")));
        // the hint writes the layer as it was written, with `dt band` among its options
        assertEquals(List.of("t.ssm:4:3: warning: this full layer runs at the input's rate, and with dt 0.001..0.1 (the"
                + " reference's rule), its initial modes reach only 57 Hz, 0.7% of its 8000 Hz Nyquist frequency (less"
                + " than 10%), so at the waveform level it cannot follow speech when training starts: spread its dt over"
                + " the band its sample rate allows / hint: " + String.format(band, "add `dt band` to its options",
                "full(states n, activations off, dt band) to 1")),
                diagnostics("let n = 8\n" + HEADER + "  full(states n,  activations off) to 1\n}\n"));
        // the warning's caret is under the layer, and the file still compiles: a warning is no error
        assertFalse(c.diagnostics().get(0).isError());
        assertEquals("full(states 8)".length(), c.diagnostics().get(0).length());
    }

    @Test
    void badRangesAndValuesAreErrorsWhereTheyAreWritten() {
        assertEquals(List.of(
                "t.ssm:3:19: error: a dt range goes up, from the smallest dt to the largest, but 0.1 is above 0.001"
                        + " / hint: write `dt 0.001..0.1`",
                "t.ssm:3:49: error: dt is a time step, above 0, not 0 / hint: the reference's range is `dt 1e-3..1e-1`",
                "t.ssm:3:80: error: dt is a time step, above 0, not -0.5 / hint: the reference's range is `dt 1e-3..1e-1`",
                "t.ssm:3:105: error: `dt` takes `band`, a number or a range such as `1e-3..1e-1`, not `bnad` / hint: did you"
                        + " mean `band`?",
                "t.ssm:3:127: error: `states` takes one value, not a range / hint: only `dt` takes a range: `dt 1e-3..1e-1`",
                "t.ssm:3:138: error: option `dt` is given twice / hint: the first is at column 130"),
                diagnostics(HEADER + "  s5(states 2, dt 0.1..1e-3) -> s5(states 2, dt 0..1) -> s5(states 2, dt 1e-3..-0.5)"
                        + " -> s5(states 2, dt bnad) -> s5(states 1..2, dt 0.1, dt 0.2)\n}\n"));
        assertEquals(List.of("t.ssm:3:41: error: `dropout` takes one value, not a range / hint: only `dt` takes a range:"
                        + " `dt 1e-3..1e-1`"),
                diagnostics(HEADER + "  s5(states 2) -> activation(dropout 0..0.5)\n}\n"));
    }

    @Test
    void bandNeedsARateWithABandToSpreadOver() {
        assertEquals(List.of("t.ssm:3:3: error: `dt band` spreads the layer's modes over the band its sample rate"
                        + " allows, but the network's input states no sample rate / hint: state it, as in `input x: 1"
                        + " channel @ 16 kHz`, or give the layer a range such as `dt 1e-3..1e-1`"),
                diagnostics("network N {\n  input a: 1 channel\n  s5(states 4, dt band)\n}\n"));
        // 16 kHz / 256 = 62.5 Hz: a Nyquist frequency of 31.25 Hz is below the spread's lowest mode (50 Hz)
        assertEquals(List.of("t.ssm:3:29: error: `dt band` spreads the modes from 50 Hz up to 90% of the Nyquist"
                        + " frequency, but this layer runs at 62.5 Hz, whose Nyquist frequency is 31.25 Hz / hint: give it"
                        + " a range such as `dt 1e-3..1e-1` instead"),
                diagnostics(HEADER + "  downsample average 256 -> s5(states 4, dt band)\n}\n"));
        // a stage's layer takes the option as a chain's does
        assertTrue(compile(HEADER + "  stage residual s5(states 4, dt band) -> downsample conv 4 to 2\n  head mean -> linear 2\n}\n")
                .ok());
    }

    @Test
    void fmtPrintsTheOptionBack() {
        String source = "network N {\n  input a: 1 channel @ 8 kHz\n\n  s5(states 8, dt 1e-3..1e-1) -> full(states 2, dt band)"
                + " -> dws(states 2, dt lo * 2..0.5)\n}\n";
        assertEquals(source, Formatter.format(FormatterTest.parse("f.ssm", source)));
        assertEquals(source, Formatter.format(FormatterTest.parse("f.ssm", source.replace("dt 1e-3..1e-1", "dt  1e-3 ..  1e-1"))));
    }

    /** How a layer's dt starts is part of the IR, and the importer's writer prints it back. */
    @Test
    void theIrCarriesTheOptionAndItsSpelling() {
        assertEquals("0.001..0.1", DtInit.REFERENCE.spelling());
        assertEquals("0.05", new DtInit.Geometric(0.05, 0.05).spelling());
        assertEquals("band", DtInit.BAND.spelling());
        Node n = LanguageTest.compile(HEADER + "  s5(states 2, dt 0.02..0.2)\n}\n").body().get(0);
        assertEquals(new DtInit.Geometric(0.02, 0.2), ((SsmLayer) n).dt());
        assertEquals("", ((SsmLayer) n).key(), "a one-layer network is a layer file, dt and all");

        Network net = LanguageTest.compile(HEADER + "  s5(states 2, dt 0.02..0.2) -> full(states 2, dt band)"
                + " -> dws(states 2, dt 0.3) -> neck(states 2)\n}\n");
        String written = Formatter.format(SsmWriter.write(net));
        assertTrue(written.contains("\n  s5(states 2, dt 0.02..0.2)\n  full(states 2, dt band)\n  dws(states 2, dt 0.3)\n"
                + "  neck(states 2)\n"), written);
        assertTrue(IrStructure.sameStructure(net, LanguageTest.compile(written)), written);
    }
}
