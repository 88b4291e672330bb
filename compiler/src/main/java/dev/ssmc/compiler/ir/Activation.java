package dev.ssmc.compiler.ir;

import java.util.List;

/**
 * {@code act(F)}: a norm over F channels, then a postact, then dropout (training only).
 *
 * @param dropout the dropout probability in training, 0 for none
 */
public record Activation(NormKind norm, Postact postact, double dropout) {
    public static final Activation NONE = new Activation(NormKind.NONE, Postact.IDENTITY, 0);

    public Activation {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    public Activation withNorm(NormKind n) {
        return new Activation(n, postact, dropout);
    }

    public boolean isIdentityOn(int features) {
        return norm.isIdentityOn(features) && postact == Postact.IDENTITY;
    }

    /** Channels after this activation on {@code features} channels. */
    public int outFeatures(int features) {
        return postact.outFeatures(features);
    }

    /** Checks this activation can apply to {@code features} channels. */
    void validate(Origin origin, int features) {
        if (postact == Postact.GLU && features % 2 != 0) {
            throw new IrException(origin, "glu halves the channels, so it needs an even channel count, not " + features);
        }
        if (norm == NormKind.GROUP && features % 4 != 0) {
            throw new IrException(origin, "norm group uses 4 groups, so it needs a channel count divisible by 4, not " + features);
        }
    }

    /** The parameters of this activation's norm on {@code features} channels, under {@code prefix}. */
    public static void normParams(NormKind norm, String prefix, int features, List<ParamSpec> out) {
        if (norm.isIdentityOn(features)) {
            return;
        }
        switch (norm) {
            case BATCH -> {
                out.add(ParamSpec.of(Keys.join(prefix, "weight"), ParamRole.NORM, features));
                out.add(ParamSpec.of(Keys.join(prefix, "bias"), ParamRole.NORM, features));
                out.add(ParamSpec.of(Keys.join(prefix, "running_mean"), ParamRole.RUNNING_MEAN, features));
                out.add(ParamSpec.of(Keys.join(prefix, "running_var"), ParamRole.RUNNING_VAR, features));
            }
            case RMS -> out.add(ParamSpec.of(Keys.join(prefix, "rms_norm.weight"), ParamRole.NORM, features));
            case LAYER_FEATURE, LAYER, GROUP, INSTANCE -> {
                out.add(ParamSpec.of(Keys.join(prefix, "weight"), ParamRole.NORM, features));
                out.add(ParamSpec.of(Keys.join(prefix, "bias"), ParamRole.NORM, features));
            }
            case NONE -> {
            }
        }
    }
}
