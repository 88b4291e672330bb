package dev.ssmc.compiler.ir;

/** What a stored tensor is, which decides its initialization and its optimizer group. */
public enum ParamRole {
    /** An SSM's A or log_dt: trained with a smaller learning rate and no weight decay. */
    SSM_DYNAMICS,
    /** An SSM's B, C or E, a convolution or linear weight. */
    WEIGHT,
    /** A bias of a convolution or linear layer. */
    BIAS,
    /** A norm's affine weight or bias. */
    NORM,
    /** A BatchNorm's running mean (a buffer, not trained by gradient). */
    RUNNING_MEAN,
    /** A BatchNorm's running variance (a buffer, not trained by gradient). */
    RUNNING_VAR;

    public boolean trainable() {
        return this != RUNNING_MEAN && this != RUNNING_VAR;
    }
}
