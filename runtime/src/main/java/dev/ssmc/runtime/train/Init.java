package dev.ssmc.runtime.train;

import dev.ssmc.runtime.model.BlockMode;
import java.util.SplittableRandom;

/**
 * The reference's initialization of every kind of stored tensor (see
 * {@code centaurus-reference.md}, "Initialization"), and PyTorch's defaults for convolutions,
 * linear layers and norms. Random draws come from a seeded generator, so a seed gives the same
 * network every time (not the reference's numbers: its generator is PyTorch's).
 */
public final class Init {
    /** The reference's smallest initial dt: {@link #logDt(float[], int, int)}'s first entry. */
    public static final double REFERENCE_DT_LOW = 1e-3;
    /** The reference's largest initial dt: {@link #logDt(float[], int, int)}'s last entry. */
    public static final double REFERENCE_DT_HIGH = 1e-1;

    private Init() {
    }

    public static void constant(float[] x, double value) {
        java.util.Arrays.fill(x, (float) value);
    }

    public static void normal(float[] x, double std, SplittableRandom rnd) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (gaussian(rnd) * std);
        }
    }

    public static void uniform(float[] x, double bound, SplittableRandom rnd) {
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((2 * rnd.nextDouble() - 1) * bound);
        }
    }

    /** PyTorch's default for Conv1d and Linear weights and biases: uniform in {@code ±1/sqrt(fanIn)}. */
    public static void fanIn(float[] x, int fanIn, SplittableRandom rnd) {
        uniform(x, 1 / Math.sqrt(fanIn), rnd);
    }

    /**
     * {@code A[..., 2]}: real part {@code softplus^-1(0.5)} (so {@code Re = -0.5}), imaginary part
     * {@code pi * m} for the state index within a block, {@code m = 0..statesPerBlock-1}.
     */
    public static void dynamics(float[] a, int statesPerBlock) {
        double re = 0.5 + Math.log(-Math.expm1(-0.5));
        for (int i = 0; i < a.length / 2; i++) {
            a[2 * i] = (float) re;
            a[2 * i + 1] = (float) (Math.PI * (i % statesPerBlock));
        }
    }

    /**
     * {@code log_dt}: the log of a geometric sequence from 1e-3 to 1e-1 over {@code count} entries
     * (channels or blocks), each repeated {@code repeat} times in a row: the reference's rule.
     */
    public static void logDt(float[] x, int count, int repeat) {
        logDt(x, count, repeat, REFERENCE_DT_LOW, REFERENCE_DT_HIGH);
    }

    /**
     * {@code log_dt}: the log of a geometric sequence from {@code low} to {@code high} over
     * {@code count} entries, each repeated {@code repeat} times in a row; a single entry gets
     * {@code low}, as the reference's rule gives a one-channel layer 1e-3.
     */
    public static void logDt(float[] x, int count, int repeat, double low, double high) {
        for (int i = 0; i < count; i++) {
            double dt = count == 1 ? low : Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * i / (count - 1));
            for (int r = 0; r < repeat; r++) {
                x[i * repeat + r] = (float) Math.log(dt);
            }
        }
    }

    /**
     * {@code log_dt} of a layer of {@code mode} with {@code states} states per block, in its
     * layout ({@code [C, N]} for dws and full, {@code [J N]} for s5, {@code [J]} for neck):
     * geometric from {@code low} to {@code high} over its channels or blocks, the same for every
     * state of one (the reference's rule, with its range).
     */
    public static void logDt(float[] x, BlockMode mode, int states, double low, double high) {
        if (mode == BlockMode.NECK) {
            logDt(x, x.length, 1, low, high);
        } else {
            logDt(x, x.length / states, states, low, high);
        }
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller: two uniforms make one normal (the other is discarded for simplicity)
        double u1 = rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }
}
