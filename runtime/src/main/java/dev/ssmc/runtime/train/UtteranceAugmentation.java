package dev.ssmc.runtime.train;

import java.util.SplittableRandom;

/**
 * The random changes made to every training utterance of a speech recognizer, in this order:
 * <ol>
 * <li>speed perturbation: played at a speed factor drawn uniformly from {@code [minSpeed,
 *     maxSpeed]} ({@link Resampler#changeSpeed}; tempo and pitch change together, and the length
 *     by {@code 1/factor});
 * <li>with probability {@code noiseProbability}, a noise segment (see {@link BackgroundNoise}, its
 *     training part) added at a signal-to-noise ratio drawn uniformly in decibels from
 *     {@code [minSnrDb, maxSnrDb]}, the powers taken over the whole utterance (a silent utterance,
 *     or a silent segment, gets none);
 * <li>a gain drawn uniformly in decibels from {@code [minGainDb, maxGainDb]}, after the noise so
 *     that it changes the level and not the ratio;
 * </ol>
 * then the samples are clamped to {@code [-1, 1]}, the range of the PCM they stand for.
 */
public record UtteranceAugmentation(double minSpeed, double maxSpeed, double minGainDb, double maxGainDb,
                                    double noiseProbability, double minSnrDb, double maxSnrDb) {
    /** No change at all. */
    public static final UtteranceAugmentation NONE = new UtteranceAugmentation(1, 1, 0, 0, 0, 0, 0);

    public UtteranceAugmentation {
        if (!(minSpeed > 0 && minSpeed <= maxSpeed && Double.isFinite(maxSpeed))) {
            throw new IllegalArgumentException("the speed range must be positive and finite, not [" + minSpeed + ", "
                    + maxSpeed + "]");
        }
        requireRange("gain", minGainDb, maxGainDb);
        requireRange("signal-to-noise ratio", minSnrDb, maxSnrDb);
        if (!(noiseProbability >= 0 && noiseProbability <= 1)) {
            throw new IllegalArgumentException("the noise probability must be in [0, 1], not " + noiseProbability);
        }
    }

    private static void requireRange(String what, double min, double max) {
        if (!(Double.isFinite(min) && Double.isFinite(max) && min <= max)) {
            throw new IllegalArgumentException("the " + what + " range must be finite, not [" + min + ", " + max + "] dB");
        }
    }

    /**
     * Speed 0.9 to 1.1 (Kaldi's recipe's range), gain -10 to +6 dB (the synthetic sets peak near
     * half scale), and noise on half of the utterances at 5 to 25 dB SNR.
     */
    public static UtteranceAugmentation defaults() {
        return new UtteranceAugmentation(0.9, 1.1, -10, 6, 0.5, 5, 25);
    }

    /** Whether it may add noise, which needs noise recordings to cut from. */
    public boolean addsNoise() {
        return noiseProbability > 0;
    }

    /**
     * The changed utterance (a new array; its length changes with the speed), drawing from
     * {@code rnd} in a fixed order: speed, gain, whether to add noise, and then the ratio and the
     * segment.
     */
    float[] apply(float[] samples, BackgroundNoise noise, SplittableRandom rnd) {
        double speed = Seeds.uniform(rnd, minSpeed, maxSpeed);
        double gainDb = Seeds.uniform(rnd, minGainDb, maxGainDb);
        boolean noisy = noiseProbability > 0 && rnd.nextDouble() < noiseProbability;
        float[] out = Resampler.changeSpeed(samples, speed);
        if (noisy) {
            double snrDb = Seeds.uniform(rnd, minSnrDb, maxSnrDb);
            noise.addAtSnr(SpeechCommands.Split.TRAIN, rnd, snrDb, out, 0, out.length);
        }
        float gain = (float) Math.pow(10, gainDb / 20);
        for (int t = 0; t < out.length; t++) {
            out[t] = Math.max(-1f, Math.min(1f, out[t] * gain));
        }
        return out;
    }

    /** The mean square. */
    static double power(float[] x) {
        return BackgroundNoise.meanSquare(x, 0, x.length);
    }
}
