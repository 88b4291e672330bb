package dev.ssmc.compiler.exec;

import dev.ssmc.runtime.tensor.Tensor;

/**
 * A network bound to its weights, runnable by one engine (the oracle, the plan executor or
 * generated code). Inputs and outputs are float32 tensors {@code [batch, channels, time]}.
 */
public interface Execution {
    /** The body's output and, for a classifier, the head's output. */
    record Outputs(Tensor features, Tensor logits) {
    }

    /** The whole sequence at once. */
    Outputs forward(Tensor input);

    /**
     * The same input fed as consecutive chunks of the given sizes through one stream; the outputs
     * are the concatenation of what each chunk produced, and the head applied to all of it.
     */
    Outputs stream(Tensor input, int[] chunks);

    /**
     * The gradients, in eval mode, of {@code sum(features * gradFeatures) + sum(logits * gradLogits)}
     * by the input (key {@code "input"}) and by every trainable parameter (its checkpoint key).
     * Either gradient may be null. Engines without a backward pass throw
     * {@link UnsupportedOperationException}.
     */
    default java.util.Map<String, Tensor> gradients(Tensor input, Tensor gradFeatures, Tensor gradLogits) {
        throw new UnsupportedOperationException("this engine has no backward pass");
    }
}
