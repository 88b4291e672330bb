package dev.ssmc.runtime.train;

/**
 * A CTC decoder fed an utterance's frames as they arrive, as {@link StreamingTranscriber} needs
 * it: it can say at any point which labels no later frame can change. The greedy search
 * ({@link GreedySearch}) never revises a label, so all it has decoded is final; the prefix beam
 * search ({@link PrefixBeamSearch}) is certain of what every prefix it keeps agrees on.
 */
public sealed interface StreamingDecoder permits GreedySearch, PrefixBeamSearch {
    /** The classes per frame, the blank ({@value Alphabet#BLANK}) included. */
    int classes();

    /** Decodes every frame of {@code logits}, in order. */
    void advance(FrameLogits logits);

    /**
     * The final labels from {@code from} on: labels {@code from ..} of the prefix that every later
     * result of this utterance starts with.
     *
     * @throws IllegalArgumentException if {@code from} is negative or past the final labels
     */
    int[] commonPrefixFrom(int from);

    /** The best labelling so far (what the utterance decodes to if it ends now). */
    int[] bestLabels();

    /** The frames decoded since the start or {@link #reset()}. */
    int frames();

    /** Back to the start of an utterance. */
    void reset();
}
