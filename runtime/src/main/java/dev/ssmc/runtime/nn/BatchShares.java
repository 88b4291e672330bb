package dev.ssmc.runtime.nn;

/**
 * Parameter gradients of a layer whose batch is split between threads: each batch element's share
 * is made in an array of its own, then the shares are added in batch order, so the sums are the
 * same to the bit however the batch was split (and on any number of threads).
 */
final class BatchShares {
    private BatchShares() {
    }

    /** Room for {@code batch} shares of {@code size} floats each, zeroed; null when {@code total} is null (not wanted). */
    static float[] allocate(float[] total, int batch, int size) {
        return total == null ? null : new float[Math.multiplyExact(batch, size)];
    }

    /** {@code total[i] += shares[b * size + i]} for {@code b = 0, 1, ...} in order (nothing when null). */
    static void addTo(float[] total, int batch, int size, float[] shares) {
        if (total == null) {
            return;
        }
        for (int i = 0; i < size; i++) {
            float s = total[i];
            for (int b = 0; b < batch; b++) {
                s += shares[b * size + i];
            }
            total[i] = s;
        }
    }
}
