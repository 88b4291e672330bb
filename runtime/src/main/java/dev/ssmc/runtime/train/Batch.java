package dev.ssmc.runtime.train;

import java.util.List;

/**
 * One mini-batch: {@code size()} items of {@code length} samples each, row-major in
 * {@code inputs} (item {@code b}'s samples at {@code inputs[b*length .. (b+1)*length)}, the layout
 * of a network's {@code [batch, 1, length]} input), with their labels and where they came from.
 * The arrays belong to the batch: a consumer may modify them.
 *
 * @param index the batch's position in its epoch
 * @param inputs the samples, {@code size() * length} of them
 * @param labels the class of each item
 * @param sources each item's {@link Clip#source()} (for reports of what was misclassified)
 * @param length samples per item
 */
public record Batch(int index, float[] inputs, int[] labels, List<String> sources, int length) {
    public Batch {
        if (inputs.length != labels.length * length || sources.size() != labels.length) {
            throw new IllegalArgumentException(labels.length + " labels and " + sources.size() + " sources for "
                    + inputs.length + " samples of " + length + "-sample items");
        }
        sources = List.copyOf(sources);
    }

    /** The number of items. */
    public int size() {
        return labels.length;
    }
}
