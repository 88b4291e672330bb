package dev.ssmc.runtime.train;

import java.util.SplittableRandom;

/**
 * The random changes made to every training utterance of a speech recognizer, in this order:
 * <ol>
 * <li>{@link Augmentation.Perturbation}, the keyword spotter's: a speed factor (tempo and pitch
 *     together, the length changing by {@code 1/factor}) and, when it has a range, a pitch shift
 *     that keeps the tempo;
 * <li>{@link Augmentation.Masking}, the keyword spotter's: stretches of time set to zero and
 *     frequency bands removed, over the whole changed utterance;
 * <li>with probability {@code noiseProbability}, a noise segment (see {@link BackgroundNoise}, its
 *     training part) added at a signal-to-noise ratio drawn uniformly in decibels from
 *     {@code [minSnrDb, maxSnrDb]}, the powers taken over the whole utterance (a silent utterance,
 *     or a silent segment, gets none); after the masks, so that a masked stretch still holds noise;
 * <li>a gain drawn uniformly in decibels from {@code [minGainDb, maxGainDb]}, after the noise so
 *     that it changes the level and not the ratio;
 * </ol>
 * then the samples are clamped to {@code [-1, 1]}, the range of the PCM they stand for. The
 * transcript is never changed, so a mask must stay short enough that every word is still heard.
 *
 * @param perturbation speed and pitch
 * @param masking time and frequency masks
 * @param sampleRate the utterances' rate (for the pitch shift and the bands; unused without them)
 */
public record UtteranceAugmentation(Augmentation.Perturbation perturbation, Augmentation.Masking masking,
                                    int sampleRate, double minGainDb, double maxGainDb,
                                    double noiseProbability, double minSnrDb, double maxSnrDb) {
    /** No change at all. */
    public static final UtteranceAugmentation NONE = new UtteranceAugmentation(1, 1, 0, 0, 0, 0, 0);

    public UtteranceAugmentation {
        if (perturbation == null || masking == null) {
            throw new IllegalArgumentException("null part of an augmentation (use the part's NONE)");
        }
        if (sampleRate <= 0 && (perturbation.maxPitchSemitones() > 0 || masking.bandMasks() > 0)) {
            throw new IllegalArgumentException("a pitch shift or a band mask needs the sample rate, not " + sampleRate);
        }
        requireRange("gain", minGainDb, maxGainDb);
        requireRange("signal-to-noise ratio", minSnrDb, maxSnrDb);
        if (!(noiseProbability >= 0 && noiseProbability <= 1)) {
            throw new IllegalArgumentException("the noise probability must be in [0, 1], not " + noiseProbability);
        }
    }

    /** Speed alone (no pitch shift, no masks), gain and noise. */
    public UtteranceAugmentation(double minSpeed, double maxSpeed, double minGainDb, double maxGainDb,
                                 double noiseProbability, double minSnrDb, double maxSnrDb) {
        this(new Augmentation.Perturbation(minSpeed, maxSpeed, 0), Augmentation.Masking.NONE, 0, minGainDb,
                maxGainDb, noiseProbability, minSnrDb, maxSnrDb);
    }

    private static void requireRange(String what, double min, double max) {
        if (!(Double.isFinite(min) && Double.isFinite(max) && min <= max)) {
            throw new IllegalArgumentException("the " + what + " range must be finite, not [" + min + ", " + max + "] dB");
        }
    }

    /**
     * Speed 0.9 to 1.1 (Kaldi's recipe's range), gain -10 to +6 dB (the synthetic sets peak near
     * half scale), and noise on half of the utterances at 5 to 25 dB SNR; no pitch shift, no masks.
     */
    public static UtteranceAugmentation defaults() {
        return new UtteranceAugmentation(0.9, 1.1, -10, 6, 0.5, 5, 25);
    }

    /**
     * These changes with the keyword spotter's voice changes ({@link Augmentation#defaults}) in
     * place of speed alone: speed 0.9 to 1.1 and pitch within 2 semitones, two time masks of up to
     * 50 ms and two bands of up to a tenth of the mel scale, at {@code sampleRate}.
     *
     * <p>Why those masks keep a transcript true: CTC must still find every word of it in the
     * audio, so no mask may hide a whole word. A spoken digit lasts well over 100 ms (asr-synth's
     * fastest utterances take about 180 ms a word, gaps included, and its shortest single-digit
     * ones 220 ms); a 50 ms mask, or the two overlapping or side by side (100 ms, 110 ms after the
     * slowest speed), leaves part of every word audible. Bands take a tenth of the spectrum at most,
     * never the whole of a word.
     */
    public UtteranceAugmentation withVoiceChanges(int sampleRate) {
        Augmentation voices = Augmentation.defaults(sampleRate);
        return new UtteranceAugmentation(voices.perturbation(), voices.masking(), sampleRate, minGainDb, maxGainDb,
                noiseProbability, minSnrDb, maxSnrDb);
    }

    /** These changes without the noise. */
    public UtteranceAugmentation withoutNoise() {
        return new UtteranceAugmentation(perturbation, masking, sampleRate, minGainDb, maxGainDb, 0, minSnrDb,
                maxSnrDb);
    }

    /** Whether it may add noise, which needs noise recordings to cut from. */
    public boolean addsNoise() {
        return noiseProbability > 0;
    }

    /**
     * The changed utterance (a new array; its length changes with the speed), drawing from
     * {@code rnd} in a fixed order: speed, pitch (if it has a range), gain, whether to add noise,
     * the masks (if any), and then the noise's ratio and segment. Speed alone draws as it did
     * before pitch and masks were added.
     */
    float[] apply(float[] samples, BackgroundNoise noise, SplittableRandom rnd) {
        float[] out = perturbation.apply(samples, sampleRate, rnd);
        double gainDb = Seeds.uniform(rnd, minGainDb, maxGainDb);
        boolean noisy = noiseProbability > 0 && rnd.nextDouble() < noiseProbability;
        masking.apply(out, 0, out.length, sampleRate, rnd);
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
