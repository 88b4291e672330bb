package dev.ssmc.compiler.ir;

import java.util.List;

/**
 * {@code y = postact(x + norm(body(x)))}: a residual block (the classifier's skip stages) or, with
 * no norm and no postact, an encoder/decoder skip addition (the denoiser's U-Net levels). With
 * {@code mask}, {@code y = x * sigmoid(norm(body(x)))} instead: the body computes, from the input
 * and what its layers remember, a gain between 0 and 1 for every channel and sample of the input
 * (the mask of a masking separator such as Conv-TasNet's); its postact is then the sigmoid.
 *
 * @param normKey the checkpoint prefix of the norm on the body's output
 */
public record Residual(Origin origin, List<Node> body, NormKind norm, String normKey, Postact postact, boolean mask)
        implements Node {

    public Residual {
        body = List.copyOf(body);
    }

    /** An addition: {@code postact(x + norm(body(x)))}. */
    public Residual(Origin origin, List<Node> body, NormKind norm, String normKey, Postact postact) {
        this(origin, body, norm, normKey, postact, false);
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
        if (mask && postact != Postact.SIGMOID) {
            throw new IrException(origin, "a mask's gain is the sigmoid of its body's output, not its " + postact.spelling());
        }
    }

    @Override
    public void collectParams(List<ParamSpec> out) {
        for (Node n : body) {
            n.collectParams(out);
        }
        Activation.normParams(norm, normKey, inChannels(), out);
    }
}
