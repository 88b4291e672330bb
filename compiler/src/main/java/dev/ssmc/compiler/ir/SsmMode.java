package dev.ssmc.compiler.ir;

/** The four generalized SSM layer modes of Centaurus. */
public enum SsmMode implements Names.Spelled {
    /** Depthwise-separable: one SSM per input channel, then a pointwise mixer. */
    DWS("dws"),
    /** Pointwise bottleneck: B projects channels to states, C projects states to channels. */
    S5("s5"),
    /** Bottleneck: B projects to J blocks, each block an N-state SSM read out through E. */
    NECK("neck"),
    /** Full convolution: an SSM per (output, input) channel pair. */
    FULL("full");

    private final String spelling;

    SsmMode(String spelling) {
        this.spelling = spelling;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public static SsmMode parse(String text) {
        return Names.parse(SsmMode.class, "SSM mode", text);
    }
}
