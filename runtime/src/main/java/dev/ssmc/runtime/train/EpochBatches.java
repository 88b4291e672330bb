package dev.ssmc.runtime.train;

import java.util.Iterator;

/**
 * The mini-batches of one epoch of a data set, each a pure function of (data, seed, epoch, index):
 * {@link #batch(int)} may be called in any order and from any thread and gives the same batch
 * every time, which {@link #prefetching} relies on to make batches ahead on another thread. As an
 * {@link Iterator} an instance is single-use and not thread-safe.
 *
 * @param <B> the batch (clips and labels, noisy and clean mixtures, utterances and transcripts)
 */
public interface EpochBatches<B> extends Iterator<B> {
    /** The batches of the epoch. */
    int batchCount();

    /** The items of the epoch, over all its batches. */
    int itemCount();

    /** The epoch they belong to (numbered from 0). */
    int epoch();

    /** Batch {@code index}, {@code 0 <= index < batchCount()}. */
    B batch(int index);

    /** The same batches, made ahead on a background thread ({@code depth} at most waiting). */
    default PrefetchingBatches<B> prefetching(int depth) {
        return new PrefetchingBatches<>(this, depth);
    }
}
