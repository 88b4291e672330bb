package dev.ssmc.runtime.train;

import java.util.Arrays;

/**
 * Greedy CTC decoding, the best path, one frame at a time: each frame's most probable class (the
 * first of equal ones), repeats merged, blanks dropped. A label once decoded is never taken back,
 * so everything decoded so far is final. {@link CtcDecoder#greedy} is this run over a whole
 * utterance, so a stream decoded greedily gives the whole utterance's greedy labels by
 * construction. Not thread-safe.
 */
public final class GreedySearch implements StreamingDecoder {
    private final int classes;
    private int[] labels = new int[16];
    private int count;
    /** The class of the last frame decoded: a label repeated in the next frame merges with it. */
    private int previous = Alphabet.BLANK;
    private int frames;

    /** @param classes the classes per frame, the blank ({@value Alphabet#BLANK}) included */
    public GreedySearch(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("at least the blank class is needed, not " + classes + " classes");
        }
        this.classes = classes;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public void advance(FrameLogits logits) {
        if (logits.classes() != classes) {
            throw new IllegalArgumentException(logits.classes() + " classes per frame, but the search decodes " + classes);
        }
        for (int t = 0; t < logits.frames(); t++) {
            int k = logits.argmax(t);
            if (k != Alphabet.BLANK && k != previous) {
                if (count == labels.length) {
                    labels = Arrays.copyOf(labels, 2 * count);
                }
                labels[count++] = k;
            }
            previous = k;
        }
        frames += logits.frames();
    }

    /** Labels {@code from ..} of all decoded so far, which is final. */
    @Override
    public int[] commonPrefixFrom(int from) {
        if (from < 0 || from > count) {
            throw new IllegalArgumentException("label " + from + " of " + count + " decoded");
        }
        return Arrays.copyOfRange(labels, from, count);
    }

    @Override
    public int[] bestLabels() {
        return Arrays.copyOf(labels, count);
    }

    @Override
    public int frames() {
        return frames;
    }

    @Override
    public void reset() {
        count = 0;
        previous = Alphabet.BLANK;
        frames = 0;
    }
}
