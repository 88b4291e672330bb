package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/** Finite-difference checks of analytic gradients. */
final class Gradients {
    private Gradients() {
    }

    /**
     * Compares {@code gradient[i]} with the central difference of {@code loss} at {@code x[i]} for
     * the given indices, within {@code tolerance} of the larger of the two magnitudes (or of
     * {@code floor}).
     */
    static void checkCoordinates(float[] x, float[] gradient, ToDoubleFunction<float[]> loss, int[] indices,
                                 float h, double tolerance, double floor) {
        for (int i : indices) {
            float saved = x[i];
            x[i] = saved + h;
            double up = loss.applyAsDouble(x);
            x[i] = saved - h;
            double down = loss.applyAsDouble(x);
            x[i] = saved;
            // the step actually taken, after rounding to float
            double numeric = (up - down) / ((double) (saved + h) - (double) (saved - h));
            double scale = Math.max(floor, Math.max(Math.abs(numeric), Math.abs(gradient[i])));
            assertEquals(numeric, gradient[i], tolerance * scale, "d loss / d x[" + i + "]");
        }
    }

    /** Compares the gradient's dot product with a random direction with the central difference along it. */
    static void checkDirection(float[] x, float[] gradient, ToDoubleFunction<float[]> loss, long seed, double h,
                               double tolerance) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] d = new double[x.length];
        double norm = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextDouble() * 2 - 1;
            norm += d[i] * d[i];
        }
        norm = Math.sqrt(norm);
        double analytic = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] /= norm;
            analytic += gradient[i] * d[i];
        }
        double numeric = (loss.applyAsDouble(shifted(x, d, h)) - loss.applyAsDouble(shifted(x, d, -h))) / (2 * h);
        assertEquals(numeric, analytic, tolerance * Math.max(Math.abs(numeric), Math.abs(analytic)),
                "directional derivative");
    }

    private static float[] shifted(float[] x, double[] d, double h) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) (x[i] + h * d[i]);
        }
        return y;
    }

    static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }
}
