package dev.ssmc.runtime.train;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ObjDoubleConsumer;

/** Brute-force CTC for tiny cases: every path of classes through the frames, collapsed. */
final class CtcCases {
    private CtcCases() {
    }

    /** {@code n} labels drawn from {@code 1..classes-1}. */
    static int[] labels(SplittableRandom rnd, int n, int classes) {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = 1 + rnd.nextInt(classes - 1);
        }
        return labels;
    }

    /** What a path of classes spells: repeats merged, then blanks dropped. */
    static int[] collapse(int[] path) {
        int[] out = new int[path.length];
        int n = 0;
        for (int t = 0; t < path.length; t++) {
            if (path[t] != Alphabet.BLANK && (t == 0 || path[t] != path[t - 1])) {
                out[n++] = path[t];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The per-frame log-probabilities of {@code x}, frame-major. */
    static double[] logProbabilities(FrameLogits x) {
        double[] logp = new double[x.frames() * x.classes()];
        for (int t = 0; t < x.frames(); t++) {
            x.logSoftmax(t, logp, t * x.classes());
        }
        return logp;
    }

    /** Calls {@code visit} with every path through the frames and its probability. */
    static void forEachPath(FrameLogits x, ObjDoubleConsumer<int[]> visit) {
        double[] logp = logProbabilities(x);
        int frames = x.frames();
        int classes = x.classes();
        int[] path = new int[frames];
        long count = Math.round(Math.pow(classes, frames));
        for (long code = 0; code < count; code++) {
            long rest = code;
            double logProbability = 0;
            for (int t = 0; t < frames; t++) {
                path[t] = (int) (rest % classes);
                rest /= classes;
                logProbability += logp[t * classes + path[t]];
            }
            visit.accept(path, Math.exp(logProbability));
        }
    }

    /** The probability of {@code labels}: the sum over every path that spells them. */
    static double bruteForceProbability(FrameLogits x, int[] labels) {
        double[] sum = {0};
        forEachPath(x, (path, p) -> {
            if (Arrays.equals(collapse(path), labels)) {
                sum[0] += p;
            }
        });
        return sum[0];
    }

    /** Every labelling's probability, keyed by its labels as a list. */
    static Map<List<Integer>, Double> labellingProbabilities(FrameLogits x) {
        Map<List<Integer>, Double> all = new HashMap<>();
        forEachPath(x, (path, p) -> all.merge(Arrays.stream(collapse(path)).boxed().toList(), p, Double::sum));
        return all;
    }
}
