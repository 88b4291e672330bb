package dev.ssmc.runtime.train;

import java.util.SplittableRandom;

/**
 * Derives independent seeds from a few numbers (a run's seed, an epoch, a purpose, a position),
 * so every random draw of the data pipeline is a pure function of <em>where</em> it happens in an
 * epoch, never of <em>when</em>: batches can then be made in any order, on any thread, and come out
 * the same.
 */
final class Seeds {
    /** What a draw is for; part of the mix, so two purposes at the same position never share a stream. */
    static final long SHUFFLE = 1;
    static final long TRAINING_SILENCE = 2;
    static final long AUGMENTATION = 3;
    static final long EVALUATION_SILENCE = 4;
    static final long BATCH_ORDER = 5;

    private Seeds() {
    }

    /**
     * A value drawn uniformly from {@code [min, max]} with one {@code nextDouble} ({@code min}
     * when the two are equal, which {@link SplittableRandom#nextDouble(double, double)} refuses).
     */
    static double uniform(SplittableRandom rnd, double min, double max) {
        return min + rnd.nextDouble() * (max - min);
    }

    /** A seed that depends on every part and their order. */
    static long mix(long... parts) {
        long h = 0x6A09E667F3BCC909L;
        for (long p : parts) {
            h = scramble((h + 0x9E3779B97F4A7C15L) ^ p);
        }
        return h;
    }

    /**
     * SplitMix64's finalizer: a bijection of 64-bit values in which every input bit affects every
     * output bit, so nearby inputs (epoch 3 and 4) give unrelated seeds.
     */
    private static long scramble(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
