package dev.ssmc.runtime.train;

/**
 * How a batch of per-frame logits ({@code batch} items of {@code frames} frames of
 * {@code classes} classes) lies in one array. CTC and its decoders accept both, so that neither
 * the network's output nor a stream's has to be transposed.
 */
public enum LogitsLayout {
    /**
     * {@code [batch][classes][frames]}: a network's output, channel-major like every ssmc signal
     * (a sequence head's classes are its channels).
     */
    CLASSES_BY_FRAMES,
    /**
     * {@code [batch][frames][classes]}: a frame's classes side by side, as a stream emits them
     * (frame-major, see {@code dev.ssmc.runtime.stream}) and as PyTorch's {@code ctc_loss} takes
     * them (up to the order of batch and time).
     */
    FRAMES_BY_CLASSES;

    /** Item {@code b}'s logits in {@code data}, all {@code frames} of them. */
    public FrameLogits item(float[] data, int b, int frames, int classes) {
        int offset = b * frames * classes;
        return this == CLASSES_BY_FRAMES
                ? new FrameLogits(data, offset, frames, classes, 1, frames)
                : new FrameLogits(data, offset, frames, classes, classes, 1);
    }

    /** Checks that {@code data} holds exactly {@code batch} items of this size. */
    void requireSize(float[] data, int batch, int frames, int classes) {
        if (batch < 0 || frames < 0 || classes < 1 || (long) batch * frames * classes != data.length) {
            throw new IllegalArgumentException(data.length + " logits are not " + batch + " items of " + frames
                    + " frames of " + classes + " classes");
        }
    }
}
