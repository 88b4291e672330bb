package dev.ssmc.runtime.nn;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Channel dropout ({@code nn.Dropout1d(p)}) at the end of an activation block, as the reference
 * builds it: present only when the block's feature count {@code F >= }{@value #MIN_FEATURES}
 * (otherwise the identity), and only in training (the identity in eval).
 *
 * <p>When active, each {@code (b, c)} of {@code x[batch][channels][length]} is kept with
 * probability {@code 1 - p} and scaled by {@code 1/(1-p)}, or zeroed as a whole channel:
 * {@code y[b,c,t] = mask[b,c] * x[b,c,t]}. The mask ({@code batch*channels} floats, each
 * {@code 0} or {@code 1/(1-p)}) is saved for {@link #backward}. Randomness: one
 * {@link RandomGenerator#nextDouble()} per {@code (b, c)}, batch-major, keeping the channel when
 * the draw is below {@code 1 - p}; {@link #forward(int, int, int, float[], float[], float, int, boolean, long, float[])}
 * uses a {@link SplittableRandom} of the given seed, so a seed fixes the mask on every JVM.
 *
 * <p>{@code features} is the block's {@code F}, which decides presence; it can differ from
 * {@code channels} (after GLU the signal has {@code F/2} channels). When inactive, {@code y = x}
 * and a non-null mask is filled with ones. Aliasing: {@code y} may be {@code x}, {@code dx} may
 * be {@code dy}. Nothing is allocated (except by the seeded overload's generator).
 */
public final class Dropout {
    private Dropout() {
    }

    /** The smallest feature count for which the reference puts a dropout in an activation block. */
    public static final int MIN_FEATURES = 16;

    /** Whether dropout with probability {@code p} in a block of {@code features} features changes anything. */
    public static boolean active(float p, int features, boolean training) {
        return training && p > 0f && features >= MIN_FEATURES;
    }

    /**
     * Applies dropout with a caller's generator (advanced by {@code batch*channels} draws when active).
     *
     * @param mask {@code batch*channels} floats, written when not null; required when active
     */
    public static void forward(int batch, int channels, int length, float[] x, float[] y, float p, int features,
                               boolean training, RandomGenerator rng, float[] mask) {
        Checks.positive("batch", batch);
        Checks.positive("channels", channels);
        Checks.positive("length", length);
        if (!(p >= 0f && p <= 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        }
        int n = (int) Checks.volume(batch, channels, length);
        int rows = batch * channels;
        Checks.size("x", x, n);
        Checks.size("y", y, n);
        boolean on = active(p, features, training);
        if (!on) {
            Checks.sizeOrNull("mask", mask, rows);
            if (x != y) {
                System.arraycopy(x, 0, y, 0, n);
            }
            if (mask != null) {
                java.util.Arrays.fill(mask, 0, rows, 1f);
            }
            return;
        }
        Checks.size("mask", mask, rows);
        if (rng == null) {
            throw new IllegalArgumentException("active dropout needs a random generator");
        }
        double keep = 1.0 - p;
        float scale = p < 1f ? (float) (1.0 / keep) : 0f;
        for (int row = 0; row < rows; row++) {
            mask[row] = rng.nextDouble() < keep ? scale : 0f;
        }
        scaleRows(rows, length, mask, x, y);
    }

    /** {@link #forward(int, int, int, float[], float[], float, int, boolean, RandomGenerator, float[])} with {@code new SplittableRandom(seed)}. */
    public static void forward(int batch, int channels, int length, float[] x, float[] y, float p, int features,
                               boolean training, long seed, float[] mask) {
        forward(batch, channels, length, x, y, p, features, training,
                active(p, features, training) ? new SplittableRandom(seed) : null, mask);
    }

    /** {@code dx[b,c,t] = mask[b,c] * dy[b,c,t]}; a null mask (no active dropout) is the identity. */
    public static void backward(int batch, int channels, int length, float[] dy, float[] dx, float[] mask) {
        Checks.positive("batch", batch);
        Checks.positive("channels", channels);
        Checks.positive("length", length);
        int n = (int) Checks.volume(batch, channels, length);
        Checks.size("dy", dy, n);
        Checks.size("dx", dx, n);
        if (mask == null) {
            if (dy != dx) {
                System.arraycopy(dy, 0, dx, 0, n);
            }
            return;
        }
        Checks.size("mask", mask, (long) batch * channels);
        scaleRows(batch * channels, length, mask, dy, dx);
    }

    private static void scaleRows(int rows, int length, float[] mask, float[] in, float[] out) {
        for (int row = 0; row < rows; row++) {
            float s = mask[row];
            int o = row * length;
            for (int t = 0; t < length; t++) {
                out[o + t] = in[o + t] * s;
            }
        }
    }
}
