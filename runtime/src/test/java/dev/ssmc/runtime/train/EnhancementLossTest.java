package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EnhancementLossTest {
    /** Small resolutions, so that short signals have several frames. */
    private static final List<MultiResolutionStft.Resolution> SMALL =
            List.of(new MultiResolutionStft.Resolution(64, 16), new MultiResolutionStft.Resolution(128, 32, 100));

    @Test
    void theDefaultIsNegativeSiSnr() {
        SplittableRandom rnd = new SplittableRandom(1);
        float[] ref = Gradients.random(rnd, 3 * 200, 1);
        float[] est = Gradients.random(rnd, 3 * 200, 1);
        Loss expected = SiSnr.loss(est, ref, 3);
        Loss loss = EnhancementLoss.siSnr().of(est, ref, 3);
        assertEquals(expected.value(), loss.value());
        assertArrayEquals(expected.gradient(), loss.gradient());
        assertEquals("sisnr", EnhancementLoss.siSnr().spec());
    }

    @Test
    void aCombinationIsTheWeightedSumOfItsTerms() {
        SplittableRandom rnd = new SplittableRandom(2);
        float[] ref = Gradients.random(rnd, 2 * 300, 0.5);
        float[] est = Gradients.random(rnd, 2 * 300, 0.5);
        EnhancementLoss combined = new EnhancementLoss(1, 0.5, 2, SMALL);
        Loss si = SiSnr.loss(est, ref, 2);
        Loss stft = new MultiResolutionStft(SMALL).of(est, ref, 2);
        Loss l1 = L1.of(est, ref);
        Loss loss = combined.of(est, ref, 2);
        assertEquals(si.value() + 0.5 * stft.value() + 2 * l1.value(), loss.value(), 1e-12);
        for (int i = 0; i < est.length; i++) {
            double g = si.gradient()[i] + 0.5 * stft.gradient()[i] + 2 * l1.gradient()[i];
            assertEquals(g, loss.gradient()[i], 1e-6 * Math.max(1, Math.abs(g)), "gradient " + i);
        }
    }

    /** One try of {@link #gradientMatchesFiniteDifferences()}: which terms, and the shape. */
    record GradientCase(int terms, int batch, int length, long seed) {
    }

    /**
     * Every combination of terms against a central difference along random directions. The terms'
     * own gradients are checked coordinate by coordinate in {@link LossesTest} (and SI-SNR's on
     * any shape below); this checks that they are put together right. The STFT terms curve
     * strongly where a magnitude nears its floor (their gradient goes as 1/X) and have kinks
     * where a magnitude crosses the reference's, so the steps are small (1e-4, with the step
     * actually taken after rounding to float on the analytic side), and the error is measured
     * against the gradient's norm times the step, not against the change itself, which a
     * direction nearly orthogonal to the gradient makes small. A term left out or weighted wrong
     * moves the change by several percent of that.
     */
    @Test
    void gradientMatchesFiniteDifferences() {
        Property.forAll(30, in -> new GradientCase(integers().between(1, 7).generate(in),
                        integers().between(1, 3).generate(in), integers().between(200, 600).generate(in),
                        longs().all().generate(in)),
                c -> {
                    SplittableRandom rnd = new SplittableRandom(c.seed());
                    // terms as bits: SI-SNR, STFT, L1, each with a weight of its own
                    EnhancementLoss loss = new EnhancementLoss((c.terms() & 1) == 0 ? 0 : 0.5 + rnd.nextDouble(),
                            (c.terms() & 2) == 0 ? 0 : 0.5 + rnd.nextDouble(),
                            (c.terms() & 4) == 0 ? 0 : 0.5 + rnd.nextDouble(), SMALL);
                    int n = c.batch() * c.length();
                    float[] ref = Gradients.random(rnd, n, 0.5);
                    float[] est = Gradients.random(rnd, n, 0.02);
                    for (int i = 0; i < n; i++) {
                        // half the reference plus a little noise: SI-SNR about 22 dB (its
                        // curvature grows without bound as the estimate's projection on the
                        // reference goes to zero), and most STFT magnitudes about half the
                        // reference's, away from the kinks at equal magnitudes
                        est[i] += 0.5f * ref[i];
                        if (Math.abs(est[i] - ref[i]) < 0.01f) { // off L1's kink by more than a step
                            est[i] += Math.copySign(0.02f, est[i] - ref[i]);
                        }
                    }
                    float[] gradient = loss.of(est, ref, c.batch()).gradient();
                    for (long direction = 0; direction < 3; direction++) {
                        checkDirection(est, gradient, x -> loss.of(x, ref, c.batch()).value(), c.seed() + direction);
                    }
                });
    }

    /** The gradient along a random unit direction against a central difference, within 1% of the gradient's norm. */
    private static void checkDirection(float[] x, float[] gradient, java.util.function.ToDoubleFunction<float[]> loss,
                                       long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double h = 1e-4;
        double[] d = new double[x.length];
        double norm = 0;
        double gradientNorm = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextDouble() * 2 - 1;
            norm += d[i] * d[i];
            gradientNorm += (double) gradient[i] * gradient[i];
        }
        float[] up = new float[x.length];
        float[] down = new float[x.length];
        double analytic = 0;
        double step = 0;
        for (int i = 0; i < d.length; i++) {
            d[i] /= Math.sqrt(norm);
            up[i] = (float) (x[i] + h * d[i]);
            down[i] = (float) (x[i] - h * d[i]);
            // the step actually taken, after rounding to float
            analytic += gradient[i] * ((double) up[i] - down[i]);
            step += ((double) up[i] - down[i]) * ((double) up[i] - down[i]);
        }
        double numeric = loss.applyAsDouble(up) - loss.applyAsDouble(down);
        assertEquals(numeric, analytic, 1e-2 * Math.sqrt(gradientNorm * step), "change along a direction");
    }

    /** One try of {@link #siSnrGradientMatchesFiniteDifferencesOnAnyShape()}. */
    record SiSnrCase(int batch, int length, int noisePercent, long seed) {
    }

    @Test
    void siSnrGradientMatchesFiniteDifferencesOnAnyShape() {
        Property.forAll(40, in -> new SiSnrCase(integers().between(1, 4).generate(in),
                        integers().between(8, 400).generate(in), integers().between(20, 200).generate(in),
                        longs().all().generate(in)),
                c -> {
                    SplittableRandom rnd = new SplittableRandom(c.seed());
                    int n = c.batch() * c.length();
                    float[] ref = Gradients.random(rnd, n, 1);
                    float[] est = Gradients.random(rnd, n, c.noisePercent() / 100.0);
                    for (int i = 0; i < n; i++) {
                        est[i] += 0.7f * ref[i] + 0.3f; // an offset, which SI-SNR ignores
                    }
                    Loss loss = EnhancementLoss.siSnr().of(est, ref, c.batch());
                    int[] some = {0, n / 4, n / 2, n - 1};
                    Gradients.checkCoordinates(est, loss.gradient(),
                            x -> EnhancementLoss.siSnr().of(x, ref, c.batch()).value(), some, 1e-3f, 1e-2, 1e-2);
                });
    }

    @Test
    void specsReadBackAndErrorsNameTheProblem() {
        assertEquals(EnhancementLoss.siSnr(), EnhancementLoss.parse("sisnr"));
        assertEquals(EnhancementLoss.siSnrPlusStft(0.5), EnhancementLoss.parse("sisnr+0.5*stft"));
        EnhancementLoss mixed = EnhancementLoss.parse(" 2*L1 + stft ");
        assertEquals(new EnhancementLoss(0, 1, 2, MultiResolutionStft.DEFAULT_RESOLUTIONS), mixed);
        assertEquals("stft+2.0*l1", mixed.spec());
        for (EnhancementLoss loss : List.of(mixed, EnhancementLoss.siSnrPlusStft(1e-4),
                new EnhancementLoss(0.25, 0, 3, MultiResolutionStft.DEFAULT_RESOLUTIONS))) {
            assertEquals(loss, EnhancementLoss.parse(loss.spec()), loss.spec());
        }
        assertError("unknown term 'mse' (terms are name or weight*name, names sisnr, stft, l1)", "sisnr+mse");
        assertError("sisnr is given twice", "sisnr+2*sisnr");
        assertError("weight '-1' is not a number >= 0", "-1*l1");
        assertError("weight 'x' is not a number >= 0", "x*l1");
        assertError("unknown term ''", "");
        assertError("at least one loss weight must be positive", "0*sisnr");
        assertThrows(IllegalArgumentException.class, () -> new EnhancementLoss(1, Double.NaN, 0, SMALL));
        assertThrows(IllegalArgumentException.class, () -> new EnhancementLoss(1, 0, 0, List.of()));
    }

    private static void assertError(String expected, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EnhancementLoss.parse(spec));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
