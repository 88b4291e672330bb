package dev.ssmc.runtime.train;

import java.util.List;

/**
 * Turns an utterance's per-frame logits into labels.
 *
 * <p>{@link #greedy}: the best path (the most probable class of every frame), with repeats merged
 * and blanks dropped; fast, and what a well-trained CTC network's peaky outputs need.
 * {@link #beamSearch}: the {@link PrefixBeamSearch}, which sums the alignments of each labelling
 * instead of following one, and so can find a more probable labelling than the best path's.
 */
public final class CtcDecoder {
    private CtcDecoder() {
    }

    /** The labels of the best path: each frame's largest logit (the first of equal ones), repeats merged, blanks dropped. */
    public static int[] greedy(FrameLogits logits) {
        GreedySearch search = new GreedySearch(logits.classes());
        search.advance(logits);
        return search.bestLabels();
    }

    /** The prefix beam search over the whole utterance, pruned by width alone: up to {@code width} hypotheses, the most probable first. */
    public static List<PrefixBeamSearch.Hypothesis> beamSearch(FrameLogits logits, int width) {
        return beamSearch(logits, width, Double.POSITIVE_INFINITY);
    }

    /** The prefix beam search over the whole utterance with a {@link PrefixBeamSearch log threshold} as well. */
    public static List<PrefixBeamSearch.Hypothesis> beamSearch(FrameLogits logits, int width, double logThreshold) {
        return beamSearch(logits, width, logThreshold, null);
    }

    /**
     * The prefix beam search among the labellings that {@code lexicon}'s words make (any if it is
     * null): the hypotheses that end on a whole word, the most probable first.
     */
    public static List<PrefixBeamSearch.Hypothesis> beamSearch(FrameLogits logits, int width, double logThreshold,
            Lexicon lexicon) {
        PrefixBeamSearch search = new PrefixBeamSearch(logits.classes(), width, logThreshold, lexicon);
        search.advance(logits);
        return search.hypotheses();
    }
}
