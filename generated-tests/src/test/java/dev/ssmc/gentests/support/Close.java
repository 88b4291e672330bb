package dev.ssmc.gentests.support;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Map;

/**
 * Comparisons with the golden files' tolerance, {@code |x - ref| <= 1e-4 * max|ref| + 1e-6}, the
 * one {@code ./ssmc golden} applies to every tensor, plus {@link #NOISE_FACTOR} times the case's
 * float32 noise floor ({@link References#noise}) where that is known: negligible for
 * well-conditioned cases, it keeps rare ill-conditioned draws of random weights (an rms norm over a
 * near-zero vector) from failing a correct float32 execution, while errors of a wrong computation
 * stay far beyond it.
 */
public final class Close {
    public static final double RELATIVE = 1e-4;
    public static final double ABSOLUTE = 1e-6;
    /** How many one-ulp noise floors a float32 execution may differ by (measured: up to about 10). */
    public static final double NOISE_FACTOR = 30;
    /** Float32's unit roundoff, {@code 2^-24}. */
    public static final double FLOAT32_UNIT = 0x1p-24;
    /**
     * Gradients: the error allowed relative to the largest gradient of the element's own tensor.
     * Looser than outputs' {@link #RELATIVE}: a backward pass chains more roundings, and norms over
     * small signals (slow SSMs give outputs of order dt, down to e^-6) or few samples (instance,
     * group, layer on one to six samples) divide by a sigma near sqrt(eps) and magnify them.
     */
    public static final double GRADIENT_RELATIVE = 2e-3;
    /**
     * Gradients: the float32 floor, in units of {@link #FLOAT32_UNIT} times the norm of the whole
     * gradient times the square root of the positions a gradient sums over ({@link #gradientFloor}).
     * The two zero gradients that called for the floor (a norm's bias whose shift a later norm
     * removes) came out at 17 and at 235 units of the norm, the latter summed over 8 positions
     * (83 units times sqrt(8)); 128 leaves a factor of 1.5 over the worse.
     */
    public static final double GRADIENT_FLOOR_UNITS = 128;

    private Close() {
    }

    /**
     * The float32 floor of the gradients of one backward pass over {@code positions} (batch times
     * length) positions: {@link #GRADIENT_FLOOR_UNITS} float32 units of the norm of the whole
     * gradient, the input's and every trainable tensor's together, times {@code sqrt(positions)}.
     * Every gradient is assembled from the signal backpropagated from the outputs, and a float32
     * backward pass rounds relative to that signal's size, not to the size of the result: a gradient
     * whose terms cancel (exactly zero, as for a norm's bias whose shift a later norm removes, or
     * nearly) comes out as rounding noise of the signal's size, far beyond its own tensor's scale.
     * The whole gradient's norm measures the signal; its own tensor's scale cannot (it is the noise).
     * A parameter's gradient sums a term per position, and the rounding of such a sum grows as the
     * square root of its length (the usual probabilistic bound).
     */
    public static double gradientFloor(Map<String, float[]> gradients, int positions) {
        double sum = 0;
        for (float[] g : gradients.values()) {
            for (float v : g) {
                sum += (double) v * v;
            }
        }
        return GRADIENT_FLOOR_UNITS * FLOAT32_UNIT * Math.sqrt(sum) * Math.sqrt(Math.max(1, positions));
    }

    /**
     * The tolerance of a gradient element: {@link #GRADIENT_RELATIVE} of its tensor's {@code
     * scale} (the largest gradient of the tensor), plus {@link #ABSOLUTE}, plus the pass's {@code
     * floor} ({@link #gradientFloor}), plus {@link #NOISE_FACTOR} times the tensor's measured
     * {@code noise} (how far it moves when weights and input move by one ulp: large where a norm
     * over few samples or a near-zero vector magnifies rounding).
     */
    public static double gradientTolerance(double scale, double floor, double noise) {
        return GRADIENT_RELATIVE * scale + ABSOLUTE + floor + NOISE_FACTOR * noise;
    }

    /** The tolerance for a tensor whose reference values are {@code ref}. */
    public static double tolerance(float[] ref) {
        return RELATIVE * maxAbs(ref) + ABSOLUTE;
    }

    public static double maxAbs(float[] x) {
        double m = 0;
        for (float v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * Fails unless {@code got} has {@code ref}'s length, only finite values, and every element within
     * the tolerance of {@code ref}'s; the message names the worst element.
     */
    public static void assertClose(float[] ref, float[] got, String what, Object context) {
        assertClose(ref, got, 0, what, context);
    }

    /** {@link #assertClose(float[], float[], String, Object)} allowing {@link #NOISE_FACTOR} times {@code noise} more. */
    public static void assertClose(float[] ref, float[] got, double noise, String what, Object context) {
        if (ref == null || got == null) {
            if (ref != got) {
                fail(what + ": " + (ref == null ? "no reference" : "nothing computed") + "\n" + context);
            }
            return;
        }
        if (ref.length != got.length) {
            fail(what + ": " + got.length + " values, want " + ref.length + "\n" + context);
        }
        double tol = tolerance(ref) + NOISE_FACTOR * noise;
        int worst = -1;
        double worstErr = 0;
        for (int i = 0; i < ref.length; i++) {
            if (!Float.isFinite(ref[i]) || !Float.isFinite(got[i])) {
                fail(what + ": element " + i + " is " + got[i] + ", reference " + ref[i] + " (not finite)\n" + context);
            }
            double err = Math.abs((double) got[i] - ref[i]);
            if (err > worstErr) {
                worstErr = err;
                worst = i;
            }
        }
        if (worstErr > tol) {
            fail(String.format("%s: element %d of %d is %s, reference %s: error %.3e > tolerance %.3e (max|ref| %.3e,"
                    + " noise floor %.3e)%n%s", what, worst, ref.length, got[worst], ref[worst], worstErr, tol, maxAbs(ref),
                    noise, context));
        }
    }
}
