package dev.ssmc.runtime.train;

/**
 * Scale-invariant signal-to-noise ratio in dB, the usual speech-enhancement metric: with the mean
 * removed from both signals, the estimate {@code x} is split into its projection on the reference
 * {@code s}, {@code t = (<x,s>/<s,s>) s}, and the rest {@code e = x - t}, and
 * {@code SI-SNR = 10 log10((||t||^2 + eps) / (||e||^2 + eps))} with {@code eps = 1e-8}. Scaling the
 * estimate does not change it; identical signals give a very high value (about
 * {@code 10 log10(||s||^2 / eps)}) rather than infinity. Sums are in double.
 *
 * <p>{@link #loss} is its negative mean over a batch with the gradient: per item,
 * {@code d SI-SNR / dx = (20 / ln 10) (t / (||t||^2 + eps) - e / (||e||^2 + eps))}, whose mean is
 * already zero, so the mean removal passes it through.
 */
public final class SiSnr {
    private static final double EPS = 1e-8;
    private static final double DB = 10 / Math.log(10);

    private SiSnr() {
    }

    /** The SI-SNR of each row, in dB ({@code estimate} and {@code reference} are {@code [batch][length]}). */
    public static double[] perItem(float[] estimate, float[] reference, int batch) {
        int length = rowLength(estimate, reference, batch);
        double[] snr = new double[batch];
        for (int b = 0; b < batch; b++) {
            snr[b] = item(estimate, reference, b * length, length, null, 0);
        }
        return snr;
    }

    /** The mean SI-SNR over the rows, in dB. */
    public static double mean(float[] estimate, float[] reference, int batch) {
        double sum = 0;
        for (double v : perItem(estimate, reference, batch)) {
            sum += v;
        }
        return sum / batch;
    }

    /** Minus the mean SI-SNR (so that lower is better), and its gradient with respect to {@code estimate}. */
    public static Loss loss(float[] estimate, float[] reference, int batch) {
        int length = rowLength(estimate, reference, batch);
        float[] gradient = new float[estimate.length];
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            sum += item(estimate, reference, b * length, length, gradient, -1.0 / batch);
        }
        return new Loss(-sum / batch, gradient);
    }

    /** One row's SI-SNR; adds {@code scale} times its gradient to {@code gradient} if not null. */
    private static double item(float[] estimate, float[] reference, int off, int length, float[] gradient,
                               double scale) {
        double meanX = 0;
        double meanS = 0;
        for (int i = 0; i < length; i++) {
            meanX += estimate[off + i];
            meanS += reference[off + i];
        }
        meanX /= length;
        meanS /= length;
        double dot = 0;
        double ss = 0;
        for (int i = 0; i < length; i++) {
            double s = reference[off + i] - meanS;
            dot += (estimate[off + i] - meanX) * s;
            ss += s * s;
        }
        double alpha = ss > 0 ? dot / ss : 0;
        double target = 0;
        double error = 0;
        for (int i = 0; i < length; i++) {
            double t = alpha * (reference[off + i] - meanS);
            double e = estimate[off + i] - meanX - t;
            target += t * t;
            error += e * e;
        }
        double pt = target + EPS;
        double pe = error + EPS;
        if (gradient != null) {
            double k = scale * 2 * DB;
            for (int i = 0; i < length; i++) {
                double t = alpha * (reference[off + i] - meanS);
                double e = estimate[off + i] - meanX - t;
                gradient[off + i] += (float) (k * (t / pt - e / pe));
            }
        }
        return DB * Math.log(pt / pe);
    }

    private static int rowLength(float[] estimate, float[] reference, int batch) {
        if (batch < 1 || estimate.length != reference.length || estimate.length % batch != 0) {
            throw new IllegalArgumentException("the estimate (" + estimate.length + " samples) and the reference ("
                    + reference.length + ") must be the same whole number of rows of a batch of " + batch);
        }
        return estimate.length / batch;
    }
}
