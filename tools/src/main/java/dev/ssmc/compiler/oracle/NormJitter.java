package dev.ssmc.compiler.oracle;

import java.util.Random;

/**
 * Noise the oracle can add to the input of every norm, to measure how far a float32 execution of a
 * network may fairly stray from the exact result. A float32 execution rounds each signal it
 * computes relative to that signal's scale (an FFT convolution's error at every sample is a
 * fraction of the whole output's size, however small the sample), and a norm divides by the
 * signal's spread at each step: an rms norm over two channels that are nearly zero at one step
 * magnifies that rounding a thousandfold, which moving the network's weights and input by an ulp
 * does not reproduce. {@link #NONE} is the oracle itself.
 */
@FunctionalInterface
public interface NormJitter {
    /** No noise: the exact computation. */
    NormJitter NONE = x -> x;

    /** {@code x} (not modified), or a perturbed copy of it; {@code x} is {@code [batch][channel][time]}. */
    double[][][] apply(double[][][] x);

    /**
     * Moves every value by one float32 unit ({@code 2^-24}) of the largest magnitude of its
     * sequence and channel, up or down at random.
     */
    static NormJitter float32(Random rnd) {
        return x -> {
            double[][][] y = new double[x.length][][];
            for (int b = 0; b < x.length; b++) {
                y[b] = new double[x[b].length][];
                for (int c = 0; c < x[b].length; c++) {
                    double scale = 0;
                    for (double v : x[b][c]) {
                        scale = Math.max(scale, Math.abs(v));
                    }
                    double unit = scale * 0x1p-24;
                    y[b][c] = x[b][c].clone();
                    for (int t = 0; t < y[b][c].length; t++) {
                        y[b][c][t] += rnd.nextBoolean() ? unit : -unit;
                    }
                }
            }
            return y;
        };
    }
}
