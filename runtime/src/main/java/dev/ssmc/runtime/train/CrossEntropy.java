package dev.ssmc.runtime.train;

import dev.ssmc.runtime.tensor.Tensor;

/**
 * Softmax cross-entropy of logits against class labels, averaged over the batch (PyTorch's
 * {@code cross_entropy} with the default mean reduction):
 * {@code loss = (1/B) sum_b (logsumexp(z_b) - z_b[y_b])}, and
 * {@code dloss/dz_b = (softmax(z_b) - onehot(y_b)) / B}.
 *
 * <p>Numerically stable: the largest logit of each row is subtracted before exponentiating, and
 * sums are in double, so logits of any magnitude give a finite loss.
 */
public final class CrossEntropy {
    private CrossEntropy() {
    }

    /**
     * @param logits {@code [batch][classes]} row-major, with {@code batch = labels.length}
     * @param classes the number of classes (row length)
     * @param labels each row's class, in {@code [0, classes)}
     * @return the mean loss and its gradient with respect to {@code logits} (same layout)
     */
    public static Loss of(float[] logits, int classes, int[] labels) {
        int batch = labels.length;
        if (classes < 1 || logits.length != batch * classes) {
            throw new IllegalArgumentException(logits.length + " logits are not " + batch + " rows of " + classes
                    + " classes");
        }
        float[] gradient = new float[logits.length];
        double total = 0;
        for (int b = 0; b < batch; b++) {
            int label = labels[b];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " of item " + b + " is outside 0.." + (classes - 1));
            }
            int row = b * classes;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[row + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits[row + c] - max);
            }
            double logSum = Math.log(sum);
            total += logSum + max - logits[row + label];
            for (int c = 0; c < classes; c++) {
                double p = Math.exp(logits[row + c] - max - logSum);
                gradient[row + c] = (float) ((p - (c == label ? 1 : 0)) / batch);
            }
        }
        return new Loss(batch == 0 ? 0 : total / batch, gradient);
    }

    /** {@link #of(float[], int, int[])} for a {@code [batch, classes]} tensor (a network's logits). */
    public static Loss of(Tensor logits, int[] labels) {
        logits.requireShape("the logits", labels.length, logits.rank() == 2 ? logits.dim(1) : -1);
        return of(logits.data(), logits.dim(1), labels);
    }
}
