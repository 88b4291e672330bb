package dev.ssmc.runtime.nn;

import java.util.Locale;

/**
 * The temporal resampling modes between layers ({@code resample_mode} / {@code downsample_mode}
 * in the reference), by their reference spellings. What each one computes is described in
 * {@link Resampling}.
 */
public enum ResampleKind {
    /** Keep samples {@code r-1, 2r-1, ...}. */
    SUBSAMPLING("subsampling"),
    /** Mean over non-overlapping windows of {@code r}. */
    AVERAGE("average"),
    /** Every sample repeated {@code r} times. */
    REPEAT("repeat"),
    /** {@code Conv1d(Cin, Cout, r, stride r, bias=False)}, {@code weight[Cout][Cin][r]}. */
    DOWNSAMPLING("downsampling"),
    /** {@code Conv1d(Cin, Cout, r, stride r)}, {@code weight[Cout][Cin][r]}, {@code bias[Cout]}. */
    DOWNSAMPLING_WITH_BIAS("downsampling_with_bias"),
    /** Depthwise strided conv, {@code weight[C][r]}. */
    DOWNSAMPLING_DW("downsampling_dw"),
    /** Transposed strided conv, {@code weight[Cin][Cout][r]}. */
    UPSAMPLING("upsampling"),
    /** Transposed strided conv, {@code weight[Cin][Cout][r]}, {@code bias[Cout]}. */
    UPSAMPLING_WITH_BIAS("upsampling_with_bias"),
    /** {@code (b, c, t*r+k) -> (b, c*r+k, t)}. */
    DOWNSHAPING("downshaping"),
    /** {@code (b, c*r+k, t) -> (b, c, t*r+k)}. */
    UPSHAPING("upshaping");

    private final String spelling;

    ResampleKind(String spelling) {
        this.spelling = spelling;
    }

    /** The reference's name ({@code "subsampling"}, {@code "downsampling_dw"}, ...). */
    public String spelling() {
        return spelling;
    }

    /** Whether the mode has a learned weight. */
    public boolean hasWeight() {
        return this == DOWNSAMPLING || this == DOWNSAMPLING_WITH_BIAS || this == DOWNSAMPLING_DW
                || this == UPSAMPLING || this == UPSAMPLING_WITH_BIAS;
    }

    /** Whether the mode has a learned bias. */
    public boolean hasBias() {
        return this == DOWNSAMPLING_WITH_BIAS || this == UPSAMPLING_WITH_BIAS;
    }

    /** Whether the output is longer than the input (by the ratio). */
    public boolean isUpsampling() {
        return this == REPEAT || this == UPSAMPLING || this == UPSAMPLING_WITH_BIAS || this == UPSHAPING;
    }

    /**
     * The kind for a reference spelling.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static ResampleKind of(String spelling) {
        if (spelling != null) {
            String s = spelling.toLowerCase(Locale.ROOT);
            for (ResampleKind k : values()) {
                if (k.spelling.equals(s)) {
                    return k;
                }
            }
        }
        throw new IllegalArgumentException("unknown resampling mode '" + spelling + "' (expected one of subsampling, "
                + "average, repeat, downsampling, downsampling_with_bias, downsampling_dw, upsampling, "
                + "upsampling_with_bias, downshaping, upshaping)");
    }

    @Override
    public String toString() {
        return spelling;
    }
}
