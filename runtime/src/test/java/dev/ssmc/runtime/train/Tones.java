package dev.ssmc.runtime.train;

/** Test signals and the measurements the audio tests make on them. */
final class Tones {
    private Tones() {
    }

    /** {@code n} samples of a sine of amplitude 0.5 at {@code hz}, sampled at {@code rate}. */
    static float[] tone(double hz, int rate, int n) {
        float[] x = new float[n];
        for (int t = 0; t < n; t++) {
            x[t] = (float) (0.5 * Math.sin(2 * Math.PI * hz * t / rate));
        }
        return x;
    }

    /**
     * The frequency of a tone in {@code x[from .. to)}, from the time between its first and last
     * upward zero crossings there (exact to a fraction of a percent over a few dozen periods).
     */
    static double frequency(float[] x, int from, int to, int rate) {
        double first = Double.NaN;
        double last = Double.NaN;
        int crossings = 0;
        for (int t = from + 1; t < to; t++) {
            if (x[t - 1] < 0 && x[t] >= 0) {
                double at = t - 1 + x[t - 1] / (double) (x[t - 1] - x[t]); // linear interpolation
                first = crossings == 0 ? at : first;
                last = at;
                crossings++;
            }
        }
        if (crossings < 2) {
            throw new AssertionError("fewer than two upward zero crossings in [" + from + ", " + to + ")");
        }
        return (crossings - 1) * rate / (last - first);
    }

    /** The mean square of {@code x[from .. to)}. */
    static double power(float[] x, int from, int to) {
        return BackgroundNoise.meanSquare(x, from, to - from);
    }

    /** The index one past the last sample whose magnitude exceeds {@code level}. */
    static int end(float[] x, double level) {
        for (int t = x.length - 1; t >= 0; t--) {
            if (Math.abs(x[t]) > level) {
                return t + 1;
            }
        }
        return 0;
    }
}
