package dev.ssmc.runtime.train;

/**
 * The mean absolute difference between an estimate and a reference (PyTorch's {@code l1_loss}):
 * {@code loss = (1/N) sum |e - r|}, {@code dloss/de = sign(e - r) / N} (0 where they are equal,
 * as PyTorch takes it).
 */
public final class L1 {
    private L1() {
    }

    /** The loss over all elements, and its gradient with respect to {@code estimate}. */
    public static Loss of(float[] estimate, float[] reference) {
        if (estimate.length != reference.length) {
            throw new IllegalArgumentException("the estimate has " + estimate.length + " samples but the reference has "
                    + reference.length);
        }
        int n = estimate.length;
        float[] gradient = new float[n];
        double sum = 0;
        float scale = n == 0 ? 0 : 1f / n;
        for (int i = 0; i < n; i++) {
            float d = estimate[i] - reference[i];
            sum += Math.abs(d);
            gradient[i] = Math.signum(d) * scale;
        }
        return new Loss(n == 0 ? 0 : sum / n, gradient);
    }
}
