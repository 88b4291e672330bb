package dev.ssmc.runtime.train;

/**
 * Tempo change without pitch change, by waveform-similarity overlap-add (WSOLA): the output is
 * built from Hann-windowed frames of {@value #FRAME_SECONDS} s, half a frame apart, each read from
 * the input near where the tempo puts it, shifted by up to {@value #TOLERANCE_SECONDS} s so that
 * its first half lines up best (by cross-correlation) with the second half of the previous frame's
 * natural continuation. Periods are copied rather than resampled, so a tone keeps its frequency
 * and speech its pitch and formants; the tolerance covers one pitch period of voices down to
 * 50 Hz. Together with {@link Resampler#changeSpeed} it makes a pitch shift that keeps the
 * duration (see {@link Augmentation.Perturbation}).
 */
public final class TimeStretch {
    static final double FRAME_SECONDS = 0.02;
    static final double TOLERANCE_SECONDS = 0.01;

    private TimeStretch() {
    }

    /**
     * The audio played {@code tempo} times as fast with its pitch kept: {@code round(n / tempo)}
     * samples. Samples before the input's start or past its end count as zeros.
     */
    public static float[] changeTempo(float[] samples, double tempo, int sampleRate) {
        if (!(tempo > 0 && Double.isFinite(tempo))) {
            throw new IllegalArgumentException("the tempo factor must be positive and finite, not " + tempo);
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("the sample rate must be positive, not " + sampleRate);
        }
        int length = (int) Math.round(samples.length / tempo);
        if (tempo == 1) {
            return samples.clone();
        }
        int hop = Math.max(1, (int) Math.round(FRAME_SECONDS * sampleRate / 2));
        int frame = 2 * hop;
        int tolerance = (int) Math.round(TOLERANCE_SECONDS * sampleRate);
        // the periodic Hann window: copies half a frame apart add up to exactly one
        float[] window = new float[frame];
        for (int t = 0; t < frame; t++) {
            window[t] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * t / frame));
        }
        // the input between zeros wide enough for every read below, so the inner loops need no bounds checks
        int pad = (int) Math.ceil(hop * Math.max(1, tempo)) + frame + tolerance + 2;
        float[] x = new float[samples.length + 2 * pad];
        System.arraycopy(samples, 0, x, pad, samples.length);
        float[] out = new float[length];
        // The first frame starts half a frame early, so the output's first samples get a full window
        // sum, and is read from half a frame before the input's start, so that the next one lines up
        // with the input's start and the output begins as the input does.
        int previous = pad - hop;
        for (int start = -hop; start < length; start += hop) {
            int nominal = pad + (int) Math.round(start * tempo);
            int from = start == -hop ? previous : bestMatch(x, previous + hop, nominal, tolerance, hop);
            for (int t = Math.max(0, -start); t < frame && start + t < length; t++) {
                out[start + t] += window[t] * x[from + t];
            }
            previous = from;
        }
        return out;
    }

    /**
     * The position within {@code tolerance} of {@code nominal} whose next {@code overlap} samples
     * correlate best with those at {@code continuation}; {@code nominal} itself when the
     * continuation is silent (nothing to line up with).
     */
    private static int bestMatch(float[] x, int continuation, int nominal, int tolerance, int overlap) {
        double energy = 0;
        for (int t = 0; t < overlap; t++) {
            energy += x[continuation + t] * x[continuation + t];
        }
        if (energy == 0) {
            return nominal;
        }
        int best = nominal;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int d = -tolerance; d <= tolerance; d++) {
            int candidate = nominal + d;
            double score = 0;
            for (int t = 0; t < overlap; t++) {
                score += x[continuation + t] * x[candidate + t];
            }
            // ties go to the candidate nearest the nominal position, so that a constant tempo stays smooth
            if (score > bestScore || score == bestScore && Math.abs(d) < Math.abs(best - nominal)) {
                bestScore = score;
                best = candidate;
            }
        }
        return best;
    }
}
