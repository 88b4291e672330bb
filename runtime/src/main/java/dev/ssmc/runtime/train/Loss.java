package dev.ssmc.runtime.train;

/**
 * A loss and its gradient with respect to the input it was computed from (the logits, the
 * estimated waveform), laid out like that input; ready to be passed to a network's backward pass.
 *
 * @param value the loss
 * @param gradient d value / d input, one element per input element
 */
public record Loss(double value, float[] gradient) {
    @Override
    public String toString() {
        return "Loss[" + value + ", gradient of " + gradient.length + "]";
    }
}
