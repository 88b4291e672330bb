package dev.ssmc.compiler.ir;

import java.util.List;

/**
 * One element of a network's body. Every node maps a {@code [batch, channels, time]} signal to
 * another; it declares its channel counts, and its time ratio (output samples per input sample).
 */
public sealed interface Node permits SsmLayer, ActLayer, Resample, Residual {
    Origin origin();

    int inChannels();

    int outChannels();

    /** Output samples per input sample. */
    Rational timeRatio();

    /** Checks the node's own hyper-parameters; {@link IrException} when they are not valid. */
    void validate();

    /** Appends the node's stored tensors, in the order the reference's state dict lists them. */
    void collectParams(List<ParamSpec> out);
}
