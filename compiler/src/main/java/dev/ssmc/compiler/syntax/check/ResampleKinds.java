package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.syntax.Ast;
import java.util.List;
import java.util.Optional;

/**
 * How the language spells the reference's resampling modes: a direction ({@code downsample} or
 * {@code upsample}), a kind, and {@code with bias} for the learned convolutions.
 *
 * <pre>
 * downsample conv r to C [with bias]   downsampling / downsampling_with_bias
 * downsample depthwise r               downsampling_dw
 * downsample average r                 average
 * downsample subsample r               subsampling
 * downsample reshape r                 downshaping
 * upsample conv r to C [with bias]     upsampling / upsampling_with_bias
 * upsample repeat r                    repeat
 * upsample reshape r                   upshaping
 * </pre>
 */
public final class ResampleKinds {
    private ResampleKinds() {
    }

    public static final List<String> DOWN_KINDS = List.of("conv", "depthwise", "average", "subsample", "reshape");
    public static final List<String> UP_KINDS = List.of("conv", "repeat", "reshape");

    /** The language's spelling of a mode. */
    public record Spelling(boolean down, String kind, boolean bias) {
    }

    public static Spelling spelling(ResampleMode mode) {
        return switch (mode) {
            case DOWNSAMPLING -> new Spelling(true, "conv", false);
            case DOWNSAMPLING_WITH_BIAS -> new Spelling(true, "conv", true);
            case DOWNSAMPLING_DW -> new Spelling(true, "depthwise", false);
            case AVERAGE -> new Spelling(true, "average", false);
            case SUBSAMPLING -> new Spelling(true, "subsample", false);
            case DOWNSHAPING -> new Spelling(true, "reshape", false);
            case UPSAMPLING -> new Spelling(false, "conv", false);
            case UPSAMPLING_WITH_BIAS -> new Spelling(false, "conv", true);
            case REPEAT -> new Spelling(false, "repeat", false);
            case UPSHAPING -> new Spelling(false, "reshape", false);
        };
    }

    /** The mode a resampling step names, or a diagnostic. */
    static Optional<ResampleMode> mode(Ast.Resample r, FileContext ctx) {
        String kind = r.kind().text();
        String dir = r.down() ? "downsample" : "upsample";
        List<String> kinds = r.down() ? DOWN_KINDS : UP_KINDS;
        List<String> other = r.down() ? UP_KINDS : DOWN_KINDS;
        if (!kinds.contains(kind)) {
            if (other.contains(kind)) {
                ctx.error(r.kind().pos(), "`" + dir + "` has no kind `" + kind + "`: `" + kind + "` "
                        + (r.down() ? "lengthens" : "shortens") + " the time axis",
                        "`" + dir + "` takes " + String.join(", ", kinds));
            } else {
                ctx.error(r.kind().pos(), "unknown resampling kind `" + kind + "`",
                        Suggest.didYouMean(kind, kinds.toArray(String[]::new))
                                .orElse("`" + dir + "` takes " + String.join(", ", kinds)));
            }
            return Optional.empty();
        }
        if (r.bias() && !kind.equals("conv")) {
            ctx.error(r.kind().pos(), "only a `conv` resampling step has a bias", "remove `with bias`");
            return Optional.empty();
        }
        ResampleMode mode = switch (kind) {
            case "conv" -> r.down() ? (r.bias() ? ResampleMode.DOWNSAMPLING_WITH_BIAS : ResampleMode.DOWNSAMPLING)
                    : (r.bias() ? ResampleMode.UPSAMPLING_WITH_BIAS : ResampleMode.UPSAMPLING);
            case "depthwise" -> ResampleMode.DOWNSAMPLING_DW;
            case "average" -> ResampleMode.AVERAGE;
            case "subsample" -> ResampleMode.SUBSAMPLING;
            case "repeat" -> ResampleMode.REPEAT;
            default -> r.down() ? ResampleMode.DOWNSHAPING : ResampleMode.UPSHAPING;
        };
        return Optional.of(mode);
    }
}
