package dev.ssmc.compiler.ir;

import java.util.List;

/**
 * {@code y = postact(x + norm(body(x)))}: a residual block (the classifier's skip stages) or, with
 * no norm and no postact, an encoder/decoder skip addition (the denoiser's U-Net levels).
 *
 * @param normKey the checkpoint prefix of the norm on the body's output
 */
public record Residual(Origin origin, List<Node> body, NormKind norm, String normKey, Postact postact)
        implements Node {

    public Residual {
        body = List.copyOf(body);
    }

    @Override
    public int inChannels() {
        return body.isEmpty() ? 0 : body.get(0).inChannels();
    }

    @Override
    public int outChannels() {
        return postact.outFeatures(inChannels());
    }

    @Override
    public Rational timeRatio() {
        return Rational.ONE;
    }

    @Override
    public void validate() {
        if (body.isEmpty()) {
            throw new IrException(origin, "a residual block needs at least one layer in its body");
        }
        // The body's own consistency is checked by shape inference, which walks into it.
        new Activation(norm, postact, 0).validate(origin, inChannels());
    }

    @Override
    public void collectParams(List<ParamSpec> out) {
        for (Node n : body) {
            n.collectParams(out);
        }
        Activation.normParams(norm, normKey, inChannels(), out);
    }
}
