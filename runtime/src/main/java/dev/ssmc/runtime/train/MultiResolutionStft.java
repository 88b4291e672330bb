package dev.ssmc.runtime.train;

import dev.ssmc.runtime.fft.RealFft;
import java.util.Arrays;
import java.util.List;

/**
 * The multi-resolution STFT magnitude loss of speech enhancement and neural vocoders: for each
 * resolution, spectral convergence plus log-magnitude L1 between the short-time spectra of an
 * estimate and a reference, averaged over the resolutions:
 *
 * <pre>
 *   SC  = ||Y - X||_F / ||Y||_F                 (over the whole batch, all frames and bins)
 *   LM  = mean |log Y - log X|
 *   loss = (1/R) sum_r (SC_r + LM_r)
 * </pre>
 *
 * where {@code X}, {@code Y} are the magnitudes of the estimate's and the reference's STFT,
 * {@code |S| = sqrt(Re^2 + Im^2 + 1e-7)} (the small floor keeps the logarithm and the gradient
 * finite on silent bins, and unlike a clamp it is smooth).
 *
 * <p>STFT: frames of {@code fftSize} samples every {@code hop} samples, centered (frame {@code f}
 * covers {@code [f*hop - fftSize/2, f*hop + fftSize/2)}, so there are {@code 1 + length/hop}
 * frames), with zeros outside the signal (PyTorch's default pads by reflection; zeros keep the
 * gradient a plain overlap-add, and the edges matter little to a loss), each multiplied by a
 * periodic Hann window of {@code windowLength} samples centered in the frame.
 *
 * <p>Gradient: through the magnitudes to the spectra, then through the real FFT by its adjoint
 * (an inverse real FFT with bins 0 and {@code n/2} doubled, times {@code n/2}), the window, and
 * the overlap-add of the frames. Immutable and thread-safe.
 */
public final class MultiResolutionStft {
    /** Added to the power {@code Re^2 + Im^2} before the square root. */
    private static final double POWER_FLOOR = 1e-7;

    /**
     * One STFT resolution.
     *
     * @param fftSize the frame and FFT length: even and a fast size of {@link RealFft}
     *     (2^a 3^b 5^c 7^d)
     * @param hop samples between frames
     * @param windowLength the Hann window's length, at most {@code fftSize}
     */
    public record Resolution(int fftSize, int hop, int windowLength) {
        public Resolution {
            if (fftSize < 2 || fftSize % 2 != 0 || !RealFft.isFastSize(fftSize)) {
                throw new IllegalArgumentException("FFT size " + fftSize + " must be even and have no prime factor"
                        + " other than 2, 3, 5, 7 (the next such size is " + RealFft.nextFastSize(fftSize) + ")");
            }
            if (hop < 1) {
                throw new IllegalArgumentException("hop must be positive, not " + hop);
            }
            if (windowLength < 1 || windowLength > fftSize) {
                throw new IllegalArgumentException("window length " + windowLength + " is outside 1.." + fftSize);
            }
        }

        /** A window as long as the frame. */
        public Resolution(int fftSize, int hop) {
            this(fftSize, hop, fftSize);
        }
    }

    /** The two terms of the loss, each averaged over the resolutions. */
    public record Terms(double spectralConvergence, double logMagnitude) {
        public double total() {
            return spectralConvergence + logMagnitude;
        }
    }

    /** FFT sizes 512, 1024, 2048 with hops 128, 256, 512 and full-length Hann windows. */
    public static final List<Resolution> DEFAULT_RESOLUTIONS =
            List.of(new Resolution(512, 128), new Resolution(1024, 256), new Resolution(2048, 512));

    private final List<Resolution> resolutions;

    /** With {@link #DEFAULT_RESOLUTIONS}. */
    public MultiResolutionStft() {
        this(DEFAULT_RESOLUTIONS);
    }

    public MultiResolutionStft(List<Resolution> resolutions) {
        if (resolutions.isEmpty()) {
            throw new IllegalArgumentException("at least one resolution is needed");
        }
        this.resolutions = List.copyOf(resolutions);
    }

    public List<Resolution> resolutions() {
        return resolutions;
    }

    /**
     * The loss and its gradient with respect to {@code estimate}.
     *
     * @param estimate {@code [batch][length]} row-major
     * @param reference the same layout
     * @param batch the number of rows
     */
    public Loss of(float[] estimate, float[] reference, int batch) {
        float[] gradient = new float[estimate.length];
        Terms terms = compute(estimate, reference, batch, gradient);
        return new Loss(terms.total(), gradient);
    }

    /** The two terms of the loss, without the gradient (for logging). */
    public Terms terms(float[] estimate, float[] reference, int batch) {
        return compute(estimate, reference, batch, null);
    }

    private Terms compute(float[] estimate, float[] reference, int batch, float[] gradient) {
        if (batch < 1 || estimate.length != reference.length || estimate.length % batch != 0) {
            throw new IllegalArgumentException("the estimate (" + estimate.length + " samples) and the reference ("
                    + reference.length + ") must be the same whole number of rows of a batch of " + batch);
        }
        int length = estimate.length / batch;
        double sc = 0;
        double lm = 0;
        double weight = 1.0 / resolutions.size();
        for (Resolution r : resolutions) {
            double[] t = resolution(r, estimate, reference, batch, length, gradient, weight);
            sc += weight * t[0];
            lm += weight * t[1];
        }
        return new Terms(sc, lm);
    }

    /** One resolution's {SC, LM}; adds {@code weight} times their gradient to {@code gradient} if not null. */
    private static double[] resolution(Resolution r, float[] estimate, float[] reference, int batch, int length,
                                       float[] gradient, double weight) {
        int n = r.fftSize();
        int hop = r.hop();
        int frames = 1 + length / hop;
        int rows = batch * frames;
        RealFft fft = RealFft.forSize(n);
        int bins = fft.bins();
        float[] window = hann(r.windowLength(), n);

        float[] estRe = new float[rows * bins];
        float[] estIm = new float[rows * bins];
        float[] refRe = new float[rows * bins];
        float[] refIm = new float[rows * bins];
        float[] framed = new float[rows * n];
        frame(estimate, batch, length, frames, hop, window, framed);
        fft.forward(framed, 0, n, n, estRe, estIm, 0, bins, rows);
        frame(reference, batch, length, frames, hop, window, framed);
        fft.forward(framed, 0, n, n, refRe, refIm, 0, bins, rows);

        int m = rows * bins;
        double sumSqDiff = 0;
        double sumSqRef = 0;
        double sumAbsLog = 0;
        // the estimate's spectrum is overwritten by its gradient below, so X and Y are kept apart
        float[] x = new float[m];
        float[] y = new float[m];
        for (int i = 0; i < m; i++) {
            double xm = Math.sqrt((double) estRe[i] * estRe[i] + (double) estIm[i] * estIm[i] + POWER_FLOOR);
            double ym = Math.sqrt((double) refRe[i] * refRe[i] + (double) refIm[i] * refIm[i] + POWER_FLOOR);
            x[i] = (float) xm;
            y[i] = (float) ym;
            sumSqDiff += (ym - xm) * (ym - xm);
            sumSqRef += ym * ym;
            sumAbsLog += Math.abs(Math.log(ym) - Math.log(xm));
        }
        double diffNorm = Math.sqrt(sumSqDiff);
        double refNorm = Math.sqrt(sumSqRef);
        double sc = diffNorm / refNorm;
        double lm = sumAbsLog / m;
        if (gradient == null) {
            return new double[] {sc, lm};
        }

        // d/dX of SC is (X - Y) / (||Y - X|| ||Y||); of LM, sign(log X - log Y) / (M X)
        double scScale = diffNorm > 0 ? weight / (diffNorm * refNorm) : 0;
        double lmScale = weight / m;
        for (int i = 0; i < m; i++) {
            double xm = x[i];
            double g = scScale * (xm - y[i]) + lmScale * Math.signum(Math.log(xm) - Math.log(y[i])) / xm;
            // |S| = sqrt(Re^2 + Im^2 + floor): d|S|/dRe = Re/|S|, d|S|/dIm = Im/|S|
            estRe[i] = (float) (g * estRe[i] / xm);
            estIm[i] = (float) (g * estIm[i] / xm);
        }
        // The adjoint of the real FFT: sum_k Re(G[k] e^{2 pi i k t/n}) over k = 0..n/2 is n/2 times
        // the inverse real FFT of G with bins 0 and n/2 doubled (the inverse counts the others twice).
        for (int row = 0; row < rows; row++) {
            estRe[row * bins] *= 2;
            estRe[row * bins + bins - 1] *= 2;
        }
        fft.inverse(estRe, estIm, 0, bins, framed, 0, n, n, rows);
        float half = n / 2f;
        int pad = n / 2;
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < frames; f++) {
                int row = b * frames + f;
                int start = f * hop - pad;
                int from = Math.max(0, -start);
                int to = Math.min(n, length - start);
                for (int j = from; j < to; j++) {
                    gradient[b * length + start + j] += framed[row * n + j] * window[j] * half;
                }
            }
        }
        return new double[] {sc, lm};
    }

    /** Windowed, centered frames of every row of {@code signal}, zeros outside it. */
    private static void frame(float[] signal, int batch, int length, int frames, int hop, float[] window,
                              float[] out) {
        int n = window.length;
        int pad = n / 2;
        Arrays.fill(out, 0f);
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < frames; f++) {
                int start = f * hop - pad;
                int from = Math.max(0, -start);
                int to = Math.min(n, length - start);
                int o = (b * frames + f) * n;
                for (int j = from; j < to; j++) {
                    out[o + j] = signal[b * length + start + j] * window[j];
                }
            }
        }
    }

    /** A periodic Hann window of {@code length} samples, centered in {@code n} (zeros around it). */
    private static float[] hann(int length, int n) {
        float[] w = new float[n];
        int offset = (n - length) / 2;
        for (int j = 0; j < length; j++) {
            w[offset + j] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * j / length));
        }
        return w;
    }
}
