package dev.ssmc.runtime.train;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The mini-batches of one epoch over a {@link ClipSet}, in order; the last batch is smaller when
 * the items do not divide evenly.
 *
 * <p><b>Training</b> ({@link #training}): the split's word clips plus
 * {@link ClipSet#trainingSilenceCount()} fresh silence items, shuffled, each changed by an
 * {@link Augmentation}, whose noise comes from the set's background noise and from other noise
 * recordings if given. <b>Evaluation</b> ({@link #evaluation}): {@link ClipSet#evaluationItems()}
 * in order, unchanged.
 *
 * <p><b>Determinism.</b> Every random draw comes from a generator seeded by (seed, epoch, what
 * the draw is for, the item's position in the epoch): the order from (seed, epoch), a silence
 * item's noise from its number, an item's augmentation from its position. So a batch is a pure
 * function of (data, seed, epoch, index): {@link #batch(int)} may be called in any order and from
 * any thread, and gives the same batch every time; a different epoch gives a different order and
 * different augmentation. {@link #prefetching} relies on this to make batches ahead on another
 * thread without changing them.
 *
 * <p>As an {@link Iterator} an instance is single-use and not thread-safe; {@link #batch(int)}
 * is thread-safe.
 */
public final class Batches implements EpochBatches<Batch> {
    private final ClipSet set;
    private final int batchSize;
    private final long seed;
    private final int epoch;
    private final Augmentation augmentation;
    private final Augmentation.Context context;
    private final boolean training;
    /** Item per position: below {@code clips.size()} a word clip, then silence items by number. */
    private final int[] order;
    private int cursor;

    private Batches(ClipSet set, int batchSize, long seed, int epoch, Augmentation augmentation,
                    BackgroundNoise recordings, boolean training, int[] order) {
        this.set = set;
        this.batchSize = batchSize;
        this.seed = seed;
        this.epoch = epoch;
        this.augmentation = augmentation;
        this.context = new Augmentation.Context(set.data().options().sampleRate(), set.noise(), set.split(), recordings);
        this.training = training;
        this.order = order;
    }

    /** {@link #training(ClipSet, int, long, int, Augmentation, BackgroundNoise)} with no other noise recordings. */
    public static Batches training(ClipSet set, int batchSize, long seed, int epoch, Augmentation augmentation) {
        return training(set, batchSize, seed, epoch, augmentation, BackgroundNoise.of(List.of()));
    }

    /**
     * A training epoch: word clips and fresh silence items, shuffled by (seed, epoch), augmented.
     *
     * @param recordings the noise recordings the augmentation mixes in at a signal-to-noise ratio
     *     (their training part); may be empty if it mixes in none
     * @throws IllegalArgumentException if {@code batchSize < 1}, or the augmentation adds background
     *     noise and the data set has none, or it adds recordings and there are none
     */
    public static Batches training(ClipSet set, int batchSize, long seed, int epoch, Augmentation augmentation,
                                   BackgroundNoise recordings) {
        checkBatchSize(batchSize);
        if (augmentation.addsNoise() && set.noise().isEmpty()) {
            throw new InvalidInputException("the augmentation adds background noise, but " + set.data().dir()
                    + " has none (use an augmentation without noise)");
        }
        if (augmentation.addsRecordings() && recordings.isEmpty()) {
            throw new InvalidInputException("the augmentation adds noise recordings, but none were given (give some,"
                    + " or use an augmentation without them)");
        }
        int items = set.clips().size() + set.trainingSilenceCount();
        int[] order = new int[items];
        for (int i = 0; i < items; i++) {
            order[i] = i;
        }
        // Fisher-Yates with a generator of its own, so the order does not depend on other draws
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(seed, epoch, Seeds.SHUFFLE));
        for (int i = items - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return new Batches(set, batchSize, seed, epoch, augmentation, recordings, true, order);
    }

    /** An evaluation pass: {@link ClipSet#evaluationItems()} in order, unchanged. */
    public static Batches evaluation(ClipSet set, int batchSize) {
        checkBatchSize(batchSize);
        int items = set.clips().size() + set.fixedSilence().size();
        int[] order = new int[items];
        for (int i = 0; i < items; i++) {
            order[i] = i;
        }
        return new Batches(set, batchSize, 0, 0, Augmentation.NONE, BackgroundNoise.of(List.of()), false, order);
    }

    private static void checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        }
    }

    /** Items in the epoch. */
    public int itemCount() {
        return order.length;
    }

    /** Batches in the epoch (the last one may be smaller). */
    public int batchCount() {
        return (int) (((long) order.length + batchSize - 1) / batchSize); // long: a batch size near 2^31 must not wrap
    }

    public int batchSize() {
        return batchSize;
    }

    public int epoch() {
        return epoch;
    }

    /** Batch {@code index} of the epoch, made afresh (see the class comment: the same every time). */
    public Batch batch(int index) {
        if (index < 0 || index >= batchCount()) {
            throw new IndexOutOfBoundsException("batch " + index + " of an epoch of " + batchCount());
        }
        int first = index * batchSize;
        int size = Math.min(batchSize, order.length - first);
        int length = set.clipLength();
        float[] inputs = new float[size * length];
        int[] labels = new int[size];
        List<String> sources = new ArrayList<>(size);
        List<Clip> clips = set.clips();
        float[] silence = null;
        for (int b = 0; b < size; b++) {
            int position = first + b;
            int item = order[position];
            float[] samples;
            if (item < clips.size()) {
                Clip clip = clips.get(item);
                samples = clip.samples();
                labels[b] = clip.label();
                sources.add(clip.source());
            } else if (!training) {
                Clip clip = set.fixedSilence().get(item - clips.size());
                samples = clip.samples();
                labels[b] = clip.label();
                sources.add(clip.source());
            } else {
                silence = silence == null ? new float[length] : silence;
                Arrays.fill(silence, 0f);
                SplittableRandom rnd = new SplittableRandom(
                        Seeds.mix(seed, epoch, Seeds.TRAINING_SILENCE, item - clips.size()));
                sources.add(set.addFreshSilence(rnd, silence, 0));
                samples = silence;
                labels[b] = set.silenceLabel();
            }
            if (training) {
                SplittableRandom rnd = new SplittableRandom(Seeds.mix(seed, epoch, Seeds.AUGMENTATION, position));
                augmentation.apply(samples, inputs, b * length, context, rnd);
            } else {
                System.arraycopy(samples, 0, inputs, b * length, length);
            }
        }
        return new Batch(index, inputs, labels, sources, length);
    }

    @Override
    public boolean hasNext() {
        return cursor < batchCount();
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the epoch has " + batchCount() + " batches");
        }
        return batch(cursor++);
    }
}
