package dev.ssmc.runtime.train;

/**
 * Predictions from logits and how many are right. A row's prediction is its largest logit (the
 * first one on a tie; NaN logits are never the largest, and a row of NaNs predicts class 0).
 */
public final class Accuracy {
    private Accuracy() {
    }

    /** The predicted class of each row of {@code logits} ({@code [rows][classes]} row-major). */
    public static int[] predictions(float[] logits, int classes) {
        if (classes < 1 || logits.length % classes != 0) {
            throw new IllegalArgumentException(logits.length + " logits are not whole rows of " + classes + " classes");
        }
        int[] predicted = new int[logits.length / classes];
        for (int b = 0; b < predicted.length; b++) {
            int best = 0;
            float bestValue = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                float v = logits[b * classes + c];
                if (v > bestValue) {
                    bestValue = v;
                    best = c;
                }
            }
            predicted[b] = best;
        }
        return predicted;
    }

    /** How many rows predict their label. */
    public static int correct(float[] logits, int classes, int[] labels) {
        int[] predicted = predictions(logits, classes);
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException(predicted.length + " rows of logits but " + labels.length + " labels");
        }
        int right = 0;
        for (int b = 0; b < labels.length; b++) {
            right += predicted[b] == labels[b] ? 1 : 0;
        }
        return right;
    }

    /** The fraction of rows that predict their label (0 for no rows). */
    public static double of(float[] logits, int classes, int[] labels) {
        return labels.length == 0 ? 0 : (double) correct(logits, classes, labels) / labels.length;
    }
}
