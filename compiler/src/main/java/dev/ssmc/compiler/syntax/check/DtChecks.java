package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.DtInit;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.train.ModeBand;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Formatter;
import dev.ssmc.compiler.syntax.Pos;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks of how the SSM layers' dt starts, which need every layer's sample rate (so they run
 * on the inferred shapes): {@code dt band} needs a rate whose band it can spread over, and a layer
 * at the waveform level (at the input's own rate) whose initial modes cannot follow audio gets a
 * warning that says what to write instead (see {@link ModeBand}: the reference's rule starts a
 * one-channel layer with every mode below about 120 Hz at 16 kHz, and such a denoiser does not
 * learn).
 *
 * <p>Only a network whose input states a sample rate is checked for the warning: without one the
 * language does not know the input is sampled audio.
 */
final class DtChecks {
    private DtChecks() {
    }

    /** Errors where {@code dt band} has no band to spread over: no sample rate, or one too low. */
    static void bandsFit(FileContext ctx, NetworkShapes shapes) {
        for (Node n : shapes.nodes()) {
            if (n instanceof SsmLayer l && l.dt() instanceof DtInit.Band) {
                bandFits(ctx, l, shapes.rateHz(l));
            }
        }
    }

    /**
     * Warnings for the waveform-level layers whose initial modes cannot follow audio; run on a
     * network without errors only, where they would not bury what must be fixed.
     */
    static void waveformReach(FileContext ctx, NetworkShapes shapes) {
        int inputRate = shapes.network().sampleRate();
        if (inputRate == 0) {
            return;
        }
        for (Node n : shapes.nodes()) {
            if (n instanceof SsmLayer l && shapes.rateIn().get(l).isOne()) {
                waveformReach(ctx, l, inputRate);
            }
        }
    }

    private static void bandFits(FileContext ctx, SsmLayer l, double hz) {
        if (hz == 0) {
            ctx.error(l.origin(), "`dt band` spreads the layer's modes over the band its sample rate allows, but the"
                    + " network's input states no sample rate", "state it, as in `input x: 1 channel @ 16 kHz`, or give"
                    + " the layer a range such as `dt 1e-3..1e-1`");
        } else if (hz < DtInit.Band.lowestRate()) {
            ctx.error(l.origin(), String.format(Locale.ROOT, "`dt band` spreads the modes from %.0f Hz up to %.0f%% of"
                    + " the Nyquist frequency, but this layer runs at %s Hz, whose Nyquist frequency is %s Hz",
                    ModeBand.DEFAULT_LOWEST_HZ, 100 * ModeBand.DEFAULT_HIGHEST_FRACTION, hz(hz), hz(hz / 2)),
                    "give it a range such as `dt 1e-3..1e-1` instead");
        }
    }

    private static void waveformReach(FileContext ctx, SsmLayer l, int rate) {
        BlockMode mode = BlockMode.of(l.mode().spelling());
        ModeBand.Reach reach = ModeBand.reach(l.initialLogDt(rate), mode, l.states(), rate);
        Optional<String> problem = reach.warning(ModeBand.DEFAULT_MIN_FRACTION);
        if (problem.isEmpty()) {
            return;
        }
        String hint = reach.oscillatingModes() == 0 ? null : String.format(Locale.ROOT, "%s, as in `%s`, to spread its"
                + " modes from %.0f Hz to %.0f%% of Nyquist (this changes how a fresh network starts, not a trained"
                + " checkpoint)", l.dt().equals(DtInit.REFERENCE) ? "add `dt band` to its options"
                : "write `dt band` instead of `dt " + l.dt().spelling() + "`", spread(ctx, l),
                ModeBand.DEFAULT_LOWEST_HZ, 100 * ModeBand.DEFAULT_HIGHEST_FRACTION);
        ctx.warning(l.origin(), "this " + l.mode().spelling() + " layer runs at the input's rate, and with dt "
                + l.dt().spelling() + (l.dt().equals(DtInit.REFERENCE) ? " (the reference's rule)" : "") + ", "
                + problem.get(), hint);
    }

    /** The layer as written, its {@code dt} option (if any) replaced by {@code dt band} at the end of its options. */
    private static String spread(FileContext ctx, SsmLayer l) {
        return ctx.writtenLayer(l.origin()).map(layer -> {
            List<Ast.Option> options = new ArrayList<>(layer.options());
            options.removeIf(o -> o.key().text().equals("dt"));
            options.add(new Ast.Option(Pos.NONE, new Ast.Name(Pos.NONE, "dt"), new Ast.Ref(Pos.NONE, "band")));
            return Formatter.itemText(new Ast.Layer(layer.pos(), layer.mode(), options, layer.channels()));
        }).orElse(l.mode().spelling() + "(states " + l.states() + ", dt band)");
    }

    /** A rate in Hz to four significant digits, as people write it: {@code 62.5}, {@code 16000}. */
    private static String hz(double v) {
        return new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros().toPlainString();
    }
}
