package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.testing.Property;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CtcLossTest {
    /** A tiny case: frames, classes, a seed for the logits and the labels. */
    record Tiny(int frames, int classes, int labelCount, long seed) {
    }

    @Test
    void lossEqualsTheSumOverEveryAlignment() {
        Property.forAll(300, in -> new Tiny(integers().between(1, 5).generate(in), integers().between(2, 3).generate(in),
                integers().between(0, 5).generate(in), longs().all().generate(in)), c -> {
            SplittableRandom rnd = new SplittableRandom(c.seed());
            float[] logits = Gradients.random(rnd, c.frames() * c.classes(), 3);
            int[] labels = CtcCases.labels(rnd, c.labelCount(), c.classes());
            FrameLogits x = FrameLogits.frameMajor(logits, 0, c.frames(), c.classes());
            double expected = -Math.log(CtcCases.bruteForceProbability(x, labels));
            double actual = CtcLoss.negativeLogLikelihood(x, labels);
            if (Double.isInfinite(expected)) {
                assertEquals(Double.POSITIVE_INFINITY, actual, "no alignment: infeasible");
                assertTrue(CtcLoss.minimumFrames(labels) > c.frames());
            } else {
                assertEquals(expected, actual, 1e-12 * Math.max(1, Math.abs(expected)));
            }
        });
    }

    @Test
    void uniformLogitsCountTheAlignments() {
        // blank or 'a' at each of 3 frames; "a" has 6 alignments: a__ _a_ __a aa_ _aa aaa
        FrameLogits uniform = FrameLogits.frameMajor(new float[6], 0, 3, 2);
        assertEquals(3 * Math.log(2) - Math.log(6), CtcLoss.negativeLogLikelihood(uniform, new int[] {1}), 1e-15);
        // "aa" needs a__a-like separation: only a_a fits in 3 frames
        assertEquals(3 * Math.log(2), CtcLoss.negativeLogLikelihood(uniform, new int[] {1, 1}), 1e-15);
        // nothing said: only ___
        assertEquals(3 * Math.log(2), CtcLoss.negativeLogLikelihood(uniform, new int[0]), 1e-15);
    }

    /** A batch: items, padded frames, classes, and a seed for the logits, lengths, labels and reduction. */
    record BatchCase(int batch, int frames, int classes, long seed) {
    }

    @Test
    void gradientMatchesCentralDifferences() {
        Property.forAll(60, in -> new BatchCase(integers().between(1, 3).generate(in), integers().between(1, 8).generate(in),
                integers().between(2, 5).generate(in), longs().all().generate(in)), c -> {
            SplittableRandom rnd = new SplittableRandom(c.seed());
            float[] logits = Gradients.random(rnd, c.batch() * c.frames() * c.classes(), 3);
            int[] lengths = new int[c.batch()];
            int[][] labels = new int[c.batch()][];
            for (int b = 0; b < c.batch(); b++) {
                lengths[b] = rnd.nextInt(c.frames() + 1);
                // feasible labels (an infeasible item's gradient is NaN by design)
                do {
                    labels[b] = CtcCases.labels(rnd, rnd.nextInt(lengths[b] + 1), c.classes());
                } while (CtcLoss.minimumFrames(labels[b]) > lengths[b]);
            }
            LogitsLayout layout = LogitsLayout.values()[rnd.nextInt(2)];
            CtcLoss.Options options = CtcLoss.Options.DEFAULTS.withReduction(
                    CtcLoss.Reduction.values()[rnd.nextInt(CtcLoss.Reduction.values().length)]);
            CtcLoss.Result r = CtcLoss.of(logits, layout, c.frames(), c.classes(), lengths, labels, options);
            int[] all = IntStream.range(0, logits.length).toArray();
            Gradients.checkCoordinates(logits, r.gradient(),
                    z -> CtcLoss.of(z, layout, c.frames(), c.classes(), lengths, labels, options).value(), all,
                    1e-2f, 2e-3, 1e-3);
            for (int b = 0; b < c.batch(); b++) {
                FrameLogits g = layout.item(r.gradient(), b, c.frames(), c.classes());
                for (int t = 0; t < c.frames(); t++) {
                    double sum = 0;
                    for (int k = 0; k < c.classes(); k++) {
                        sum += g.get(t, k);
                        if (t >= lengths[b]) {
                            assertEquals(0f, g.get(t, k), "padding frames have no gradient");
                        }
                    }
                    assertEquals(0, sum, 1e-6, "softmax and occupancy both sum to one over the classes");
                }
            }
        });
    }

    @Test
    void labelsThatDoNotFitAreAnInfiniteLossOrZeroed() {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] logits = Gradients.random(rnd, 2 * 3 * 3, 2);
        int[][] labels = {{1, 1, 2}, {2}}; // "aab" needs 4 frames (a blank between the a's), has 3
        int[] lengths = {3, 3};
        assertEquals(4, CtcLoss.minimumFrames(labels[0]));
        assertEquals(3, CtcLoss.minimumFrames(new int[] {1, 2, 1}));
        CtcLoss.Result inf = CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 3, 3, lengths, labels);
        assertEquals(Double.POSITIVE_INFINITY, inf.value());
        assertEquals(1, inf.infeasibleItems());
        assertEquals(Double.POSITIVE_INFINITY, inf.itemLosses()[0]);
        for (int i = 0; i < 9; i++) {
            assertTrue(Float.isNaN(inf.gradient()[i]), "the infeasible item's gradient is NaN");
            assertTrue(Float.isFinite(inf.gradient()[9 + i]), "the other item's is not");
        }
        CtcLoss.Result zeroed = CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 3, 3, lengths, labels,
                CtcLoss.Options.DEFAULTS.withZeroInfinity(true));
        CtcLoss.Result alone = CtcLoss.of(Arrays.copyOfRange(logits, 9, 18), LogitsLayout.FRAMES_BY_CLASSES,
                3, 3, new int[] {3}, new int[][] {labels[1]});
        assertEquals(1, zeroed.infeasibleItems());
        assertEquals(Double.POSITIVE_INFINITY, zeroed.itemLosses()[0], "item losses are reported before zeroing");
        assertEquals(alone.value() / 2, zeroed.value(), 1e-12, "the zeroed item counts as 0 in the mean");
        for (int i = 0; i < 9; i++) {
            assertEquals(0f, zeroed.gradient()[i]);
            assertEquals(alone.gradient()[i] / 2, zeroed.gradient()[9 + i], 1e-7f);
        }
        // with one more frame it fits
        float[] four = Gradients.random(rnd, 4 * 3, 2);
        assertTrue(Double.isFinite(CtcLoss.of(four, LogitsLayout.FRAMES_BY_CLASSES, 4, 3, new int[] {4},
                new int[][] {labels[0]}).value()));
    }

    @Test
    void anEmptyTranscriptIsTheAllBlankAlignment() {
        float[] logits = {1, 2, 0.5f, -1, 0, 3}; // 2 frames, 3 classes, frame-major
        CtcLoss.Result r = CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 2, 3, new int[] {2}, new int[][] {{}});
        double[] logp = new double[6];
        FrameLogits x = FrameLogits.frameMajor(logits, 0, 2, 3);
        x.logSoftmax(0, logp, 0);
        x.logSoftmax(1, logp, 3);
        assertEquals(-(logp[0] + logp[3]), r.value(), 1e-12);
        for (int i = 0; i < 6; i++) {
            double expected = Math.exp(logp[i]) - (i % 3 == Alphabet.BLANK ? 1 : 0);
            assertEquals(expected, r.gradient()[i], 1e-7, "softmax minus one-hot blank at " + i);
        }
        // no frames and nothing said: certain; no frames and something said: impossible
        CtcLoss.Result empty = CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 2, 3, new int[] {0}, new int[][] {{}});
        assertEquals(0, empty.value());
        assertArrayEquals(new float[6], empty.gradient());
        assertEquals(Double.POSITIVE_INFINITY,
                CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 2, 3, new int[] {0}, new int[][] {{1}}).value());
    }

    @Test
    void anItemUsesOnlyItsOwnFrames() {
        SplittableRandom rnd = new SplittableRandom(3);
        int frames = 6;
        int classes = 4;
        float[] logits = Gradients.random(rnd, frames * classes, 2);
        int[] labels = {2, 3};
        double truncated = CtcLoss.negativeLogLikelihood(FrameLogits.frameMajor(logits, 0, 4, classes), labels);
        CtcLoss.Result padded = CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, frames, classes, new int[] {4},
                new int[][] {labels});
        assertEquals(truncated, padded.value(), 1e-15);
        logits[5 * classes + 1] += 100; // a padding frame changes nothing
        assertEquals(truncated, CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, frames, classes, new int[] {4},
                new int[][] {labels}).value(), 1e-15);
    }

    @Test
    void bothLayoutsGiveTheSameLossAndTransposedGradients() {
        SplittableRandom rnd = new SplittableRandom(11);
        int batch = 2;
        int frames = 7;
        int classes = 5;
        float[] frameMajor = Gradients.random(rnd, batch * frames * classes, 3);
        float[] classMajor = new float[frameMajor.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < frames; t++) {
                for (int k = 0; k < classes; k++) {
                    classMajor[(b * classes + k) * frames + t] = frameMajor[(b * frames + t) * classes + k];
                }
            }
        }
        int[] lengths = {7, 5};
        int[][] labels = {{1, 4, 4, 2}, {3}};
        CtcLoss.Result a = CtcLoss.of(frameMajor, LogitsLayout.FRAMES_BY_CLASSES, frames, classes, lengths, labels);
        CtcLoss.Result b = CtcLoss.of(classMajor, LogitsLayout.CLASSES_BY_FRAMES, frames, classes, lengths, labels);
        CtcLoss.Result t = CtcLoss.of(Tensor.of(classMajor, batch, classes, frames), lengths, labels,
                CtcLoss.Options.DEFAULTS);
        assertEquals(a.value(), b.value());
        assertEquals(a.value(), t.value());
        for (int i = 0; i < batch; i++) {
            for (int f = 0; f < frames; f++) {
                for (int k = 0; k < classes; k++) {
                    assertEquals(a.gradient()[(i * frames + f) * classes + k],
                            b.gradient()[(i * classes + k) * frames + f]);
                }
            }
        }
    }

    @Test
    void reductions() {
        SplittableRandom rnd = new SplittableRandom(5);
        float[] logits = Gradients.random(rnd, 2 * 6 * 3, 2);
        int[] lengths = {6, 6};
        int[][] labels = {{1, 2, 1}, {}};
        CtcLoss.Result sum = CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 6, 3, lengths, labels,
                CtcLoss.Options.DEFAULTS.withReduction(CtcLoss.Reduction.SUM));
        CtcLoss.Result mean = CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 6, 3, lengths, labels);
        CtcLoss.Result perLabel = CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 6, 3, lengths, labels,
                CtcLoss.Options.DEFAULTS.withReduction(CtcLoss.Reduction.MEAN_PER_LABEL));
        double[] items = sum.itemLosses();
        assertEquals(items[0] + items[1], sum.value(), 1e-12);
        assertEquals((items[0] + items[1]) / 2, mean.value(), 1e-12);
        assertEquals((items[0] / 3 + items[1] / 1) / 2, perLabel.value(), 1e-12, "no labels count as one");
        assertEquals(sum.gradient()[0] / 6, perLabel.gradient()[0], 1e-7f);
        assertEquals(sum.gradient()[20] / 2, perLabel.gradient()[20], 1e-7f);
        assertEquals(new Loss(mean.value(), mean.gradient()), mean.loss());
    }

    @Test
    void hugeLogitsAndLongUtterancesStayFinite() {
        // a confident network: +-10000 logits, the right path certain
        int frames = 4;
        float[] confident = new float[frames * 3];
        int[] path = {1, 0, 2, 2};
        for (int t = 0; t < frames; t++) {
            for (int k = 0; k < 3; k++) {
                confident[t * 3 + k] = k == path[t] ? 10000 : -10000;
            }
        }
        CtcLoss.Result right = CtcLoss.of(confident, LogitsLayout.FRAMES_BY_CLASSES, frames, 3, new int[] {4},
                new int[][] {{1, 2}});
        assertEquals(0, right.value(), 1e-12);
        CtcLoss.Result wrong = CtcLoss.of(confident, LogitsLayout.FRAMES_BY_CLASSES, frames, 3, new int[] {4},
                new int[][] {{2, 1}});
        assertTrue(Double.isFinite(wrong.value()) && wrong.value() > 10000, "" + wrong.value());
        for (float g : wrong.gradient()) {
            assertTrue(Float.isFinite(g));
        }
        // two thousand frames of 30 classes, 100 labels: alignments' probabilities far below the smallest double
        SplittableRandom rnd = new SplittableRandom(1);
        int longFrames = 2000;
        float[] logits = Gradients.random(rnd, longFrames * 30, 5);
        int[] labels = CtcCases.labels(rnd, 100, 30);
        CtcLoss.Result r = CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, longFrames, 30, new int[] {longFrames},
                new int[][] {labels});
        assertTrue(Double.isFinite(r.value()) && r.value() > 1000, "" + r.value());
        for (float g : r.gradient()) {
            assertTrue(Float.isFinite(g));
        }
    }

    @Test
    void badArgumentsAreNamed() {
        float[] logits = new float[12];
        assertThrows(IllegalArgumentException.class, () -> CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 4, 4,
                new int[] {4}, new int[][] {{1}}), "12 logits are not 1 item of 4x4");
        assertThrows(IllegalArgumentException.class, () -> CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 4, 3,
                new int[] {5}, new int[][] {{1}}), "more frames than there are");
        IllegalArgumentException blank = assertThrows(IllegalArgumentException.class, () -> CtcLoss.of(logits,
                LogitsLayout.FRAMES_BY_CLASSES, 4, 3, new int[] {4}, new int[][] {{1, 0}}));
        assertTrue(blank.getMessage().contains("label 0"), blank.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CtcLoss.of(logits, LogitsLayout.FRAMES_BY_CLASSES, 4, 3,
                new int[] {4}, new int[][] {{3}}), "a label past the classes");
        assertThrows(IllegalArgumentException.class, () -> CtcLoss.of(Tensor.of(logits, 1, 12), new int[] {4},
                new int[][] {{1}}, CtcLoss.Options.DEFAULTS), "not [batch, classes, frames]");
    }
}
