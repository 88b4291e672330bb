package dev.ssmc.runtime.train;

import java.util.SplittableRandom;

/**
 * Speech plus noise at a chosen signal-to-noise ratio, the way enhancement training makes its
 * inputs.
 *
 * <p><b>SNR.</b> Over exactly the samples that are mixed (a training crop, zero padding included,
 * or a whole clip), with {@code E_s = sum s^2} and {@code E_n = sum n^2}, the noise is scaled by
 * {@code g = sqrt(E_s / (E_n 10^(snr/10)))}, so that {@code 10 log10(E_s / sum (g n)^2) = snr}.
 * The two signals have the same length, so this is also the ratio of their mean powers. When
 * either energy is zero there is no such gain: a silent noise segment adds nothing, and the noise
 * of a silent speech crop is kept at its recorded level ({@code g = 1}), so that the network also
 * sees what noise alone sounds like.
 *
 * <p><b>Noise segments</b> come from one part of a recording ({@code [start, end)}; the training
 * and validation mixtures use disjoint parts, see {@link EnhancementSet}): a segment of the
 * part's length or less starts at a uniformly drawn sample and never leaves the part; a longer one
 * wraps around to the part's start as often as it needs, so the noise never stops mid-clip.
 */
public final class Mixing {
    private Mixing() {
    }

    /**
     * The gain that puts {@code noise} at {@code snrDb} below {@code clean} over their common
     * length (see the class comment; 1 when either is silent).
     */
    public static double noiseGain(float[] clean, float[] noise, double snrDb) {
        if (clean.length != noise.length) {
            throw new IllegalArgumentException("speech (" + clean.length + " samples) and noise (" + noise.length
                    + ") must be as long as each other to be mixed");
        }
        double speech = energy(clean);
        double noiseEnergy = energy(noise);
        if (speech == 0 || noiseEnergy == 0) {
            return 1;
        }
        return Math.sqrt(speech / (noiseEnergy * Math.pow(10, snrDb / 10)));
    }

    /** {@code clean + noiseGain(clean, noise, snrDb) * noise}, a new array. */
    public static float[] mix(float[] clean, float[] noise, double snrDb) {
        float gain = (float) noiseGain(clean, noise, snrDb);
        float[] noisy = new float[clean.length];
        for (int t = 0; t < noisy.length; t++) {
            noisy[t] = clean[t] + gain * noise[t];
        }
        return noisy;
    }

    /** {@code 10 log10(sum clean^2 / sum noise^2)}: the SNR of a mixture whose parts are known. */
    public static double snrDb(float[] clean, float[] noise) {
        return 10 * Math.log10(energy(clean) / energy(noise));
    }

    /**
     * Fills {@code out} with a segment of {@code recording[start .. end)}, drawing its first
     * sample from {@code rnd} (see the class comment); returns that sample's index in the
     * recording.
     */
    public static int cutSegment(float[] recording, int start, int end, SplittableRandom rnd, float[] out) {
        int part = end - start;
        if (start < 0 || end > recording.length || part < 1) {
            throw new IllegalArgumentException("the part [" + start + ", " + end + ") of a recording of "
                    + recording.length + " samples is empty or outside it");
        }
        int first = start + (part >= out.length ? rnd.nextInt(part - out.length + 1) : rnd.nextInt(part));
        int at = first;
        for (int t = 0; t < out.length; t++) {
            out[t] = recording[at];
            at = at + 1 == end ? start : at + 1;
        }
        return first;
    }

    private static double energy(float[] x) {
        double sum = 0;
        for (float v : x) {
            sum += (double) v * v;
        }
        return sum;
    }
}
