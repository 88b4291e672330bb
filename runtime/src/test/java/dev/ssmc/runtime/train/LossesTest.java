package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.testing.Property;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LossesTest {
    @Test
    void crossEntropyKnownValues() {
        // uniform logits: ln C, and the gradient is (1/C - onehot) / B
        Loss uniform = CrossEntropy.of(new float[8], 4, new int[] {1, 3});
        assertEquals(Math.log(4), uniform.value(), 1e-12);
        assertArrayEquals(new float[] {0.125f, -0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f},
                uniform.gradient(), 1e-7f);
        // log(e + e^2 + e^3) - 3
        Loss one = CrossEntropy.of(new float[] {1, 2, 3}, 3, new int[] {2});
        assertEquals(0.40760596444438, one.value(), 1e-12);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertArrayEquals(new float[] {(float) (Math.exp(1) / z), (float) (Math.exp(2) / z), (float) (Math.exp(3) / z - 1)},
                one.gradient(), 1e-7f);
        // huge logits stay finite
        Loss right = CrossEntropy.of(new float[] {1000, -1000}, 2, new int[] {0});
        Loss wrong = CrossEntropy.of(new float[] {1000, -1000}, 2, new int[] {1});
        assertEquals(0, right.value(), 1e-12);
        assertEquals(2000, wrong.value(), 1e-9);
        assertArrayEquals(new float[] {1, -1}, wrong.gradient());
        // the tensor form is the same
        Loss t = CrossEntropy.of(Tensor.of(new float[] {1, 2, 3}, 1, 3), new int[] {2});
        assertEquals(one.value(), t.value());
        assertThrows(IllegalArgumentException.class, () -> CrossEntropy.of(new float[3], 3, new int[] {3}));
    }

    @Test
    void crossEntropyGradientMatchesFiniteDifferences() {
        Property.forAll(30, in -> new LogitsCase(integers().between(1, 5).generate(in),
                integers().between(2, 12).generate(in),
                longs().all().generate(in)),
                a -> crossEntropyGradientMatchesFiniteDifferences(a.batch(), a.classes(), a.seed()));
    }

    /** One try of {@link #crossEntropyGradientMatchesFiniteDifferences()}. */
    record LogitsCase(int batch, int classes, long seed) {
    }

    private void crossEntropyGradientMatchesFiniteDifferences(int batch, int classes, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] logits = Gradients.random(rnd, batch * classes, 4);
        int[] labels = new int[batch];
        for (int b = 0; b < batch; b++) {
            labels[b] = rnd.nextInt(classes);
        }
        Loss loss = CrossEntropy.of(logits, classes, labels);
        int[] all = java.util.stream.IntStream.range(0, logits.length).toArray();
        Gradients.checkCoordinates(logits, loss.gradient(), x -> CrossEntropy.of(x, classes, labels).value(), all,
                1e-2f, 1e-3, 1e-4);
        for (int b = 0; b < batch; b++) {
            double rowSum = 0;
            for (int c = 0; c < classes; c++) {
                rowSum += loss.gradient()[b * classes + c];
            }
            assertEquals(0, rowSum, 1e-6, "softmax minus one-hot sums to zero");
        }
    }

    @Test
    void accuracyAndConfusionMatrix() {
        float[] logits = {
            0.1f, 0.9f, 0.0f, // predicts 1
            2.0f, 1.0f, 0.0f, // predicts 0
            0.5f, 0.5f, 0.7f, // predicts 2
            3.0f, 3.0f, 1.0f, // a tie: the first, 0
        };
        int[] labels = {1, 2, 2, 1};
        assertArrayEquals(new int[] {1, 0, 2, 0}, Accuracy.predictions(logits, 3));
        assertEquals(2, Accuracy.correct(logits, 3, labels));
        assertEquals(0.5, Accuracy.of(logits, 3, labels));
        ConfusionMatrix m = new ConfusionMatrix(3);
        m.add(logits, labels);
        assertEquals(4, m.total());
        assertEquals(2, m.correct());
        assertEquals(0.5, m.accuracy());
        assertEquals(1, m.count(1, 1));
        assertEquals(1, m.count(1, 0));
        assertEquals(1, m.count(2, 0));
        assertEquals(1, m.count(2, 2));
        assertEquals(0.5, m.recall(1));
        assertEquals(0.5, m.recall(2));
        assertTrue(Double.isNaN(m.recall(0)));
        assertEquals(0.0, m.precision(0));
        assertEquals(1.0, m.precision(2));
        String table = m.format(List.of("a", "b", "c"));
        assertTrue(table.contains("recall") && table.lines().count() == 4, table);
    }

    @Test
    void l1KnownValueAndGradient() {
        float[] e = {1, -2, 3, 0.5f};
        float[] r = {0, 0, 3, 1};
        Loss loss = L1.of(e, r);
        assertEquals((1 + 2 + 0 + 0.5) / 4, loss.value(), 1e-12);
        assertArrayEquals(new float[] {0.25f, -0.25f, 0f, -0.25f}, loss.gradient());
        SplittableRandom rnd = new SplittableRandom(5);
        float[] est = Gradients.random(rnd, 50, 1);
        float[] ref = Gradients.random(rnd, 50, 1);
        for (int i = 0; i < est.length; i++) {
            // keep every difference away from the kink at zero, farther than the step
            if (Math.abs(est[i] - ref[i]) < 0.01f) {
                est[i] += 0.05f;
            }
        }
        Gradients.checkCoordinates(est, L1.of(est, ref).gradient(), x -> L1.of(x, ref).value(),
                java.util.stream.IntStream.range(0, 50).toArray(), 1e-3f, 1e-3, 1e-6);
    }

    @Test
    void siSnrKnownValues() {
        int n = 1600;
        float[] s = new float[n];
        float[] orthogonal = new float[n];
        for (int t = 0; t < n; t++) {
            s[t] = (float) Math.sin(2 * Math.PI * 10 * t / n);
            orthogonal[t] = (float) Math.cos(2 * Math.PI * 10 * t / n);
        }
        // s + 0.1 c with c orthogonal to s and of the same energy: 20 dB, scaled or not
        float[] est = new float[n];
        for (int t = 0; t < n; t++) {
            est[t] = s[t] + 0.1f * orthogonal[t];
        }
        assertEquals(20, SiSnr.mean(est, s, 1), 1e-3);
        assertEquals(20, SiSnr.mean(scaled(est, 0.25f), s, 1), 1e-3);
        assertEquals(20, SiSnr.mean(scaled(est, 7f), s, 1), 1e-3);
        // identical: very high (and finite)
        double same = SiSnr.mean(s, s, 1);
        assertTrue(same > 80 && Double.isFinite(same), "identical signals: " + same);
        // an offset does not matter either (both are made zero-mean)
        float[] offset = est.clone();
        for (int t = 0; t < n; t++) {
            offset[t] += 0.5f;
        }
        assertEquals(20, SiSnr.mean(offset, s, 1), 1e-3);
        // more noise, lower SI-SNR
        SplittableRandom rnd = new SplittableRandom(1);
        float[] noise = Gradients.random(rnd, n, 1);
        double previous = Double.POSITIVE_INFINITY;
        for (float level : new float[] {0.01f, 0.1f, 0.3f, 1f}) {
            float[] noisy = s.clone();
            for (int t = 0; t < n; t++) {
                noisy[t] += level * noise[t];
            }
            double snr = SiSnr.mean(noisy, s, 1);
            assertTrue(snr < previous, level + ": " + snr);
            previous = snr;
        }
        // per item over a batch
        float[] batchEst = new float[2 * n];
        float[] batchRef = new float[2 * n];
        System.arraycopy(est, 0, batchEst, 0, n);
        System.arraycopy(s, 0, batchEst, n, n);
        System.arraycopy(s, 0, batchRef, 0, n);
        System.arraycopy(s, 0, batchRef, n, n);
        double[] items = SiSnr.perItem(batchEst, batchRef, 2);
        assertEquals(20, items[0], 1e-3);
        assertEquals(same, items[1], 1e-9);
    }

    @Test
    void siSnrGradientMatchesFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(9);
        int batch = 2;
        int n = 200;
        float[] ref = Gradients.random(rnd, batch * n, 1);
        float[] est = ref.clone();
        float[] noise = Gradients.random(rnd, batch * n, 0.5);
        for (int i = 0; i < est.length; i++) {
            est[i] = 0.8f * est[i] + noise[i];
        }
        Loss loss = SiSnr.loss(est, ref, batch);
        assertEquals(-SiSnr.mean(est, ref, batch), loss.value(), 1e-12);
        Gradients.checkCoordinates(est, loss.gradient(), x -> SiSnr.loss(x, ref, batch).value(),
                new int[] {0, 1, 17, 199, 200, 321, 399}, 1e-3f, 2e-3, 1e-3);
        Gradients.checkDirection(est, loss.gradient(), x -> SiSnr.loss(x, ref, batch).value(), 3, 1e-3, 1e-3);
    }

    @Test
    void multiResolutionStftIsZeroForIdenticalSignalsAndPositiveOtherwise() {
        SplittableRandom rnd = new SplittableRandom(2);
        float[] x = Gradients.random(rnd, 2 * 4000, 0.5);
        MultiResolutionStft mrstft = new MultiResolutionStft();
        Loss same = mrstft.of(x, x, 2);
        assertEquals(0, same.value(), 1e-12);
        for (float g : same.gradient()) {
            assertEquals(0f, g);
        }
        float[] y = scaled(x, 0.5f);
        MultiResolutionStft.Terms terms = mrstft.terms(y, x, 2);
        // halving every magnitude: SC = 0.5 (up to the floor), LM = ln 2
        assertEquals(0.5, terms.spectralConvergence(), 1e-3);
        assertEquals(Math.log(2), terms.logMagnitude(), 1e-3);
        assertEquals(terms.total(), mrstft.of(y, x, 2).value(), 1e-12);
    }

    @Test
    void multiResolutionStftMatchesADirectDft() {
        // an independent computation of the loss, with a naive DFT in double
        SplittableRandom rnd = new SplittableRandom(4);
        int batch = 2;
        int length = 150;
        float[] est = Gradients.random(rnd, batch * length, 1);
        float[] ref = Gradients.random(rnd, batch * length, 1);
        List<MultiResolutionStft.Resolution> rs = List.of(new MultiResolutionStft.Resolution(32, 8),
                new MultiResolutionStft.Resolution(60, 16, 50));
        double expected = 0;
        for (MultiResolutionStft.Resolution r : rs) {
            double[] terms = directTerms(r, est, ref, batch, length);
            expected += (terms[0] + terms[1]) / rs.size();
        }
        assertEquals(expected, new MultiResolutionStft(rs).of(est, ref, batch).value(), 1e-5 * expected);
    }

    @Test
    void multiResolutionStftGradientMatchesFiniteDifferences() {
        SplittableRandom rnd = new SplittableRandom(6);
        int batch = 2;
        int length = 300;
        float[] ref = Gradients.random(rnd, batch * length, 0.5);
        float[] est = ref.clone();
        float[] noise = Gradients.random(rnd, batch * length, 0.3);
        for (int i = 0; i < est.length; i++) {
            est[i] = 0.7f * est[i] + noise[i];
        }
        MultiResolutionStft small = new MultiResolutionStft(List.of(new MultiResolutionStft.Resolution(64, 16),
                new MultiResolutionStft.Resolution(128, 32, 100), new MultiResolutionStft.Resolution(90, 30)));
        Loss loss = small.of(est, ref, batch);
        Gradients.checkCoordinates(est, loss.gradient(), x -> small.of(x, ref, batch).value(),
                new int[] {0, 1, 5, 63, 150, 299, 300, 301, 444, 599}, 1e-3f, 2e-2, 1e-4);
        Gradients.checkDirection(est, loss.gradient(), x -> small.of(x, ref, batch).value(), 8, 1e-3, 1e-2);

        // the default resolutions on a longer signal. With thousands of bins, some |log Y - log X|
        // cross their kink within any step big enough to rise above float rounding; an estimate
        // at half the reference's level keeps them all on one side, so the loss is smooth there.
        float[] longRef = Gradients.random(rnd, 3000, 0.5);
        float[] longEst = longRef.clone();
        float[] longNoise = Gradients.random(rnd, 3000, 0.02);
        for (int i = 0; i < longEst.length; i++) {
            longEst[i] = 0.5f * longEst[i] + longNoise[i];
        }
        MultiResolutionStft standard = new MultiResolutionStft();
        Loss longLoss = standard.of(longEst, longRef, 1);
        Gradients.checkDirection(longEst, longLoss.gradient(), x -> standard.of(x, longRef, 1).value(), 9, 1e-3, 1e-2);
        Gradients.checkCoordinates(longEst, longLoss.gradient(), x -> standard.of(x, longRef, 1).value(),
                new int[] {0, 700, 1500, 2999}, 2e-3f, 5e-2, 1e-5);
    }

    @Test
    void fftSizesMustBeFast() {
        assertThrows(IllegalArgumentException.class, () -> new MultiResolutionStft.Resolution(22 * 11, 64));
        assertThrows(IllegalArgumentException.class, () -> new MultiResolutionStft.Resolution(512, 128, 600));
    }

    /** {SC, LM} of one resolution by a direct DFT of centered, zero-padded, Hann-windowed frames. */
    private static double[] directTerms(MultiResolutionStft.Resolution r, float[] est, float[] ref, int batch,
                                        int length) {
        int n = r.fftSize();
        int frames = 1 + length / r.hop();
        double[] window = new double[n];
        int offset = (n - r.windowLength()) / 2;
        for (int j = 0; j < r.windowLength(); j++) {
            window[offset + j] = 0.5 - 0.5 * Math.cos(2 * Math.PI * j / r.windowLength());
        }
        double diff = 0;
        double refSq = 0;
        double logSum = 0;
        int count = 0;
        for (int b = 0; b < batch; b++) {
            for (int f = 0; f < frames; f++) {
                for (int k = 0; k <= n / 2; k++) {
                    double[] mags = new double[2];
                    float[][] signals = {est, ref};
                    for (int which = 0; which < 2; which++) {
                        double re = 0;
                        double im = 0;
                        for (int j = 0; j < n; j++) {
                            int t = f * r.hop() - n / 2 + j;
                            double v = t >= 0 && t < length ? signals[which][b * length + t] * window[j] : 0;
                            re += v * Math.cos(2 * Math.PI * k * j / n);
                            im -= v * Math.sin(2 * Math.PI * k * j / n);
                        }
                        mags[which] = Math.sqrt(re * re + im * im + 1e-7);
                    }
                    diff += (mags[1] - mags[0]) * (mags[1] - mags[0]);
                    refSq += mags[1] * mags[1];
                    logSum += Math.abs(Math.log(mags[1]) - Math.log(mags[0]));
                    count++;
                }
            }
        }
        return new double[] {Math.sqrt(diff / refSq), logSum / count};
    }

    private static float[] scaled(float[] x, float k) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] * k;
        }
        return y;
    }
}
