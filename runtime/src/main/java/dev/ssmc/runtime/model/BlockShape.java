package dev.ssmc.runtime.model;

/**
 * The shape of an SSM block: its mode, channels, states per block ({@code N}) and blocks ({@code J}).
 * For dws the SSM keeps the input's channels and a pointwise conv maps them to {@code outChannels}.
 */
public record BlockShape(BlockMode mode, int inChannels, int outChannels, int states, int blocks) {

    /** The channels the SSM itself produces (before dws's pointwise conv). */
    public int ssmChannels() {
        return mode == BlockMode.DWS ? inChannels : outChannels;
    }

    /** The diagonal states that carry a multiplier: one per (c, n) for dws, (d, c, n) for full, (j, m) for s5 and neck. */
    public int kernelStates() {
        return Math.toIntExact(stateCount());
    }

    /** {@link #kernelStates()} without overflow, for sizing a block before anything is allocated for it. */
    public long stateCount() {
        return switch (mode) {
            case DWS -> (long) inChannels * states;
            case S5, NECK -> (long) blocks * states;
            case FULL -> (long) outChannels * inChannels * states;
        };
    }
}
