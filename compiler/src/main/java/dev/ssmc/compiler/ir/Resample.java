package dev.ssmc.compiler.ir;

import java.util.List;

/**
 * Temporal resampling by an integer ratio (see {@code centaurus-reference.md}, section 3).
 *
 * @param key the checkpoint prefix of the conv's {@code weight} and {@code bias}
 */
public record Resample(Origin origin, String key, ResampleMode mode, int ratio, int inChannels, int outChannels)
        implements Node {

    @Override
    public Rational timeRatio() {
        return mode.direction() == ResampleMode.Direction.DOWN ? Rational.of(1, ratio) : Rational.of(ratio, 1);
    }

    @Override
    public void validate() {
        if (ratio < 1) {
            throw new IrException(origin, "the resampling ratio must be a positive integer, got " + ratio);
        }
        if (inChannels < 1 || outChannels < 1) {
            throw new IrException(origin, "channel counts must be at least 1, got " + inChannels + " -> " + outChannels);
        }
        if (mode == ResampleMode.UPSHAPING && inChannels % ratio != 0) {
            throw new IrException(origin, "upshaping by " + ratio + " needs a channel count divisible by " + ratio
                    + ", not " + inChannels);
        }
        int forced = mode.forcedOutChannels(inChannels, ratio);
        if (forced >= 0 && forced != outChannels) {
            throw new IrException(origin, mode.spelling() + " by " + ratio + " turns " + inChannels + " channels into "
                    + forced + ", not " + outChannels);
        }
    }

    @Override
    public void collectParams(List<ParamSpec> out) {
        switch (mode) {
            case DOWNSAMPLING, DOWNSAMPLING_WITH_BIAS ->
                    out.add(ParamSpec.of(Keys.join(key, "weight"), ParamRole.WEIGHT, outChannels, inChannels, ratio));
            case UPSAMPLING, UPSAMPLING_WITH_BIAS ->
                    out.add(ParamSpec.of(Keys.join(key, "weight"), ParamRole.WEIGHT, inChannels, outChannels, ratio));
            case DOWNSAMPLING_DW -> out.add(ParamSpec.of(Keys.join(key, "weight"), ParamRole.WEIGHT, inChannels, ratio));
            default -> {
            }
        }
        if (mode.hasBias()) {
            out.add(ParamSpec.of(Keys.join(key, "bias"), ParamRole.BIAS, outChannels));
        }
    }
}
