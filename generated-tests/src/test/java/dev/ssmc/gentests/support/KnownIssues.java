package dev.ssmc.gentests.support;

/**
 * Bugs these properties found that are not fixed yet, each one switch that keeps the random
 * generators away from the case (so the rest stays tested) until the fix lands: then set it to
 * false and the properties cover the case again.
 */
public final class KnownIssues {
    private KnownIssues() {
    }

    /**
     * A learned resampling step of ratio 1 ({@code downsample conv 1 [to C] [with bias]},
     * {@code downsample depthwise 1}, {@code upsample conv 1 ...}): the IR and the oracle apply a
     * 1x1 (per-channel for depthwise) weight, as the README says, but the runtime's
     * {@code Resampling} treats every ratio-1 step as the identity: the plan engine and generated
     * code copy the input (wrong values) or, when the channels change, throw "downsampling with
     * ratio 1 cannot map 2 channels to 3". Reproducer: {@code network R { input x: 2 channels;
     * s5(states 1) -> downsample conv 1 to 3 }}.
     */
    public static final boolean LEARNED_RATIO_ONE_IS_IDENTITY_IN_RUNTIME = true;
}
