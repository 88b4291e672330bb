package dev.ssmc.runtime.train;

import java.util.List;

/**
 * One mini-batch of utterances of different lengths, each padded with zeros at its end to the
 * longest: row-major in {@code inputs} (item {@code b}'s samples at {@code inputs[b*length ..
 * (b+1)*length)}, the layout of a network's {@code [batch, 1, length]} input), with each item's
 * own length, labels and transcript. The arrays belong to the batch: a consumer may modify them.
 *
 * @param index the batch's position in its epoch
 * @param inputs the padded samples, {@code size() * length} of them
 * @param length samples per padded item: the longest item's
 * @param lengths each item's own samples, before its padding
 * @param labels each item's labels (see {@link Alphabet#encode})
 * @param texts each item's transcript, normalized (for error rates)
 * @param sources each item's {@link Utterance#source()}
 */
public record UtteranceBatch(int index, float[] inputs, int length, int[] lengths, int[][] labels, List<String> texts,
                             List<String> sources) {
    public UtteranceBatch {
        int size = lengths.length;
        if (inputs.length != size * length || labels.length != size || texts.size() != size || sources.size() != size) {
            throw new IllegalArgumentException(size + " lengths, " + labels.length + " label sequences, " + texts.size()
                    + " texts and " + sources.size() + " sources for " + inputs.length + " samples of " + length
                    + "-sample items");
        }
        for (int n : lengths) {
            if (n < 0 || n > length) {
                throw new IllegalArgumentException("an item of " + n + " samples in a batch padded to " + length);
            }
        }
        texts = List.copyOf(texts);
        sources = List.copyOf(sources);
    }

    /** The number of items. */
    public int size() {
        return lengths.length;
    }

    /**
     * Each item's frames at the network's output, which has one frame per {@code samplesPerFrame}
     * input samples and drops an incomplete last one (as the language's resampling steps do):
     * {@code lengths[b] / samplesPerFrame}. These are the frame lengths CTC takes; the frames past
     * them are computed from padding.
     */
    public int[] frameLengths(int samplesPerFrame) {
        if (samplesPerFrame < 1) {
            throw new IllegalArgumentException("samples per frame must be at least 1, not " + samplesPerFrame);
        }
        int[] frames = new int[lengths.length];
        for (int b = 0; b < frames.length; b++) {
            frames[b] = lengths[b] / samplesPerFrame;
        }
        return frames;
    }
}
