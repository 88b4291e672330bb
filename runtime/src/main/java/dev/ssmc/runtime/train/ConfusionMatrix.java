package dev.ssmc.runtime.train;

import java.util.List;
import java.util.Locale;

/**
 * Counts of (true class, predicted class) pairs, accumulated over batches; from them accuracy and
 * per-class recall and precision. Not thread-safe.
 */
public final class ConfusionMatrix {
    private final int classes;
    /** {@code counts[actual * classes + predicted]}. */
    private final long[] counts;

    public ConfusionMatrix(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("a confusion matrix needs at least one class, not " + classes);
        }
        this.classes = classes;
        this.counts = new long[classes * classes];
    }

    public int classes() {
        return classes;
    }

    public void add(int actual, int predicted) {
        check(actual, "actual");
        check(predicted, "predicted");
        counts[actual * classes + predicted]++;
    }

    /** Adds every row of a batch's logits ({@code [batch][classes]}) with its label. */
    public void add(float[] logits, int[] labels) {
        int[] predicted = Accuracy.predictions(logits, classes);
        if (predicted.length != labels.length) {
            throw new IllegalArgumentException(predicted.length + " rows of logits but " + labels.length + " labels");
        }
        for (int b = 0; b < labels.length; b++) {
            add(labels[b], predicted[b]);
        }
    }

    /** How often class {@code actual} was predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        check(actual, "actual");
        check(predicted, "predicted");
        return counts[actual * classes + predicted];
    }

    public long total() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    public long correct() {
        long n = 0;
        for (int c = 0; c < classes; c++) {
            n += counts[c * classes + c];
        }
        return n;
    }

    /** The fraction predicted right (0 when empty). */
    public double accuracy() {
        long total = total();
        return total == 0 ? 0 : (double) correct() / total;
    }

    /** Of the items of class {@code c}, the fraction predicted as {@code c} (NaN when there are none). */
    public double recall(int c) {
        long row = 0;
        for (int p = 0; p < classes; p++) {
            row += count(c, p);
        }
        return row == 0 ? Double.NaN : (double) count(c, c) / row;
    }

    /** Of the items predicted as {@code c}, the fraction that are {@code c} (NaN when there are none). */
    public double precision(int c) {
        long column = 0;
        for (int a = 0; a < classes; a++) {
            column += count(a, c);
        }
        return column == 0 ? Double.NaN : (double) count(c, c) / column;
    }

    /** A table with a row per true class and a column per predicted class, headed by {@code labels}. */
    public String format(List<String> labels) {
        if (labels.size() != classes) {
            throw new IllegalArgumentException(labels.size() + " labels for " + classes + " classes");
        }
        int width = 6;
        for (String l : labels) {
            width = Math.max(width, l.length() + 1);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", "true\\pred"));
        for (String l : labels) {
            sb.append(String.format(Locale.ROOT, "%" + width + "s", l));
        }
        sb.append(String.format(Locale.ROOT, "%" + width + "s%n", "recall"));
        for (int a = 0; a < classes; a++) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s", labels.get(a)));
            for (int p = 0; p < classes; p++) {
                sb.append(String.format(Locale.ROOT, "%" + width + "d", count(a, p)));
            }
            sb.append(String.format(Locale.ROOT, "%" + width + ".3f%n", recall(a)));
        }
        return sb.toString();
    }

    private void check(int c, String what) {
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException(what + " class " + c + " is outside 0.." + (classes - 1));
        }
    }
}
