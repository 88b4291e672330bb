package dev.ssmc.gentests.support;

import static org.junit.jupiter.api.Assertions.fail;

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

    private Close() {
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
