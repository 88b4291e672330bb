package dev.ssmc.runtime.nn;

import static dev.ssmc.runtime.nn.NnTesting.assertClose;
import static dev.ssmc.runtime.nn.NnTesting.assertGradient;
import static dev.ssmc.runtime.nn.NnTesting.dot;
import static dev.ssmc.runtime.nn.NnTesting.finiteDifferences;
import static dev.ssmc.runtime.nn.NnTesting.nans;
import static dev.ssmc.runtime.nn.NnTesting.prefill;
import static dev.ssmc.runtime.nn.NnTesting.randn;
import static dev.ssmc.runtime.nn.NnTesting.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.kernels.Parallel;
import dev.ssmc.runtime.tensor.ShapeException;
import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Resampling} against a naive double implementation written per output element from the
 * reference's definitions, its backward against central finite differences for the input, weight
 * and bias, every mode at ratios 1..4 on any length (a shortening mode drops an incomplete last
 * window, whose gradient is zero), and the shape rules.
 */
class ResamplingTest {

    /** Naive double forward, one output element at a time. */
    static double[] naive(ResampleKind mode, int r, int batch, int cin, int cout, int length, double[] x, double[] w,
                          double[] bias) {
        boolean up = mode == ResampleKind.REPEAT || mode == ResampleKind.UPSAMPLING
                || mode == ResampleKind.UPSAMPLING_WITH_BIAS || mode == ResampleKind.UPSHAPING;
        int lo = up ? length * r : length / r;
        double[] y = new double[batch * cout * lo];
        for (int b = 0; b < batch; b++) {
            for (int d = 0; d < cout; d++) {
                for (int t = 0; t < lo; t++) {
                    double v = 0;
                    switch (mode) {
                        case SUBSAMPLING:
                            v = x[(b * cin + d) * length + t * r + r - 1];
                            break;
                        case AVERAGE:
                            for (int k = 0; k < r; k++) {
                                v += x[(b * cin + d) * length + t * r + k] / r;
                            }
                            break;
                        case REPEAT:
                            v = x[(b * cin + d) * length + t / r];
                            break;
                        case DOWNSAMPLING:
                        case DOWNSAMPLING_WITH_BIAS:
                            for (int c = 0; c < cin; c++) {
                                for (int k = 0; k < r; k++) {
                                    v += w[(d * cin + c) * r + k] * x[(b * cin + c) * length + t * r + k];
                                }
                            }
                            v += bias == null ? 0 : bias[d];
                            break;
                        case DOWNSAMPLING_DW:
                            for (int k = 0; k < r; k++) {
                                v += w[d * r + k] * x[(b * cin + d) * length + t * r + k];
                            }
                            break;
                        case UPSAMPLING:
                        case UPSAMPLING_WITH_BIAS:
                            for (int c = 0; c < cin; c++) {
                                v += x[(b * cin + c) * length + t / r] * w[(c * cout + d) * r + t % r];
                            }
                            v += bias == null ? 0 : bias[d];
                            break;
                        case DOWNSHAPING:
                            v = x[(b * cin + d / r) * length + t * r + d % r];
                            break;
                        case UPSHAPING:
                            v = x[(b * cin + d * r + t % r) * length + t / r];
                            break;
                        default:
                            throw new AssertionError(mode);
                    }
                    y[(b * cout + d) * lo + t] = v;
                }
            }
        }
        return y;
    }

    /** One random problem; channel counts and length follow the mode's rules. */
    static final class Case {
        final ResampleKind mode;
        final int r;
        final int batch;
        final int cin;
        final int cout;
        final int length;
        final float[] x;
        final float[] w;
        final float[] bias;

        Case(ResampleKind mode, int r, int batch, int channelsA, int channelsB, int length, long seed) {
            this.mode = mode;
            this.r = r;
            this.batch = batch;
            int ci = channelsA;
            int co = channelsA;
            if (r > 1) {
                switch (mode) {
                    case DOWNSAMPLING:
                    case DOWNSAMPLING_WITH_BIAS:
                    case UPSAMPLING:
                    case UPSAMPLING_WITH_BIAS:
                        co = channelsB;
                        break;
                    case DOWNSHAPING:
                        co = ci * r;
                        break;
                    case UPSHAPING:
                        ci = co * r;
                        break;
                    default:
                        break;
                }
            }
            cin = ci;
            cout = co;
            this.length = length;
            Random rnd = new Random(seed);
            x = randn(rnd, batch * cin * length);
            int ws = Resampling.weightSize(mode, r, cin, cout);
            w = ws == 0 ? null : randn(rnd, ws, 0.5, 0);
            int bs = Resampling.biasSize(mode, r, cin, cout);
            bias = bs == 0 ? null : randn(rnd, bs);
        }

        int outLength() {
            return Resampling.outLength(mode, r, length);
        }

        double[] naive(double[] xd, double[] wd, double[] bd) {
            return ResamplingTest.naive(mode, r, batch, cin, cout, length, xd, wd, bd);
        }
    }

    private static double[] orNull(float[] a) {
        return a == null ? null : toDouble(a);
    }

    @Test
    void forwardMatchesNaive() {
        Property.forAll(250, in -> new ResampleCase(arbitrary().enumValues(ResampleKind.class).generate(in),
                integers().between(1, 4).generate(in),
                integers().between(1, 3).generate(in),
                integers().between(1, 5).generate(in),
                integers().between(1, 5).generate(in),
                integers().between(1, 13).generate(in),
                longs().all().generate(in)),
                a -> forwardMatchesNaive(a.mode(), a.ratio(), a.batch(), a.channelsA(), a.channelsB(), a.length(),
                        a.seed()));
    }

    /** One try of {@link #forwardMatchesNaive()} and {@link #backwardMatchesFiniteDifferences()}. */
    record ResampleCase(ResampleKind mode, int ratio, int batch, int channelsA, int channelsB, int length, long seed) {
    }

    private void forwardMatchesNaive(ResampleKind mode, int ratio, int batch, int channelsA, int channelsB,
            int length, long seed) {
        Case c = new Case(mode, ratio, batch, channelsA, channelsB, length, seed);
        double[] expected = c.naive(toDouble(c.x), orNull(c.w), orNull(c.bias));
        assertEquals(expected.length, c.batch * c.cout * c.outLength());
        float[] y = nans(expected.length);
        Resampling.forward(mode, ratio, c.batch, c.cin, c.cout, c.length, c.x, y, c.w, c.bias);
        assertClose(mode + " r=" + ratio + " y", expected, y, 1e-6, 1e-7);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Property.forAll(250, in -> new ResampleCase(arbitrary().enumValues(ResampleKind.class).generate(in),
                integers().between(1, 4).generate(in),
                integers().between(1, 2).generate(in),
                integers().between(1, 4).generate(in),
                integers().between(1, 4).generate(in),
                integers().between(1, 11).generate(in),
                longs().all().generate(in)),
                a -> backwardMatchesFiniteDifferences(a.mode(), a.ratio(), a.batch(), a.channelsA(), a.channelsB(),
                        a.length(), a.seed()));
    }

    private void backwardMatchesFiniteDifferences(ResampleKind mode, int ratio, int batch, int channelsA,
            int channelsB, int length, long seed) {
        Case c = new Case(mode, ratio, batch, channelsA, channelsB, length, seed);
        Random rnd = new Random(~seed);
        float[] g = randn(rnd, c.batch * c.cout * c.outLength());
        float[] dx = nans(c.x.length);
        float[] dw0 = c.w == null ? null : prefill(rnd, c.w.length);
        float[] db0 = c.bias == null ? null : prefill(rnd, c.bias.length);
        float[] dw = dw0 == null ? null : dw0.clone();
        float[] db = db0 == null ? null : db0.clone();
        Resampling.backward(mode, ratio, c.batch, c.cin, c.cout, c.length, c.x, g, dx, c.w, dw, db);

        double[] xd = toDouble(c.x);
        double[] wd = orNull(c.w);
        double[] bd = orNull(c.bias);
        double[] gd = toDouble(g);
        NnTesting.Objective loss = () -> dot(c.naive(xd, wd, bd), gd);
        String what = mode + " r=" + ratio;
        assertGradient(what + " dx", finiteDifferences(xd, loss), dx, null);
        if (wd != null) {
            assertGradient(what + " dWeight", finiteDifferences(wd, loss), dw, dw0);
        }
        if (bd != null) {
            assertGradient(what + " dBias", finiteDifferences(bd, loss), db, db0);
        }
        // Skipping dx leaves the parameter gradients as they were; skipping those leaves dx.
        if (dw != null) {
            float[] dw2 = dw0.clone();
            Resampling.backward(mode, ratio, c.batch, c.cin, c.cout, c.length, c.x, g, null, c.w, dw2, null);
            assertArrayEquals(dw, dw2);
        }
        float[] dx2 = nans(c.x.length);
        Resampling.backward(mode, ratio, c.batch, c.cin, c.cout, c.length, c.x, g, dx2, c.w, null, null);
        assertArrayEquals(dx, dx2);
    }

    /** Shapes big enough for the packed (vector) matrix-product path, gradients checked at sampled coordinates. */
    @Test
    void stridedConvolutionsAtLargerShapes() {
        Random rnd = new Random(21);
        ResampleKind[] modes = {ResampleKind.DOWNSAMPLING_WITH_BIAS, ResampleKind.UPSAMPLING_WITH_BIAS,
            ResampleKind.DOWNSAMPLING, ResampleKind.UPSAMPLING};
        for (ResampleKind mode : modes) {
            int r = mode == ResampleKind.DOWNSAMPLING ? 3 : 4;
            Case c = new Case(mode, r, 2, 24, 40, 67, rnd.nextLong());
            double[] xd = toDouble(c.x);
            double[] wd = toDouble(c.w);
            double[] bd = orNull(c.bias);
            double[] expected = c.naive(xd, wd, bd);
            float[] y = nans(expected.length);
            Resampling.forward(mode, r, c.batch, c.cin, c.cout, c.length, c.x, y, c.w, c.bias);
            assertClose(mode + " y", expected, y, 2e-6, 0);
            float[] g = randn(rnd, expected.length);
            double[] gd = toDouble(g);
            float[] dx = nans(c.x.length);
            float[] dw = new float[c.w.length];
            float[] db = c.bias == null ? null : new float[c.bias.length];
            Resampling.backward(mode, r, c.batch, c.cin, c.cout, c.length, c.x, g, dx, c.w, dw, db);
            NnTesting.Objective loss = () -> dot(c.naive(xd, wd, bd), gd);
            double scale = Math.sqrt(expected.length);
            NnTesting.assertSampledGradient(mode + " dx", rnd, 30, xd, dx, null, loss, scale);
            NnTesting.assertSampledGradient(mode + " dWeight", rnd, 30, wd, dw, null, loss, scale);
            if (bd != null) {
                NnTesting.assertSampledGradient(mode + " dBias", rnd, 10, bd, db, null, loss, scale);
            }
            if (mode == ResampleKind.DOWNSAMPLING) {
                // 67 = 22 * 3 + 1: the last sample is dropped and gets no gradient.
                for (int row = 0; row < c.batch * c.cin; row++) {
                    assertEquals(0f, dx[row * 67 + 66]);
                }
            }
        }
    }

    /**
     * Batches big enough to be split between threads give, to the bit, what one thread computes:
     * the parameter gradients' per-element shares are added in batch order however the batch was
     * split.
     */
    @Test
    void splitBatchesGiveWhatOneThreadGives() {
        Random rnd = new Random(22);
        for (ResampleKind mode : ResampleKind.values()) {
            int r = 2;
            Case c = new Case(mode, r, 6, 8, 12, 4001, rnd.nextLong());
            float[] g = randn(rnd, c.batch * c.cout * c.outLength());
            float[][] split = backwardOnce(mode, r, c, g);
            float[][][] serial = new float[1][][];
            Parallel.serially(() -> serial[0] = backwardOnce(mode, r, c, g));
            for (int i = 0; i < split.length; i++) {
                assertArrayEquals(serial[0][i], split[i], mode + " output " + i);
            }
        }
    }

    /** {y, dx, dWeight, dBias} of one forward and backward pass (gradients added to fixed start values). */
    private static float[][] backwardOnce(ResampleKind mode, int r, Case c, float[] g) {
        float[] y = new float[g.length];
        Resampling.forward(mode, r, c.batch, c.cin, c.cout, c.length, c.x, y, c.w, c.bias);
        float[] dx = new float[c.x.length];
        float[] dw = c.w == null ? null : prefill(new Random(5), c.w.length);
        float[] db = c.bias == null ? null : prefill(new Random(6), c.bias.length);
        Resampling.backward(mode, r, c.batch, c.cin, c.cout, c.length, c.x, g, dx, c.w, dw, db);
        return new float[][] {y, dx, dw == null ? new float[0] : dw, db == null ? new float[0] : db};
    }

    @Test
    void outputLengths() {
        assertEquals(3, Resampling.outLength(ResampleKind.SUBSAMPLING, 3, 11));
        assertEquals(0, Resampling.outLength(ResampleKind.SUBSAMPLING, 4, 3));
        assertEquals(2, Resampling.outLength(ResampleKind.DOWNSAMPLING, 4, 11));
        assertEquals(2, Resampling.outLength(ResampleKind.DOWNSAMPLING_WITH_BIAS, 4, 11));
        assertEquals(3, Resampling.outLength(ResampleKind.AVERAGE, 4, 12));
        assertEquals(3, Resampling.outLength(ResampleKind.DOWNSAMPLING_DW, 4, 12));
        assertEquals(3, Resampling.outLength(ResampleKind.DOWNSHAPING, 4, 12));
        for (ResampleKind up : new ResampleKind[] {ResampleKind.REPEAT, ResampleKind.UPSAMPLING,
                ResampleKind.UPSAMPLING_WITH_BIAS, ResampleKind.UPSHAPING}) {
            assertEquals(33, Resampling.outLength(up, 3, 11));
        }
        for (ResampleKind mode : ResampleKind.values()) {
            assertEquals(11, Resampling.outLength(mode, 1, 11));
        }
        // Every shortening mode drops an incomplete last window, as the reference's strided convolution does.
        for (ResampleKind mode : ResampleKind.values()) {
            if (!mode.isUpsampling()) {
                assertEquals(2, Resampling.outLength(mode, 4, 11));
            }
        }
    }

    @Test
    void channelRules() {
        assertEquals(2 * 3 * 4, Resampling.weightSize(ResampleKind.DOWNSAMPLING, 4, 2, 3));
        assertEquals(2 * 3 * 4, Resampling.weightSize(ResampleKind.UPSAMPLING_WITH_BIAS, 4, 2, 3));
        assertEquals(3, Resampling.biasSize(ResampleKind.UPSAMPLING_WITH_BIAS, 4, 2, 3));
        assertEquals(0, Resampling.biasSize(ResampleKind.UPSAMPLING, 4, 2, 3));
        assertEquals(5 * 4, Resampling.weightSize(ResampleKind.DOWNSAMPLING_DW, 4, 5, 5));
        assertEquals(5 * 7, Resampling.weightSize(ResampleKind.DOWNSAMPLING, 1, 5, 7)); // a pointwise conv
        assertEquals(0, Resampling.weightSize(ResampleKind.AVERAGE, 2, 5, 5));
        Resampling.checkChannels(ResampleKind.DOWNSHAPING, 3, 2, 6);
        Resampling.checkChannels(ResampleKind.UPSHAPING, 3, 6, 2);
        assertThrows(IllegalArgumentException.class, () -> Resampling.checkChannels(ResampleKind.DOWNSHAPING, 3, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> Resampling.checkChannels(ResampleKind.UPSHAPING, 3, 2, 6));
        assertThrows(IllegalArgumentException.class, () -> Resampling.checkChannels(ResampleKind.AVERAGE, 2, 2, 3));
        Resampling.checkChannels(ResampleKind.DOWNSAMPLING, 1, 2, 3);
        assertThrows(IllegalArgumentException.class, () -> Resampling.checkChannels(ResampleKind.AVERAGE, 1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Resampling.checkChannels(ResampleKind.SUBSAMPLING, 0, 2, 2));
        assertThrows(ShapeException.class, () -> Resampling.forward(ResampleKind.DOWNSAMPLING, 2, 1, 2, 3, 8,
                new float[16], new float[12], new float[11], null));
        assertThrows(ShapeException.class, () -> Resampling.forward(ResampleKind.UPSAMPLING, 2, 1, 2, 3, 8,
                new float[16], new float[47], new float[12], null));
        assertTrue(ResampleKind.UPSHAPING.isUpsampling());
        assertFalse(ResampleKind.DOWNSHAPING.isUpsampling());
    }

    /** The modes with a weight are pointwise convs at ratio 1 (compared with {@link #naive} elsewhere). */
    @Test
    void ratioOneIsTheIdentityForEveryModeWithoutWeight() {
        Random rnd = new Random(2);
        for (ResampleKind mode : ResampleKind.values()) {
            if (mode.hasWeight()) {
                continue;
            }
            float[] x = randn(rnd, 2 * 3 * 5);
            float[] y = nans(x.length);
            Resampling.forward(mode, 1, 2, 3, 3, 5, x, y, null, null);
            assertArrayEquals(x, y, mode.toString());
            float[] dx = nans(x.length);
            Resampling.backward(mode, 1, 2, 3, 3, 5, x, y, dx, null, null, null);
            assertArrayEquals(x, dx, mode.toString());
        }
    }

    @Test
    void downshapingAndUpshapingAreInverses() {
        Random rnd = new Random(4);
        int r = 3;
        float[] x = randn(rnd, 2 * 5 * 12);
        float[] shaped = nans(x.length);
        Resampling.forward(ResampleKind.DOWNSHAPING, r, 2, 5, 15, 12, x, shaped, null, null);
        // Channel c*r + k holds the samples t*r + k of channel c.
        assertEquals(x[(1 * 5 + 2) * 12 + 3 * r + 1], shaped[(1 * 15 + 2 * r + 1) * 4 + 3]);
        float[] back = nans(x.length);
        Resampling.forward(ResampleKind.UPSHAPING, r, 2, 15, 5, 4, shaped, back, null, null);
        assertArrayEquals(x, back);
    }

    @Test
    void spellingsRoundTrip() {
        for (ResampleKind mode : ResampleKind.values()) {
            assertSame(mode, ResampleKind.of(mode.spelling()));
        }
        assertEquals("downsampling_with_bias", ResampleKind.DOWNSAMPLING_WITH_BIAS.spelling());
        assertThrows(IllegalArgumentException.class, () -> ResampleKind.of("pool"));
        assertThrows(IllegalArgumentException.class, () -> ResampleKind.of(null));
    }
}
