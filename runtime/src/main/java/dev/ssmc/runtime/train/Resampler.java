package dev.ssmc.runtime.train;

/**
 * Band-limited resampling by any ratio, for audio data rather than networks (the networks' own
 * resampling steps are {@code dev.ssmc.runtime.nn.Resampling}): noise recordings made at another
 * rate than a data set's, and speed perturbation, which plays an utterance faster or slower by
 * reading it at a fractional step.
 *
 * <p>Output sample {@code k} is the input interpolated at position {@code k * step} with a
 * windowed sinc (Blackman window, {@value #ZERO_CROSSINGS} zero crossings either side) whose
 * cutoff is {@value #ROLLOFF} of the lower of the two Nyquist frequencies, so a step above 1
 * (fewer output samples: a lower rate, or faster speech) does not alias. Samples outside the
 * input count as zeros. The kernel is tabulated once, finely enough ({@value #TABLE_STEPS_PER_ZERO}
 * points between zero crossings, linearly interpolated) that the table's error is far below
 * 16-bit audio's resolution, and a second of 8 kHz audio takes well under a millisecond.
 */
public final class Resampler {
    /** Zero crossings of the sinc on either side of its center: the kernel's half width. */
    static final int ZERO_CROSSINGS = 16;
    /** The cutoff as a fraction of the lower Nyquist frequency, leaving room for the transition band. */
    static final double ROLLOFF = 0.95;
    private static final int TABLE_STEPS_PER_ZERO = 512;
    /** The kernel at 0, 1/TABLE_STEPS_PER_ZERO, ..., ZERO_CROSSINGS zero crossings from its center (and one past). */
    private static final double[] KERNEL = kernelTable();

    private Resampler() {
    }

    private static double[] kernelTable() {
        int n = ZERO_CROSSINGS * TABLE_STEPS_PER_ZERO;
        double[] table = new double[n + 2];
        for (int i = 0; i <= n; i++) {
            double u = (double) i / TABLE_STEPS_PER_ZERO;
            double sinc = i == 0 ? 1 : Math.sin(Math.PI * u) / (Math.PI * u);
            // the Blackman window over [-ZERO_CROSSINGS, ZERO_CROSSINGS], centered here
            double w = 0.42 + 0.5 * Math.cos(Math.PI * u / ZERO_CROSSINGS) + 0.08 * Math.cos(2 * Math.PI * u / ZERO_CROSSINGS);
            table[i] = sinc * w;
        }
        return table; // table[n + 1] stays 0, so interpolation just inside the edge reads a zero
    }

    /** The kernel {@code u} zero crossings from its center. */
    private static double kernel(double u) {
        double x = Math.abs(u) * TABLE_STEPS_PER_ZERO;
        int i = (int) x;
        if (i >= KERNEL.length - 1) {
            return 0;
        }
        double f = x - i;
        return KERNEL[i] + f * (KERNEL[i + 1] - KERNEL[i]);
    }

    /**
     * Audio at {@code fromRate} converted to {@code toRate}: {@code round(n * toRate / fromRate)}
     * samples covering the same time.
     */
    public static float[] resample(float[] samples, int fromRate, int toRate) {
        if (fromRate <= 0 || toRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, not " + fromRate + " and " + toRate);
        }
        if (fromRate == toRate) {
            return samples.clone();
        }
        int length = (int) Math.round((double) samples.length * toRate / fromRate);
        return atStep(samples, (double) fromRate / toRate, length);
    }

    /**
     * The audio played {@code factor} times as fast, with its pitch (as a tape or sox's
     * {@code speed} does, the usual speed perturbation of speech recognition):
     * {@code round(n / factor)} samples.
     */
    public static float[] changeSpeed(float[] samples, double factor) {
        if (!(factor > 0 && Double.isFinite(factor))) {
            throw new IllegalArgumentException("the speed factor must be positive and finite, not " + factor);
        }
        if (factor == 1) {
            return samples.clone();
        }
        return atStep(samples, factor, (int) Math.round(samples.length / factor));
    }

    /** {@code length} samples of the input read every {@code step} input samples from 0. */
    static float[] atStep(float[] samples, double step, int length) {
        double cutoff = ROLLOFF * Math.min(1, 1 / step); // in cycles per input sample, times 2
        double reach = ZERO_CROSSINGS / cutoff; // input samples either side that the kernel covers
        // only the span between the first and last nonzero samples contributes: clips padded with
        // silence (a keyword's second, mostly) cost what their sound does
        int lo = 0;
        while (lo < samples.length && samples[lo] == 0) {
            lo++;
        }
        int hi = samples.length - 1;
        while (hi >= lo && samples[hi] == 0) {
            hi--;
        }
        float[] out = new float[length];
        for (int k = 0; k < length; k++) {
            double position = k * step;
            int first = Math.max(lo, (int) Math.ceil(position - reach));
            int last = Math.min(hi, (int) Math.floor(position + reach));
            double sum = 0;
            for (int n = first; n <= last; n++) {
                sum += samples[n] * kernel((position - n) * cutoff);
            }
            out[k] = (float) (cutoff * sum);
        }
        return out;
    }
}
