package dev.ssmc.compiler.golden;

import dev.ssmc.runtime.tensor.Tensor;
import java.util.Locale;

/**
 * One computed tensor against the reference's: passes when every element is within the
 * {@link Tolerance}, {@code |x - ref| <= relative * max|ref| + floor}.
 *
 * <p>It reports its error relative to {@code max|ref|}, next to the tolerance in the same unit:
 * rounding shows as an error near the tolerance, a wrong result as one far above it.
 *
 * @param maxError the largest absolute difference (NaN if any value is NaN or the shapes differ)
 * @param maxAbs the reference's largest magnitude, {@code max|ref|}
 * @param tolerance the largest allowed absolute difference
 */
public record TensorCheck(String engine, String tensor, double maxError, double maxAbs, double tolerance,
                          String problem) {

    public static TensorCheck compare(String engine, String tensor, Tensor got, Tensor ref, Tolerance allowed) {
        double maxAbs = ref.maxAbs();
        double tol = allowed.bound(maxAbs);
        if (got == null) {
            return new TensorCheck(engine, tensor, Double.NaN, maxAbs, tol, "not computed");
        }
        if (!got.hasShape(ref.shape())) {
            return new TensorCheck(engine, tensor, Double.NaN, maxAbs, tol, "shape " + Tensor.shapeString(got.shape())
                    + " instead of " + Tensor.shapeString(ref.shape()));
        }
        double err = 0;
        float[] g = got.data();
        float[] r = ref.data();
        for (int i = 0; i < g.length; i++) {
            double d = Math.abs((double) g[i] - r[i]);
            if (!(d <= err)) {
                err = d; // NaN sticks
            }
        }
        return new TensorCheck(engine, tensor, err, maxAbs, tol, null);
    }

    public static TensorCheck failed(String engine, String tensor, String problem) {
        return new TensorCheck(engine, tensor, Double.NaN, Double.NaN, Double.NaN, problem);
    }

    public boolean passed() {
        return problem == null && maxError <= tolerance;
    }

    /** The largest error as a fraction of {@code max|ref|} (infinite or NaN for an all-zero reference). */
    public double relativeError() {
        return maxError / maxAbs;
    }

    /** The tolerance as a fraction of {@code max|ref|}: the relative one, widened by the floor. */
    public double relativeTolerance() {
        return tolerance / maxAbs;
    }

    /**
     * {@code plan output 2.10e-05 of max|ref| (tol 1.00e-04)}, or {@code (over tol ...)} when it fails;
     * an all-zero reference has no relative error, so its absolute error is given.
     */
    @Override
    public String toString() {
        String label = engine + " " + tensor;
        if (problem != null) {
            return label + " " + problem;
        }
        String verdict = passed() ? "tol" : "over tol";
        if (maxAbs == 0) {
            return String.format(Locale.ROOT, "%s %.2e, ref all zero (%s %.2e)", label, maxError, verdict, tolerance);
        }
        return String.format(Locale.ROOT, "%s %.2e of max|ref| (%s %.2e)", label, relativeError(), verdict,
                relativeTolerance());
    }
}
