package dev.ssmc.runtime.train;

import java.util.List;

/**
 * One mini-batch of enhancement training: {@code size()} mixtures and their clean speech, each
 * {@code length} samples, row-major in the layout of a network's {@code [batch, 1, length]} input
 * and output (item {@code b} at {@code [b*length .. (b+1)*length)}). The arrays belong to the
 * batch: a consumer may modify them.
 *
 * @param index the batch's position in its epoch
 * @param noisy the network's inputs
 * @param clean the outputs it should give
 * @param sources how each item was made (clip and crop, noise recording and segment, SNR, gain)
 * @param length samples per item
 */
public record MixtureBatch(int index, float[] noisy, float[] clean, List<String> sources, int length) {
    public MixtureBatch {
        if (noisy.length != clean.length || noisy.length != sources.size() * length) {
            throw new IllegalArgumentException(sources.size() + " items of " + length + " samples, but "
                    + noisy.length + " noisy and " + clean.length + " clean samples");
        }
        sources = List.copyOf(sources);
    }

    /** The number of items. */
    public int size() {
        return sources.size();
    }
}
