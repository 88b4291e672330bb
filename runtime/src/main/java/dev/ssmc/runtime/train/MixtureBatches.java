package dev.ssmc.runtime.train;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * The mini-batches of one epoch of enhancement training, in order; the last batch is smaller when
 * the items do not divide evenly.
 *
 * <p>An epoch has {@link EnhancementSet.Options#cropsPerClip()} items per training clip, in an
 * order shuffled by (seed, epoch). Item {@code p} of the epoch is made from its clip as follows,
 * every draw from a generator seeded by (seed, epoch, {@code p}) in this order: the crop's start
 * (uniform over the clip's whole crops; a clip shorter than the crop is zero-padded at the end
 * and draws nothing), the noise recording, the noise segment's start and the SNR (see
 * {@link EnhancementSet#mix}, SNR over the crop as {@link Mixing} defines it), and the gain,
 * which scales the mixture and its clean target alike. Nothing is clamped: a clamp would change
 * the SNR that was asked for.
 *
 * <p><b>Determinism.</b> As with {@link Batches}, a batch is a pure function of (data, seed,
 * epoch, index): {@link #batch(int)} may be called in any order and from any thread and gives the
 * same batch every time; another epoch gives another order and other crops, noise and SNRs. A
 * batch costs a few array copies per sample, far less than a network's step, so there is no
 * prefetching.
 *
 * <p>As an {@link Iterator} an instance is single-use and not thread-safe; {@link #batch(int)} is
 * thread-safe.
 */
public final class MixtureBatches implements EpochBatches<MixtureBatch> {
    /** The purposes of the draws (see {@link Seeds}); distinct from its own and from validation's. */
    private static final long SHUFFLE = 11;
    private static final long MIXTURE = 12;

    private final EnhancementSet set;
    private final int batchSize;
    private final long seed;
    private final int epoch;
    /** The training clip of each position. */
    private final int[] order;
    private int cursor;

    private MixtureBatches(EnhancementSet set, int batchSize, long seed, int epoch, int[] order) {
        this.set = set;
        this.batchSize = batchSize;
        this.seed = seed;
        this.epoch = epoch;
        this.order = order;
    }

    /**
     * A training epoch over {@code set} (see the class comment).
     *
     * @throws IllegalArgumentException if {@code batchSize < 1} or the set has no training clips
     */
    public static MixtureBatches training(EnhancementSet set, int batchSize, long seed, int epoch) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, not " + batchSize);
        }
        int clips = set.training().size();
        if (clips == 0) {
            throw new InvalidInputException(set.dir() + ": every voice is held out, none is left to train on");
        }
        int[] order = new int[clips * set.options().cropsPerClip()];
        // Fisher-Yates "inside-out", with a generator of its own so the order does not depend on other draws
        SplittableRandom rnd = new SplittableRandom(Seeds.mix(seed, epoch, SHUFFLE));
        for (int i = 0; i < order.length; i++) {
            int j = rnd.nextInt(i + 1);
            order[i] = order[j];
            order[j] = i % clips;
        }
        return new MixtureBatches(set, batchSize, seed, epoch, order);
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

    /** Batch {@code index} of the epoch, made afresh (the same every time, see the class comment). */
    public MixtureBatch batch(int index) {
        if (index < 0 || index >= batchCount()) {
            throw new IndexOutOfBoundsException("batch " + index + " of an epoch of " + batchCount());
        }
        int first = index * batchSize;
        int size = Math.min(batchSize, order.length - first);
        int length = set.options().cropLength();
        float[] noisy = new float[size * length];
        float[] clean = new float[size * length];
        List<String> sources = new ArrayList<>(size);
        for (int b = 0; b < size; b++) {
            int position = first + b;
            EnhancementSet.Utterance clip = set.training().get(order[position]);
            SplittableRandom rnd = new SplittableRandom(Seeds.mix(seed, epoch, MIXTURE, position));
            float[] samples = clip.samples();
            int start = samples.length > length ? rnd.nextInt(samples.length - length + 1) : 0;
            float[] crop = new float[length];
            System.arraycopy(samples, start, crop, 0, Math.min(length, samples.length));
            EnhancementSet.Mixture mixture = set.mix(crop, false, rnd);
            double gainDb = set.options().drawGainDb(rnd);
            float gain = (float) Math.pow(10, gainDb / 20);
            for (int t = 0; t < length; t++) {
                noisy[b * length + t] = gain * mixture.noisy()[t];
                clean[b * length + t] = gain * crop[t];
            }
            sources.add(String.format(Locale.ROOT, "%s@%d + %s at %.2f dB, gain %.2f dB", clip.name(), start,
                    mixture.noise(), mixture.snrDb(), gainDb));
        }
        return new MixtureBatch(index, noisy, clean, sources, length);
    }

    @Override
    public boolean hasNext() {
        return cursor < batchCount();
    }

    @Override
    public MixtureBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the epoch has " + batchCount() + " batches");
        }
        return batch(cursor++);
    }
}
