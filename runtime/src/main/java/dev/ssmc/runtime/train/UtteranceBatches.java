package dev.ssmc.runtime.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The mini-batches of one epoch over a split's {@link Utterance}s, in order; the last batch is
 * smaller when the items do not divide evenly. Each batch is padded to its own longest item.
 *
 * <p><b>Training</b> ({@link #training}): the utterances shuffled, each changed by an
 * {@link UtteranceAugmentation}. <b>Evaluation</b> ({@link #evaluation}): in order, unchanged.
 *
 * <p><b>Determinism</b>, as in {@link Batches}: the order comes from (seed, epoch) and an item's
 * augmentation from (seed, epoch, its position in the epoch), so a batch is a pure function of
 * (data, seed, epoch, index): {@link #batch(int)} may be called in any order and from any thread
 * and gives the same batch every time. As an {@link Iterator} an instance is single-use and not
 * thread-safe; {@link #batch(int)} is thread-safe.
 */
public final class UtteranceBatches implements EpochBatches<UtteranceBatch> {
    /** Batches' worth of utterances sorted by length together (see {@link #bucketed}). */
    static final int BUCKET_BATCHES = 8;
    private final List<Utterance> items;
    private final int batchSize;
    private final long seed;
    private final int epoch;
    private final UtteranceAugmentation augmentation;
    private final BackgroundNoise noise;
    private final int[] order;
    private int cursor;

    private UtteranceBatches(List<Utterance> items, int batchSize, long seed, int epoch,
                             UtteranceAugmentation augmentation, BackgroundNoise noise, int[] order) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        }
        this.items = List.copyOf(items);
        this.batchSize = batchSize;
        this.seed = seed;
        this.epoch = epoch;
        this.augmentation = augmentation;
        this.noise = noise;
        this.order = order;
    }

    /**
     * A training epoch: the utterances shuffled by (seed, epoch), augmented.
     *
     * @param noise what the augmentation's noise is cut from (its training part); may be empty if
     *     the augmentation adds none
     * @throws IllegalArgumentException if {@code batchSize < 1}, or the augmentation adds noise and
     *     there is none
     */
    public static UtteranceBatches training(List<Utterance> items, int batchSize, long seed, int epoch,
                                            UtteranceAugmentation augmentation, BackgroundNoise noise) {
        if (augmentation.addsNoise() && noise.isEmpty()) {
            throw new IllegalArgumentException("the augmentation adds noise, but there are no noise recordings"
                    + " (give some, or set its noise probability to 0)");
        }
        // a random key per item, sorted: a shuffle whose generator serves nothing else
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(seed, epoch, Seeds.SHUFFLE));
        long[] keys = rnd.longs(items.size()).toArray();
        int[] shuffled = IntStream.range(0, items.size()).boxed()
                .sorted((a, b) -> keys[a] != keys[b] ? Long.compare(keys[a], keys[b]) : Integer.compare(a, b))
                .mapToInt(Integer::intValue).toArray();
        int[] order = bucketed(items, shuffled, batchSize, new SplittableRandom(Seeds.mix(seed, epoch, Seeds.BATCH_ORDER)));
        return new UtteranceBatches(items, batchSize, seed, epoch, augmentation, noise, order);
    }

    /**
     * The shuffled order regrouped so that a batch holds utterances of similar lengths: each run
     * of {@value #BUCKET_BATCHES} batches' worth of the shuffle is sorted by length and cut into
     * batches, and the whole batches are shuffled (a smaller last batch stays last). A batch is
     * padded to its longest item, so with asr-synth's lengths (0.7 to 4.8 s) random batches spend
     * about 40% of the compute on padding; the items still meet in a different batch every epoch.
     */
    private static int[] bucketed(List<Utterance> items, int[] shuffled, int batchSize, SplittableRandom rnd) {
        int n = shuffled.length;
        Integer[] sorted = new Integer[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = shuffled[i];
        }
        int window = batchSize * BUCKET_BATCHES;
        for (int from = 0; from < n; from += window) {
            // a stable sort: equal lengths keep their shuffled order
            Arrays.sort(sorted, from, Math.min(n, from + window),
                    Comparator.comparingInt(i -> items.get(i).samples().length));
        }
        int whole = n / batchSize;
        int[] batches = IntStream.range(0, whole).toArray();
        for (int i = whole - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = batches[i];
            batches[i] = batches[j];
            batches[j] = t;
        }
        int[] order = new int[n];
        for (int b = 0; b < whole; b++) {
            for (int k = 0; k < batchSize; k++) {
                order[b * batchSize + k] = sorted[batches[b] * batchSize + k];
            }
        }
        for (int i = whole * batchSize; i < n; i++) {
            order[i] = sorted[i];
        }
        return order;
    }

    /** An evaluation pass: the utterances in order, unchanged. */
    public static UtteranceBatches evaluation(List<Utterance> items, int batchSize) {
        return new UtteranceBatches(items, batchSize, 0, 0, UtteranceAugmentation.NONE, BackgroundNoise.of(List.of()),
                IntStream.range(0, items.size()).toArray());
    }

    /** Items in the epoch. */
    public int itemCount() {
        return order.length;
    }

    /** Batches in the epoch (the last one may be smaller). */
    public int batchCount() {
        return (int) (((long) order.length + batchSize - 1) / batchSize);
    }

    public int batchSize() {
        return batchSize;
    }

    public int epoch() {
        return epoch;
    }

    /** Batch {@code index} of the epoch, made afresh (see the class comment: the same every time). */
    public UtteranceBatch batch(int index) {
        if (index < 0 || index >= batchCount()) {
            throw new IndexOutOfBoundsException("batch " + index + " of an epoch of " + batchCount());
        }
        int first = index * batchSize;
        int size = Math.min(batchSize, order.length - first);
        float[][] samples = new float[size][];
        int[] lengths = new int[size];
        int[][] labels = new int[size][];
        List<String> texts = new ArrayList<>(size);
        List<String> sources = new ArrayList<>(size);
        int length = 0;
        for (int b = 0; b < size; b++) {
            int position = first + b;
            Utterance u = items.get(order[position]);
            samples[b] = augmentation.equals(UtteranceAugmentation.NONE) ? u.samples() : augmentation.apply(u.samples(),
                    noise, new SplittableRandom(Seeds.mix(seed, epoch, Seeds.AUGMENTATION, position)));
            lengths[b] = samples[b].length;
            length = Math.max(length, lengths[b]);
            labels[b] = u.labels().clone();
            texts.add(u.text());
            sources.add(u.source());
        }
        float[] inputs = new float[size * length];
        for (int b = 0; b < size; b++) {
            System.arraycopy(samples[b], 0, inputs, b * length, lengths[b]);
        }
        return new UtteranceBatch(index, inputs, length, lengths, labels, texts, sources);
    }

    @Override
    public boolean hasNext() {
        return cursor < batchCount();
    }

    @Override
    public UtteranceBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the epoch has " + batchCount() + " batches");
        }
        return batch(cursor++);
    }
}
