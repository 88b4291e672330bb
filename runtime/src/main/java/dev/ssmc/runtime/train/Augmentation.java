package dev.ssmc.runtime.train;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The random changes made to every keyword-spotting training item, in this order:
 * <ol>
 * <li>{@link Perturbation}: the voice made faster or slower (speed: tempo and pitch together) and
 *     higher or lower (pitch: spectrum only, the duration kept), so the network hears more speakers
 *     than the data set has; the changed clip keeps its start, and is cut or zero-padded at its end
 *     back to the clip length;
 * <li>a time shift by a whole number of samples drawn uniformly from
 *     {@code [-maxShiftSamples, maxShiftSamples]} (zeros fill the gap; a positive shift delays);
 * <li>{@link Masking}: a few stretches of time set to zero and a few frequency bands removed, so the
 *     network cannot lean on any one moment or band of a word;
 * <li>with probability {@code noiseProbability}, a segment of the data set's background noise (see
 *     {@link BackgroundNoise}) added at a volume drawn uniformly from {@code [0, maxNoiseVolume]},
 *     the usual keyword-spotting recipe;
 * <li>{@link Recordings}: with its probability, a segment of other noise recordings added at a
 *     signal-to-noise ratio drawn uniformly in decibels;
 * </ol>
 * then the result is clamped to {@code [-1, 1]}, the range of the PCM it stands for. The masks
 * come before the noise, so that a masked stretch or band still holds the noise a microphone would
 * hear, not digital silence.
 *
 * @param perturbation speed and pitch
 * @param maxShiftSamples the largest shift either way, in samples
 * @param masking time and frequency masks
 * @param noiseProbability the chance that an item gets background noise, in {@code [0, 1]}
 * @param maxNoiseVolume the largest gain of that noise
 * @param recordings noise from recordings other than the data set's, at a signal-to-noise ratio
 */
public record Augmentation(Perturbation perturbation, int maxShiftSamples, Masking masking,
                           double noiseProbability, double maxNoiseVolume, Recordings recordings) {
    /** No change at all. */
    public static final Augmentation NONE =
            new Augmentation(Perturbation.NONE, 0, Masking.NONE, 0, 0, Recordings.NONE);

    public Augmentation {
        if (perturbation == null || masking == null || recordings == null) {
            throw new IllegalArgumentException("null part of an augmentation (use the part's NONE)");
        }
        if (maxShiftSamples < 0) {
            throw new IllegalArgumentException("negative shift " + maxShiftSamples);
        }
        requireProbability(noiseProbability, "noise");
        if (!(maxNoiseVolume >= 0 && Double.isFinite(maxNoiseVolume))) {
            throw new IllegalArgumentException("the noise volume must be finite and >= 0, not " + maxNoiseVolume);
        }
    }

    /**
     * Speed and pitch perturbation, in this order of drawing.
     *
     * @param minSpeed the slowest speed factor (tempo and pitch together, as
     *     {@link Resampler#changeSpeed}), drawn uniformly from {@code [minSpeed, maxSpeed]}
     * @param maxSpeed the fastest
     * @param maxPitchSemitones the largest pitch shift either way, drawn uniformly in semitones: the
     *     clip is resampled by the pitch factor and brought back to its tempo by
     *     {@link TimeStretch}, so the spectrum (harmonics and formants alike) moves and the duration
     *     does not
     */
    public record Perturbation(double minSpeed, double maxSpeed, double maxPitchSemitones) {
        public static final Perturbation NONE = new Perturbation(1, 1, 0);

        public Perturbation {
            if (!(minSpeed > 0 && minSpeed <= maxSpeed && Double.isFinite(maxSpeed))) {
                throw new IllegalArgumentException("the speed range must be positive and finite, not [" + minSpeed
                        + ", " + maxSpeed + "]");
            }
            if (!(maxPitchSemitones >= 0 && maxPitchSemitones < 24)) {
                throw new IllegalArgumentException("the pitch shift must be in [0, 24) semitones, not "
                        + maxPitchSemitones);
            }
        }

        /**
         * The changed clip, a new array (its length is the clip's divided by the speed), drawing
         * the speed, then the pitch shift (when there is a range to draw it from).
         */
        float[] apply(float[] clip, int sampleRate, SplittableRandom rnd) {
            double speed = Seeds.uniform(rnd, minSpeed, maxSpeed);
            // no draw without a pitch range: a speed-only perturbation draws what a recognizer's
            // speed alone always drew, so its runs from before pitch existed there repeat to the bit
            double pitch = maxPitchSemitones == 0 ? 1
                    : Math.pow(2, Seeds.uniform(rnd, -maxPitchSemitones, maxPitchSemitones) / 12);
            return perturb(clip, speed, pitch, sampleRate);
        }

        /**
         * The clip played {@code speed} times as fast with its frequencies times {@code speed *
         * pitch}: {@code round(round(n / (speed pitch)) pitch)} samples, about {@code n / speed}.
         */
        static float[] perturb(float[] clip, double speed, double pitch, int sampleRate) {
            // one resampling for both factors; the stretch then undoes the pitch factor's tempo
            float[] resampled = Resampler.changeSpeed(clip, speed * pitch);
            return pitch == 1 ? resampled : TimeStretch.changeTempo(resampled, 1 / pitch, sampleRate);
        }
    }

    /**
     * Masks, SpecAugment's on the waveform: {@code timeMasks} stretches of time, each of a length
     * drawn uniformly from {@code [0, maxTimeMaskSamples]} at a uniformly drawn place, set to zero;
     * then {@code bandMasks} frequency bands, each {@code w} wide on the mel scale with {@code w}
     * drawn uniformly from {@code [0, maxBandMelFraction]} of the mel scale's span from 0 Hz to the
     * Nyquist frequency, at a uniformly drawn place, removed by {@link BandStop}. Masks may overlap.
     */
    public record Masking(int timeMasks, int maxTimeMaskSamples, int bandMasks, double maxBandMelFraction) {
        public static final Masking NONE = new Masking(0, 0, 0, 0);

        public Masking {
            if (timeMasks < 0 || maxTimeMaskSamples < 0 || bandMasks < 0) {
                throw new IllegalArgumentException("negative mask count or length: " + timeMasks + ", "
                        + maxTimeMaskSamples + ", " + bandMasks);
            }
            if (!(maxBandMelFraction >= 0 && maxBandMelFraction <= 1)) {
                throw new IllegalArgumentException("the band width must be in [0, 1] of the mel scale, not "
                        + maxBandMelFraction);
            }
        }

        /** Masks {@code x[off .. off+length)} in place, drawing each time mask's length and place, then each band's. */
        void apply(float[] x, int off, int length, int sampleRate, SplittableRandom rnd) {
            for (int m = 0; m < timeMasks; m++) {
                int span = Math.min(length, rnd.nextInt(maxTimeMaskSamples + 1));
                int start = rnd.nextInt(length - span + 1);
                Arrays.fill(x, off + start, off + start + span, 0f);
            }
            double top = BandStop.mel(sampleRate / 2.0);
            for (int m = 0; m < bandMasks; m++) {
                double width = rnd.nextDouble() * maxBandMelFraction * top;
                double low = rnd.nextDouble() * (top - width);
                BandStop.remove(x, off, length, BandStop.hz(low), BandStop.hz(low + width), sampleRate);
            }
        }
    }

    /**
     * Noise from recordings other than the data set's (those given to {@link Batches#training}),
     * added, with probability {@code probability}, at a signal-to-noise ratio drawn uniformly in
     * decibels from {@code [minSnrDb, maxSnrDb]} ({@link BackgroundNoise#addAtSnr}: the powers
     * are taken over the whole clip, so the ratio during a word is higher than the clip's).
     */
    public record Recordings(double probability, double minSnrDb, double maxSnrDb) {
        public static final Recordings NONE = new Recordings(0, 0, 0);

        public Recordings {
            requireProbability(probability, "recording");
            if (!(Double.isFinite(minSnrDb) && Double.isFinite(maxSnrDb) && minSnrDb <= maxSnrDb)) {
                throw new IllegalArgumentException("the signal-to-noise range must be finite, not [" + minSnrDb
                        + ", " + maxSnrDb + "] dB");
            }
        }
    }

    /**
     * What training uses by default: speed 0.9 to 1.1 (Kaldi's speed perturbation) and pitch
     * within 2 semitones; shifts up to 100 ms; two time masks of up to 50 ms and two bands of up
     * to a tenth of the mel scale; the background noise of the common recipe (80% of the items, at
     * volumes up to 0.1); and, when there are recordings to cut from, noise on half the items at 5
     * to 20 dB.
     */
    public static Augmentation defaults(int sampleRate) {
        return new Augmentation(new Perturbation(0.9, 1.1, 2), sampleRate / 10,
                new Masking(2, sampleRate / 20, 2, 0.1), 0.8, 0.1, new Recordings(0.5, 5, 20));
    }

    public Augmentation withPerturbation(Perturbation p) {
        return new Augmentation(p, maxShiftSamples, masking, noiseProbability, maxNoiseVolume, recordings);
    }

    public Augmentation withShift(int samples) {
        return new Augmentation(perturbation, samples, masking, noiseProbability, maxNoiseVolume, recordings);
    }

    public Augmentation withMasking(Masking m) {
        return new Augmentation(perturbation, maxShiftSamples, m, noiseProbability, maxNoiseVolume, recordings);
    }

    public Augmentation withBackgroundNoise(double probability, double maxVolume) {
        return new Augmentation(perturbation, maxShiftSamples, masking, probability, maxVolume, recordings);
    }

    public Augmentation withRecordings(Recordings r) {
        return new Augmentation(perturbation, maxShiftSamples, masking, noiseProbability, maxNoiseVolume, r);
    }

    /** Whether it may add the data set's background noise, which needs some to cut from. */
    public boolean addsNoise() {
        return noiseProbability > 0 && maxNoiseVolume > 0;
    }

    /** Whether it may add noise recordings, which need some to cut from. */
    public boolean addsRecordings() {
        return recordings.probability() > 0;
    }

    /**
     * What an item's augmentation needs besides the item: its rate and where its noise comes from.
     *
     * @param sampleRate the audio's rate (for pitch and bands)
     * @param background the data set's background noise, cut from {@code split}'s part
     * @param split the split the item belongs to
     * @param recordings the other noise recordings, cut from their training part
     */
    record Context(int sampleRate, BackgroundNoise background, SpeechCommands.Split split,
                   BackgroundNoise recordings) {
    }

    /**
     * Writes the changed {@code item} to {@code out[off .. off+item.length)}, drawing from {@code rnd}
     * in the order of the class comment: the perturbation, the shift, the masks, whether to add
     * background noise (and then its volume and segment), whether to add a recording (and then its
     * ratio and segment).
     */
    void apply(float[] item, float[] out, int off, Context context, SplittableRandom rnd) {
        int n = item.length;
        float[] voice = perturbation.equals(Perturbation.NONE) ? item
                : perturbation.apply(item, context.sampleRate(), rnd);
        int shift = maxShiftSamples == 0 ? 0 : rnd.nextInt(2 * maxShiftSamples + 1) - maxShiftSamples;
        Arrays.fill(out, off, off + n, 0f);
        // out[t] = voice[t - shift] where both exist
        int from = Math.max(0, shift);
        int to = Math.min(n, voice.length + shift);
        if (from < to) {
            System.arraycopy(voice, from - shift, out, off + from, to - from);
        }
        masking.apply(out, off, n, context.sampleRate(), rnd);
        if (noiseProbability > 0 && rnd.nextDouble() < noiseProbability) {
            double volume = rnd.nextDouble() * maxNoiseVolume;
            context.background().addSegment(context.split(), rnd, volume, out, off, n);
        }
        if (recordings.probability() > 0 && rnd.nextDouble() < recordings.probability()) {
            double snrDb = Seeds.uniform(rnd, recordings.minSnrDb(), recordings.maxSnrDb());
            context.recordings().addAtSnr(SpeechCommands.Split.TRAIN, rnd, snrDb, out, off, n);
        }
        for (int t = off; t < off + n; t++) {
            out[t] = Math.max(-1f, Math.min(1f, out[t]));
        }
    }

    private static void requireProbability(double p, String what) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("the " + what + " probability must be in [0, 1], not " + p);
        }
    }
}
