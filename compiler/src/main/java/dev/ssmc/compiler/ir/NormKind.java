package dev.ssmc.compiler.ir;

/** The normalizations of an activation, spelled as the reference spells them. */
public enum NormKind implements Names.Spelled {
    NONE("none"),
    /** BatchNorm over channels; statistics over batch and time (running statistics in eval). */
    BATCH("batch"),
    /** LayerNorm over channels at each time step; identity when there is one channel. */
    LAYER_FEATURE("layer-feature"),
    /** RMSNorm over channels at each time step; identity when there is one channel. */
    RMS("rms"),
    /** LayerNorm over the last axis (time), so the sequence length must equal the channel count. */
    LAYER("layer"),
    /** GroupNorm with 4 groups; statistics over the group's channels and time. */
    GROUP("group"),
    /** GroupNorm with one group per channel; statistics over time. */
    INSTANCE("instance");

    private final String spelling;

    NormKind(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    /** Whether the norm at time t depends only on time t (so streaming is exact). */
    public boolean causal() {
        return this == NONE || this == BATCH || this == LAYER_FEATURE || this == RMS;
    }

    /** Whether this norm has no effect and no parameters on {@code features} channels. */
    public boolean isIdentityOn(int features) {
        return this == NONE || (features == 1 && (this == LAYER_FEATURE || this == RMS));
    }

    public static NormKind parse(String text) {
        return Names.parse(NormKind.class, "norm", text);
    }
}
