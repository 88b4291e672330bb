package dev.ssmc.compiler.ir;

/** The pointwise activations that follow a norm. */
public enum Postact implements Names.Spelled {
    IDENTITY("identity"),
    RELU("relu"),
    RELU6("relu6"),
    /** Leaky ReLU with slope 0.1. */
    LELU("lelu"),
    SIGMOID("sigmoid"),
    TANH("tanh"),
    /** GELU with the exact erf. */
    GELU("gelu"),
    /** Gated linear unit over channels: first half times sigmoid of second half; halves the channels. */
    GLU("glu"),
    SILU("silu");

    private final String spelling;

    Postact(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    /** Channels after this postact on {@code features} channels. */
    public int outFeatures(int features) {
        return this == GLU ? features / 2 : features;
    }

    public static Postact parse(String text) {
        return Names.parse(Postact.class, "activation", text);
    }
}
