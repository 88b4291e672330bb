package dev.ssmc.runtime.train;

import dev.ssmc.runtime.fft.RealFft;

/**
 * Removes a band of frequencies from a stretch of audio, the waveform's counterpart of masking a
 * few channels of a spectrogram (SpecAugment's frequency masking): the stretch is transformed
 * whole, zero-padded to at least twice its length so that the filter's response does not wrap
 * around from its end to its start, every bin in the band is set to zero, and it is transformed
 * back. The filter has zero phase and an ideal edge; what it leaves outside the band is unchanged
 * but for the leakage of components near the edges. Bands are drawn on the mel scale, on which
 * spectrogram channels are evenly spaced.
 */
public final class BandStop {
    private BandStop() {
    }

    /** The mel-scale value of a frequency (O'Shaughnessy's formula, as HTK uses). */
    public static double mel(double hz) {
        return 2595 * Math.log10(1 + hz / 700);
    }

    /** The frequency of a mel-scale value: the inverse of {@link #mel}. */
    public static double hz(double mel) {
        return 700 * (Math.pow(10, mel / 2595) - 1);
    }

    /**
     * Zeroes the frequencies in {@code [lowHz, highHz]} of {@code x[off .. off+length)}, audio at
     * {@code sampleRate}, in place.
     */
    public static void remove(float[] x, int off, int length, double lowHz, double highHz, int sampleRate) {
        if (!(lowHz <= highHz) || sampleRate <= 0) {
            throw new IllegalArgumentException("the band [" + lowHz + ", " + highHz + "] Hz at " + sampleRate
                    + " Hz is empty or upside down");
        }
        if (length == 0) {
            return;
        }
        RealFft fft = RealFft.forSize(RealFft.nextFastSize(2 * length));
        int n = fft.size();
        float[] re = new float[fft.bins()];
        float[] im = new float[fft.bins()];
        fft.forward(x, off, length, length, re, im, 0, fft.bins(), 1);
        int first = Math.max(0, (int) Math.ceil(lowHz * n / sampleRate));
        int last = Math.min(fft.bins() - 1, (int) Math.floor(highHz * n / sampleRate));
        for (int k = first; k <= last; k++) {
            re[k] = 0;
            im[k] = 0;
        }
        fft.inverse(re, im, 0, fft.bins(), x, off, length, length, 1);
    }
}
