package dev.ssmc.runtime.train;

import java.util.Map;
import java.util.TreeMap;

/**
 * Clipping of gradients by their global L2 norm (the norm of all of them as one vector), as
 * PyTorch's {@code clip_grad_norm_}: if the norm exceeds {@code maxNorm}, every gradient is
 * multiplied by {@code maxNorm / (norm + 1e-6)}. Sums are in double, in key order, so the result
 * does not depend on the map's iteration order.
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /** The global L2 norm of the gradients. */
    public static double globalNorm(Map<String, float[]> gradients) {
        double sum = 0;
        for (float[] g : new TreeMap<>(gradients).values()) {
            for (float v : g) {
                sum += (double) v * v;
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales the gradients in place so that their global norm is at most {@code maxNorm}.
     *
     * @return the norm before clipping; when it is not finite (NaN or infinity) the gradients are
     *     left as they are, so the caller can see it and skip the step
     */
    public static double clipByGlobalNorm(Map<String, float[]> gradients, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("the largest norm must be positive, not " + maxNorm);
        }
        double norm = globalNorm(gradients);
        if (!Double.isFinite(norm) || norm <= maxNorm) {
            return norm;
        }
        float scale = (float) (maxNorm / (norm + 1e-6));
        for (float[] g : gradients.values()) {
            for (int i = 0; i < g.length; i++) {
                g[i] *= scale;
            }
        }
        return norm;
    }
}
