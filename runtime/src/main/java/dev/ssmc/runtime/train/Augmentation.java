package dev.ssmc.runtime.train;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The random changes made to every training item, after the usual keyword-spotting recipe:
 * first a time shift by a whole number of samples drawn uniformly from
 * {@code [-maxShiftSamples, maxShiftSamples]} (zeros fill the gap; a positive shift delays), then,
 * with probability {@code noiseProbability}, a background-noise segment of the split (see
 * {@link BackgroundNoise}) added at a volume drawn uniformly from {@code [0, maxNoiseVolume]};
 * the result is clamped to {@code [-1, 1]}, the range of the PCM it stands for.
 *
 * @param noiseProbability the chance that an item gets background noise, in {@code [0, 1]}
 * @param maxNoiseVolume the largest gain of that noise
 * @param maxShiftSamples the largest shift either way, in samples
 */
public record Augmentation(double noiseProbability, double maxNoiseVolume, int maxShiftSamples) {
    /** No change at all. */
    public static final Augmentation NONE = new Augmentation(0, 0, 0);

    public Augmentation {
        if (!(noiseProbability >= 0 && noiseProbability <= 1)) {
            throw new IllegalArgumentException("the noise probability must be in [0, 1], not " + noiseProbability);
        }
        if (!(maxNoiseVolume >= 0 && Double.isFinite(maxNoiseVolume))) {
            throw new IllegalArgumentException("the noise volume must be finite and >= 0, not " + maxNoiseVolume);
        }
        if (maxShiftSamples < 0) {
            throw new IllegalArgumentException("negative shift " + maxShiftSamples);
        }
    }

    /** Noise on 80% of the items at volumes up to 0.1, shifts up to 100 ms: the common recipe's values. */
    public static Augmentation defaults(int sampleRate) {
        return new Augmentation(0.8, 0.1, sampleRate / 10);
    }

    /** Whether it may add noise, which needs background noise to cut from. */
    public boolean addsNoise() {
        return noiseProbability > 0 && maxNoiseVolume > 0;
    }

    /**
     * Writes the changed {@code item} to {@code out[off .. off+item.length)}, drawing from {@code rnd}
     * in a fixed order: shift, whether to add noise, and then the volume and the segment.
     */
    void apply(float[] item, float[] out, int off, BackgroundNoise noise, SpeechCommands.Split split,
               SplittableRandom rnd) {
        int n = item.length;
        int shift = maxShiftSamples == 0 ? 0 : rnd.nextInt(2 * maxShiftSamples + 1) - maxShiftSamples;
        Arrays.fill(out, off, off + n, 0f);
        int from = Math.max(0, shift);
        int to = Math.min(n, n + shift);
        if (from < to) {
            System.arraycopy(item, from - shift, out, off + from, to - from);
        }
        if (noiseProbability > 0 && rnd.nextDouble() < noiseProbability) {
            double volume = rnd.nextDouble() * maxNoiseVolume;
            noise.addSegment(split, rnd, volume, out, off, n);
            for (int t = off; t < off + n; t++) {
                out[t] = Math.max(-1f, Math.min(1f, out[t]));
            }
        }
    }
}
