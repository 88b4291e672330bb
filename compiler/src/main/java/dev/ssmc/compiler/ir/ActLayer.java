package dev.ssmc.compiler.ir;

import java.util.List;

/**
 * A standalone activation on a signal, such as the norm and postact after a pooling conv.
 *
 * @param normKey the checkpoint prefix of the norm's tensors
 */
public record ActLayer(Origin origin, String normKey, int inChannels, Activation act) implements Node {
    @Override
    public int outChannels() {
        return act.outFeatures(inChannels);
    }

    @Override
    public Rational timeRatio() {
        return Rational.ONE;
    }

    @Override
    public void validate() {
        if (inChannels < 1) {
            throw new IrException(origin, "an activation needs at least 1 channel, got " + inChannels);
        }
        act.validate(origin, inChannels);
    }

    @Override
    public void collectParams(List<ParamSpec> out) {
        Activation.normParams(act.norm(), normKey, inChannels, out);
    }
}
