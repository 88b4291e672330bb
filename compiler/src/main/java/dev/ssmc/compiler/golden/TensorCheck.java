package dev.ssmc.compiler.golden;

import dev.ssmc.runtime.tensor.Tensor;
import java.util.Locale;

/**
 * One computed tensor against the reference's: passes when every element satisfies
 * {@code |x - ref| <= 1e-4 * max|ref| + 1e-6}.
 *
 * @param maxError the largest absolute difference (NaN if any value is NaN or the shapes differ)
 */
public record TensorCheck(String engine, String tensor, double maxError, double tolerance, String problem) {
    public static final double RELATIVE = 1e-4;
    public static final double ABSOLUTE = 1e-6;

    public static TensorCheck compare(String engine, String tensor, Tensor got, Tensor ref) {
        double tol = RELATIVE * ref.maxAbs() + ABSOLUTE;
        if (got == null) {
            return new TensorCheck(engine, tensor, Double.NaN, tol, "not computed");
        }
        if (!got.hasShape(ref.shape())) {
            return new TensorCheck(engine, tensor, Double.NaN, tol, "shape " + Tensor.shapeString(got.shape())
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
        return new TensorCheck(engine, tensor, err, tol, null);
    }

    public static TensorCheck failed(String engine, String tensor, String problem) {
        return new TensorCheck(engine, tensor, Double.NaN, Double.NaN, problem);
    }

    public boolean passed() {
        return problem == null && maxError <= tolerance;
    }

    @Override
    public String toString() {
        String label = engine + " " + tensor;
        if (problem != null) {
            return label + " " + problem;
        }
        return String.format(Locale.ROOT, "%s %.2e (tol %.2e)", label, maxError, tolerance);
    }
}
