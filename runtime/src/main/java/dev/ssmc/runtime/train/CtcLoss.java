package dev.ssmc.runtime.train;

import dev.ssmc.runtime.tensor.Tensor;
import java.util.Arrays;

/**
 * Connectionist temporal classification (Graves et al., 2006): the negative log-likelihood of a
 * label sequence under per-frame class distributions, summed over every alignment of the labels
 * to the frames, with class {@link Alphabet#BLANK} as the blank, and its gradient with respect to
 * the logits.
 *
 * <p><b>The computation.</b> An item's labels {@code l} (no blanks, length {@code L}) are
 * extended to {@code l'} of length {@code S = 2L+1} with a blank before, between and after them.
 * An alignment visits one position of {@code l'} per frame, starting at one of the first two,
 * ending at one of the last two, and moving on by 0, 1, or 2 positions, the last only to skip a
 * blank between two different labels. Each frame's log-probabilities are the log-softmax of its
 * logits; the forward variables {@code alpha[t][s]} (log probability of the alignments of frames
 * {@code 0..t} that are at {@code s} at {@code t}) and the backward ones {@code beta[t][s]} (of
 * frames {@code t+1..T-1} given {@code s} at {@code t}) are computed in log space with log-sum-exp
 * in double, so no probability underflows however long the utterance. With {@code ll} the log
 * likelihood and {@code p[t][k]} the softmax,
 * {@code d(-ll)/dz[t][k] = p[t][k] - sum over s with l'[s] = k of exp(alpha[t][s] + beta[t][s] - ll)}
 * (the softmax minus the posterior occupancy of class {@code k} at frame {@code t}).
 *
 * <p><b>Layout.</b> Either {@link LogitsLayout}: the network's own {@code [batch][classes][frames]}
 * or a stream's {@code [batch][frames][classes]}; the gradient comes back in the layout the logits
 * came in. Inside, each item's log-probabilities are copied to a frame-major double array, since
 * the recursion visits one frame at a time and every class of it.
 *
 * <p><b>Lengths.</b> Item {@code b} uses its first {@code frameLengths[b]} frames (the rest is
 * padding; its gradient is zero). Labels need at least {@link #minimumFrames} frames: one per label,
 * plus a blank between each two equal neighbours. An item with fewer is <em>infeasible</em>: its
 * likelihood is 0 and its loss infinite; by default the loss is then {@code +Infinity} and the
 * item's gradient NaN (as PyTorch's {@code ctc_loss}), so that a training step with it is not taken
 * (see {@link Trainer}'s non-finite check); with {@link Options#zeroInfinity()} the item counts as
 * loss 0 with gradient 0 instead, and the others train on. An empty label sequence is the
 * all-blank alignment (loss {@code -sum_t log p[t][blank]}); with zero frames as well its loss is 0.
 */
public final class CtcLoss {
    private CtcLoss() {
    }

    /** How item losses are combined into the loss. */
    public enum Reduction {
        /** The mean of the items' negative log-likelihoods. */
        MEAN,
        /**
         * The mean of each item's negative log-likelihood divided by its label count (1 for no
         * labels): PyTorch's {@code reduction='mean'}, which keeps long transcripts from dominating.
         */
        MEAN_PER_LABEL,
        /** The sum of the items' negative log-likelihoods. */
        SUM
    }

    /**
     * @param zeroInfinity whether an infeasible item (more labels than its frames allow) counts as
     *     loss 0 with gradient 0 instead of an infinite loss with NaN gradient
     * @param reduction how item losses are combined
     */
    public record Options(boolean zeroInfinity, Reduction reduction) {
        public static final Options DEFAULTS = new Options(false, Reduction.MEAN);

        public Options {
            if (reduction == null) {
                throw new IllegalArgumentException("reduction is null");
            }
        }

        public Options withZeroInfinity(boolean on) {
            return new Options(on, reduction);
        }

        public Options withReduction(Reduction r) {
            return new Options(zeroInfinity, r);
        }
    }

    /**
     * A batch's CTC loss.
     *
     * @param value the reduced loss ({@code +Infinity} if an item is infeasible and infinities are
     *     not zeroed)
     * @param gradient d value / d logits, in the logits' layout
     * @param itemLosses each item's negative log-likelihood, before reduction and zeroing (so
     *     {@code +Infinity} for an infeasible item either way)
     * @param infeasibleItems how many items had more labels than their frames allow
     */
    public record Result(double value, float[] gradient, double[] itemLosses, int infeasibleItems) {
        /** The value and gradient, for a network's backward pass. */
        public Loss loss() {
            return new Loss(value, gradient);
        }
    }

    /** {@link #of(float[], LogitsLayout, int, int, int[], int[][], Options)} with {@link Options#DEFAULTS}. */
    public static Result of(float[] logits, LogitsLayout layout, int frames, int classes, int[] frameLengths,
                            int[][] labels) {
        return of(logits, layout, frames, classes, frameLengths, labels, Options.DEFAULTS);
    }

    /**
     * The loss of a batch of {@code labels.length} items.
     *
     * @param logits {@code batch * frames * classes} logits in {@code layout}
     * @param frameLengths how many of its frames each item has, in {@code [0, frames]}
     * @param labels each item's labels, in {@code [1, classes)} (no blank)
     * @throws IllegalArgumentException if the sizes disagree, or a length or label is out of range
     */
    public static Result of(float[] logits, LogitsLayout layout, int frames, int classes, int[] frameLengths,
                            int[][] labels, Options options) {
        int batch = labels.length;
        layout.requireSize(logits, batch, frames, classes);
        if (frameLengths.length != batch) {
            throw new IllegalArgumentException(frameLengths.length + " frame lengths for " + batch + " items");
        }
        for (int b = 0; b < batch; b++) {
            if (frameLengths[b] < 0 || frameLengths[b] > frames) {
                throw new IllegalArgumentException("item " + b + " has " + frameLengths[b] + " frames, outside 0.."
                        + frames);
            }
            for (int label : labels[b]) {
                if (label <= Alphabet.BLANK || label >= classes) {
                    throw new IllegalArgumentException("item " + b + " has label " + label + ", outside 1.."
                            + (classes - 1) + " (" + Alphabet.BLANK + " is the blank)");
                }
            }
        }
        float[] gradient = new float[logits.length];
        double[] itemLosses = new double[batch];
        double total = 0;
        int infeasible = 0;
        for (int b = 0; b < batch; b++) {
            double weight = switch (options.reduction()) {
                case MEAN -> 1.0 / batch;
                case MEAN_PER_LABEL -> 1.0 / batch / Math.max(1, labels[b].length);
                case SUM -> 1.0;
            };
            FrameLogits item = layout.item(logits, b, frames, classes).firstFrames(frameLengths[b]);
            double nll = negativeLogLikelihood(item, labels[b], weight, gradient, options.zeroInfinity());
            itemLosses[b] = nll;
            if (nll == Double.POSITIVE_INFINITY) {
                infeasible++;
                if (options.zeroInfinity()) {
                    continue;
                }
            }
            total += weight * nll;
        }
        return new Result(total, gradient, itemLosses, infeasible);
    }

    /**
     * {@link #of(float[], LogitsLayout, int, int, int[], int[][], Options)} for a network's
     * {@code [batch, classes, frames]} logits.
     */
    public static Result of(Tensor logits, int[] frameLengths, int[][] labels, Options options) {
        if (logits.rank() != 3) {
            throw new IllegalArgumentException("CTC takes [batch, classes, frames] logits, not "
                    + Tensor.shapeString(logits.shape()));
        }
        logits.requireShape("the logits", labels.length, logits.dim(1), logits.dim(2));
        return of(logits.data(), LogitsLayout.CLASSES_BY_FRAMES, logits.dim(2), logits.dim(1), frameLengths, labels,
                options);
    }

    /** One item's negative log-likelihood of {@code labels} over all of its frames ({@code +Infinity} if infeasible). */
    public static double negativeLogLikelihood(FrameLogits logits, int[] labels) {
        return negativeLogLikelihood(logits, labels, 0, null, false);
    }

    /**
     * The fewest frames that can carry {@code labels}: one per label, and one more for the blank
     * that must separate each two equal neighbours (otherwise they would merge into one).
     */
    public static int minimumFrames(int[] labels) {
        int n = labels.length;
        for (int i = 1; i < labels.length; i++) {
            if (labels[i] == labels[i - 1]) {
                n++;
            }
        }
        return n;
    }

    /**
     * The negative log-likelihood; when {@code gradient} is not null, adds {@code weight} times
     * its gradient to the item's entries of it (NaN if infeasible, unless zeroed).
     */
    private static double negativeLogLikelihood(FrameLogits x, int[] labels, double weight, float[] gradient,
                                                boolean zeroInfinity) {
        int frames = x.frames();
        int classes = x.classes();
        if (minimumFrames(labels) > frames) {
            if (gradient != null && !zeroInfinity) {
                for (int t = 0; t < frames; t++) {
                    for (int k = 0; k < classes; k++) {
                        gradient[x.index(t, k)] = Float.NaN;
                    }
                }
            }
            return Double.POSITIVE_INFINITY;
        }
        if (frames == 0) {
            return 0; // no labels and no frames: the empty alignment, probability 1
        }
        int states = 2 * labels.length + 1;
        int[] extended = new int[states]; // l': blanks at the even positions
        for (int i = 0; i < labels.length; i++) {
            extended[2 * i + 1] = labels[i];
        }
        double[] logp = new double[frames * classes];
        for (int t = 0; t < frames; t++) {
            x.logSoftmax(t, logp, t * classes);
        }
        double[] alpha = new double[frames * states];
        double[] beta = new double[frames * states];
        Arrays.fill(alpha, Double.NEGATIVE_INFINITY);
        Arrays.fill(beta, Double.NEGATIVE_INFINITY);
        alpha[0] = logp[extended[0]];
        if (states > 1) {
            alpha[1] = logp[extended[1]];
        }
        for (int t = 1; t < frames; t++) {
            int row = t * states;
            int previous = row - states;
            for (int s = 0; s < states; s++) {
                double a = alpha[previous + s];
                if (s >= 1) {
                    a = logAdd(a, alpha[previous + s - 1]);
                }
                if (canSkip(extended, s)) {
                    a = logAdd(a, alpha[previous + s - 2]);
                }
                alpha[row + s] = a + logp[t * classes + extended[s]];
            }
        }
        int last = (frames - 1) * states;
        beta[last + states - 1] = 0;
        if (states > 1) {
            beta[last + states - 2] = 0;
        }
        for (int t = frames - 2; t >= 0; t--) {
            int row = t * states;
            int next = row + states;
            int nextLogp = (t + 1) * classes;
            for (int s = 0; s < states; s++) {
                double b = beta[next + s] + logp[nextLogp + extended[s]];
                if (s + 1 < states) {
                    b = logAdd(b, beta[next + s + 1] + logp[nextLogp + extended[s + 1]]);
                }
                if (s + 2 < states && canSkip(extended, s + 2)) {
                    b = logAdd(b, beta[next + s + 2] + logp[nextLogp + extended[s + 2]]);
                }
                beta[row + s] = b;
            }
        }
        double ll = states > 1 ? logAdd(alpha[last + states - 1], alpha[last + states - 2]) : alpha[last];
        if (gradient != null) {
            double[] occupancy = new double[classes];
            for (int t = 0; t < frames; t++) {
                Arrays.fill(occupancy, Double.NEGATIVE_INFINITY);
                for (int s = 0; s < states; s++) {
                    occupancy[extended[s]] = logAdd(occupancy[extended[s]], alpha[t * states + s] + beta[t * states + s]);
                }
                for (int k = 0; k < classes; k++) {
                    double g = Math.exp(logp[t * classes + k]) - Math.exp(occupancy[k] - ll);
                    gradient[x.index(t, k)] += (float) (weight * g);
                }
            }
        }
        return -ll;
    }

    /** Whether an alignment may move to position {@code s} of {@code l'} from {@code s-2}: over a blank between different labels. */
    private static boolean canSkip(int[] extended, int s) {
        return s >= 2 && extended[s] != Alphabet.BLANK && extended[s] != extended[s - 2];
    }

    /** {@code log(exp(a) + exp(b))} without overflow or underflow; {@code -Infinity} is log 0. */
    static double logAdd(double a, double b) {
        if (a == Double.NEGATIVE_INFINITY) {
            return b;
        }
        if (b == Double.NEGATIVE_INFINITY) {
            return a;
        }
        return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
    }
}
