package dev.ssmc.runtime.model;

import java.util.List;

/**
 * The input lengths a network body takes, and what it makes of them. As in the reference, a
 * shortening step of ratio {@code r} keeps {@code floor(T / r)} frames of {@code T} samples and
 * drops the incomplete last window, as a strided convolution does; an upsampling step multiplies.
 * Where a skip addition spans resampling (a U-Net level, a residual block around a pooled body),
 * both sides of the addition need whole windows, which the reference cannot give for other
 * lengths: the input is then padded with zeros to a multiple of {@link #window} and the output cut
 * back to {@code floor(length * rate)} samples ({@link #padded}).
 *
 * @param window  the body's total resampling (the least common multiple of its rates'
 *                denominators): one window of it is the shortest input
 * @param rateNum the output's rate relative to the input, numerator
 * @param rateDen the output's rate relative to the input, denominator
 * @param padded  whether a skip addition spans resampling, so inputs are padded to whole windows
 */
public record Windows(long window, long rateNum, long rateDen, boolean padded) {

    /** The windows of {@code body}, from its resampling layers and residual blocks. */
    public static Windows of(List<Layer> body) {
        Walk walk = new Walk();
        long[] rate = walk.walk(body, 1, 1);
        return new Windows(walk.window, rate[0], rate[1], walk.padded);
    }

    /** The length the body runs on for an input of {@code length} samples: padded to whole windows where it must be. */
    public int paddedLength(int length) {
        return padded ? Math.toIntExact((length + window - 1) / window * window) : length;
    }

    /** The output's length after padding and cutting back: {@code floor(length * rate)}. */
    int croppedLength(int length) {
        return Math.toIntExact(length * rateNum / rateDen);
    }

    private static final class Walk {
        long window = 1;
        boolean padded;

        /** Walks {@code layers} entered at rate {@code num/den}; returns the rate they leave at. */
        long[] walk(List<Layer> layers, long num, long den) {
            for (Layer l : layers) {
                if (l instanceof ResidualLayer r) {
                    if (resamples(r.body())) {
                        padded = true;
                    }
                    walk(r.body(), num, den);
                } else if (l instanceof ResampleLayer s && s.resamples()) {
                    if (s.kind().isUpsampling()) {
                        num *= s.ratio();
                    } else {
                        den *= s.ratio();
                    }
                    long g = gcd(num, den);
                    num /= g;
                    den /= g;
                    window = window / gcd(window, den) * den;
                }
            }
            return new long[] {num, den};
        }

        private static boolean resamples(List<Layer> layers) {
            for (Layer l : layers) {
                if (l instanceof ResampleLayer s && s.resamples() || l instanceof ResidualLayer r && resamples(r.body())) {
                    return true;
                }
            }
            return false;
        }

        private static long gcd(long a, long b) {
            while (b != 0) {
                long t = a % b;
                a = b;
                b = t;
            }
            return a;
        }
    }
}
