package dev.ssmc.compiler.ir;

/** Temporal resampling between layers by an integer ratio r. */
public enum ResampleMode implements Names.Spelled {
    /** Keeps samples r-1, 2r-1, ... */
    SUBSAMPLING("subsampling", Direction.DOWN),
    /** Mean over non-overlapping windows of r. */
    AVERAGE("average", Direction.DOWN),
    /** Each sample repeated r times. */
    REPEAT("repeat", Direction.UP),
    /** Conv1d(Cin, Cout, kernel r, stride r), no bias. */
    DOWNSAMPLING("downsampling", Direction.DOWN),
    DOWNSAMPLING_WITH_BIAS("downsampling_with_bias", Direction.DOWN),
    /** Per-channel strided conv, weight[C, r]. */
    DOWNSAMPLING_DW("downsampling_dw", Direction.DOWN),
    /** Transposed conv, weight[Cin, Cout, r], no bias. */
    UPSAMPLING("upsampling", Direction.UP),
    UPSAMPLING_WITH_BIAS("upsampling_with_bias", Direction.UP),
    /** (b, c, t*r) to (b, c*r, t), channel index c*r + k. */
    DOWNSHAPING("downshaping", Direction.DOWN),
    /** The inverse of downshaping. */
    UPSHAPING("upshaping", Direction.UP);

    /** Whether the mode shortens or lengthens the time axis. */
    public enum Direction { DOWN, UP }

    private final String spelling;
    private final Direction direction;

    ResampleMode(String spelling, Direction direction) {
        this.spelling = spelling;
        this.direction = direction;
    }

    @Override
    public String spelling() {
        return spelling;
    }

    public Direction direction() {
        return direction;
    }

    public boolean hasWeight() {
        return this == DOWNSAMPLING || this == DOWNSAMPLING_WITH_BIAS || this == DOWNSAMPLING_DW
                || this == UPSAMPLING || this == UPSAMPLING_WITH_BIAS;
    }

    public boolean hasBias() {
        return this == DOWNSAMPLING_WITH_BIAS || this == UPSAMPLING_WITH_BIAS;
    }

    /** Whether the output channel count may differ from the input's freely (a learned conv). */
    public boolean mixesChannels() {
        return this == DOWNSAMPLING || this == DOWNSAMPLING_WITH_BIAS || this == UPSAMPLING || this == UPSAMPLING_WITH_BIAS;
    }

    /** The output channels this mode forces for {@code in} channels at ratio r, or -1 when free. */
    public int forcedOutChannels(int in, int ratio) {
        return switch (this) {
            case DOWNSHAPING -> in * ratio;
            case UPSHAPING -> in % ratio == 0 ? in / ratio : -1;
            case SUBSAMPLING, AVERAGE, REPEAT, DOWNSAMPLING_DW -> in;
            default -> -1;
        };
    }

    /**
     * The decoder's counterpart of an encoder's mode, as the reference's denoiser pairs them:
     * "down..." becomes "up..." and average becomes repeat; the other modes have none.
     */
    public ResampleMode mirror() {
        return switch (this) {
            case AVERAGE -> REPEAT;
            case DOWNSAMPLING -> UPSAMPLING;
            case DOWNSAMPLING_WITH_BIAS -> UPSAMPLING_WITH_BIAS;
            case DOWNSHAPING -> UPSHAPING;
            default -> throw new IllegalArgumentException("'" + spelling + "' has no decoder counterpart;"
                    + " use downsampling, downsampling_with_bias, downshaping or average");
        };
    }

    public static ResampleMode parse(String text) {
        return Names.parse(ResampleMode.class, "resampling mode", text);
    }
}
