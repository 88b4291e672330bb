package dev.ssmc.runtime.nn;

import java.util.Locale;

/**
 * The normalizations of an activation block ({@code norm} in the reference), by their reference
 * spellings. What each one computes, its parameters and its saved statistics are described in
 * {@link Norm}.
 */
public enum NormKind {
    /** {@code nn.BatchNorm1d(F)}: per channel, statistics over batch and time; running statistics. */
    BATCH("batch"),
    /** {@code nn.LayerNorm(F)} over the channels at each time step; the identity when {@code F == 1}. */
    LAYER_FEATURE("layer-feature"),
    /** {@code nn.RMSNorm(F)} over the channels at each time step; the identity when {@code F == 1}. */
    RMS("rms"),
    /** {@code nn.LayerNorm(F)} over the last axis (time), so {@code T == F}; weight and bias indexed by time. */
    LAYER("layer"),
    /** {@code nn.GroupNorm(4, F)}: statistics over a quarter of the channels and all time steps. */
    GROUP("group"),
    /** {@code nn.GroupNorm(F, F)}: statistics over one channel's time steps. */
    INSTANCE("instance"),
    /** No normalization (the reference's {@code None}). */
    NONE("none");

    private final String spelling;

    NormKind(String spelling) {
        this.spelling = spelling;
    }

    /** The reference's name ({@code "batch"}, {@code "layer-feature"}, ...). */
    public String spelling() {
        return spelling;
    }

    /**
     * The kind for a reference spelling; {@code null} and {@code "null"} (the reference's way of
     * writing None in configs) mean {@link #NONE}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static NormKind of(String spelling) {
        if (spelling == null || spelling.equals("null")) {
            return NONE;
        }
        String s = spelling.toLowerCase(Locale.ROOT);
        for (NormKind k : values()) {
            if (k.spelling.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown norm '" + spelling + "' (expected one of batch, layer-feature, "
                + "rms, layer, group, instance, none)");
    }

    @Override
    public String toString() {
        return spelling;
    }
}
