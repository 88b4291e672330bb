package dev.ssmc.runtime.nn;

import static dev.ssmc.runtime.nn.NnTesting.assertClose;
import static dev.ssmc.runtime.nn.NnTesting.assertGradient;
import static dev.ssmc.runtime.nn.NnTesting.dot;
import static dev.ssmc.runtime.nn.NnTesting.finiteDifferences;
import static dev.ssmc.runtime.nn.NnTesting.maxAbs;
import static dev.ssmc.runtime.nn.NnTesting.nans;
import static dev.ssmc.runtime.nn.NnTesting.prefill;
import static dev.ssmc.runtime.nn.NnTesting.randn;
import static dev.ssmc.runtime.nn.NnTesting.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.kernels.Parallel;
import dev.ssmc.runtime.tensor.ShapeException;
import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Norm} against a naive double-precision implementation (statistics by group id, written
 * independently of the kernels' loop structure), its backward against central finite differences
 * of that implementation for the input and every parameter, batch norm's running statistics
 * against PyTorch's update rule, and the identities, aliasing and argument checks.
 */
class NormTest {

    /** Naive double forward. {@code runningOut}, when not null, receives batch norm's updated running mean and var. */
    static double[] naive(NormKind kind, int batch, int channels, int length, double[] x, double[] w, double[] bias,
                          double[] rm, double[] rv, boolean training, double[] runningOut) {
        if (kind == NormKind.NONE || (channels == 1 && (kind == NormKind.LAYER_FEATURE || kind == NormKind.RMS))) {
            return x.clone();
        }
        int groups;
        switch (kind) {
            case BATCH:
                groups = channels;
                break;
            case LAYER_FEATURE:
            case RMS:
                groups = batch * length;
                break;
            case GROUP:
                groups = batch * 4;
                break;
            default: // layer, instance: one group per (b, c)
                groups = batch * channels;
        }
        double[] count = new double[groups];
        double[] mean = new double[groups];
        double[] var = new double[groups];
        for (int pass = 0; pass < 2; pass++) {
            for (int b = 0; b < batch; b++) {
                for (int c = 0; c < channels; c++) {
                    for (int t = 0; t < length; t++) {
                        int g = groupOf(kind, batch, channels, length, b, c, t);
                        double v = x[(b * channels + c) * length + t];
                        if (pass == 0) {
                            count[g]++;
                            mean[g] += v;
                        } else {
                            double d = v - mean[g];
                            var[g] += d * d;
                        }
                    }
                }
            }
            for (int g = 0; g < groups; g++) {
                if (pass == 0) {
                    mean[g] = kind == NormKind.RMS ? 0 : mean[g] / count[g];
                } else {
                    var[g] /= count[g];
                }
            }
        }
        if (kind == NormKind.BATCH) {
            if (training && runningOut != null) {
                for (int c = 0; c < channels; c++) {
                    runningOut[c] = 0.9 * rm[c] + 0.1 * mean[c];
                    runningOut[channels + c] = 0.9 * rv[c] + 0.1 * var[c] * count[c] / (count[c] - 1);
                }
            }
            if (!training) {
                mean = rm.clone();
                var = rv.clone();
            }
        }
        double eps = kind == NormKind.RMS ? Math.ulp(1.0f) : 1e-5;
        double[] y = new double[x.length];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < channels; c++) {
                for (int t = 0; t < length; t++) {
                    int i = (b * channels + c) * length + t;
                    int g = groupOf(kind, batch, channels, length, b, c, t);
                    int p = kind == NormKind.LAYER ? t : c;
                    y[i] = (x[i] - mean[g]) / Math.sqrt(var[g] + eps) * w[p] + (bias == null ? 0 : bias[p]);
                }
            }
        }
        return y;
    }

    private static int groupOf(NormKind kind, int batch, int channels, int length, int b, int c, int t) {
        switch (kind) {
            case BATCH:
                return c;
            case LAYER_FEATURE:
            case RMS:
                return b * length + t;
            case GROUP:
                return b * 4 + c / (channels / 4);
            default:
                return b * channels + c;
        }
    }

    /** One random problem. */
    static final class Case {
        final NormKind kind;
        final int batch;
        final int channels;
        final int length;
        final float[] x;
        final float[] w;
        final float[] bias;
        final float[] rm;
        final float[] rv;

        Case(NormKind kind, int batch, int channelsArg, int lengthArg, boolean training, int scaleIndex, long seed) {
            this.kind = kind;
            this.batch = batch;
            this.channels = kind == NormKind.GROUP ? 4 * ((channelsArg + 1) / 2) : channelsArg;
            this.length = kind == NormKind.BATCH && training && batch * lengthArg < 2 ? 2 : lengthArg;
            Random rnd = new Random(seed);
            double scale = new double[] {1, 0.003, 10}[scaleIndex];
            x = randn(rnd, batch * channels * length, scale, scale * rnd.nextGaussian());
            int ws = Norm.weightSize(kind, channels, length);
            w = ws == 0 ? null : randn(rnd, ws, 0.5, 1);
            int bs = Norm.biasSize(kind, channels, length);
            bias = bs == 0 ? null : randn(rnd, bs, 0.5, 0);
            int rs = Norm.runningSize(kind, channels);
            rm = rs == 0 ? null : randn(rnd, rs, scale, 0);
            rv = rs == 0 ? null : new float[rs];
            for (int i = 0; i < rs; i++) {
                rv[i] = (float) (scale * scale * (0.2 + rnd.nextDouble()));
            }
        }

        double[] naive(double[] xd, double[] wd, double[] bd, boolean training, double[] runningOut) {
            return NormTest.naive(kind, batch, channels, length, xd, wd, bd, rm == null ? null : toDouble(rm),
                    rv == null ? null : toDouble(rv), training, runningOut);
        }

        float[] saved() {
            return new float[Norm.savedSize(kind, batch, channels, length)];
        }

        float[] scratch() {
            return new float[Norm.scratchSize(kind, batch, channels, length)];
        }
    }

    /**
     * The conditioning of {@code exact} at {@code x}: how far it moves when every input moves by one
     * float32 ulp (in a group of nearly equal values x - mean is a few ulps of x, and 1/sigma
     * magnifies its rounding; no float32 kernel does better). Eight sign patterns, so that two
     * nearly equal values are almost surely moved apart in one of them.
     */
    private static double ulpNoise(float[] x, long seed, java.util.function.Function<double[], double[]> exact) {
        double[] base = exact.apply(toDouble(x));
        java.util.Random r = new java.util.Random(seed);
        double noise = 0;
        for (int pattern = 0; pattern < 8; pattern++) {
            double[] nudged = toDouble(x);
            for (int i = 0; i < nudged.length; i++) {
                nudged[i] += (r.nextBoolean() ? 1 : -1) * Math.ulp(x[i]);
            }
            double[] moved = exact.apply(nudged);
            for (int i = 0; i < moved.length; i++) {
                noise = Math.max(noise, Math.abs(moved[i] - base[i]));
            }
        }
        return noise;
    }

    private static double[] orNull(float[] a) {
        return a == null ? null : toDouble(a);
    }

    /** A layer-feature norm over two channels of nearly equal values (CI found it): ill-conditioned, not wrong. */
    @org.junit.jupiter.api.Test
    void nearlyEqualChannelsAreJudgedByTheirConditioning() {
        forwardMatchesNaive(NormKind.LAYER_FEATURE, 1, 2, 10, true, 2, 1644042L);
        forwardMatchesNaive(NormKind.LAYER_FEATURE, 2, 2, 10, true, 2, 1644042L);
    }

    @Test
    void forwardMatchesNaive() {
        Property.forAll(200, in -> new NormCase(arbitrary().enumValues(NormKind.class).generate(in),
                integers().between(1, 3).generate(in),
                integers().between(1, 9).generate(in),
                integers().between(1, 11).generate(in),
                booleans().all().generate(in),
                integers().between(0, 2).generate(in),
                longs().all().generate(in)),
                a -> forwardMatchesNaive(a.kind(), a.batch(), a.channels(), a.length(), a.training(), a.scale(),
                        a.seed()));
    }

    /** One try of {@link #forwardMatchesNaive()} and {@link #backwardMatchesFiniteDifferences()}. */
    record NormCase(NormKind kind, int batch, int channels, int length, boolean training, int scale, long seed) {
    }

    private void forwardMatchesNaive(NormKind kind, int batch, int channels, int length, boolean training, int scale,
            long seed) {
        Case c = new Case(kind, batch, channels, length, training, scale, seed);
        double[] running = c.rm == null ? null : new double[2 * c.channels];
        double[] expected = c.naive(toDouble(c.x), orNull(c.w), orNull(c.bias), training, running);
        float[] y = nans(c.x.length);
        float[] rm = c.rm == null ? null : c.rm.clone();
        float[] rv = c.rv == null ? null : c.rv.clone();
        Norm.forward(kind, c.batch, c.channels, c.length, c.x, y, c.w, c.bias, rm, rv, c.saved(), training);
        double noise = ulpNoise(c.x, seed, xd -> c.naive(xd, orNull(c.w), orNull(c.bias), training, null));
        assertClose(kind + " y", expected, y, 2e-5, 1e-6 * maxAbs(expected) + 1e-7 + 30 * noise);
        if (kind == NormKind.BATCH) {
            if (training) {
                double[] em = java.util.Arrays.copyOfRange(running, 0, c.channels);
                double[] ev = java.util.Arrays.copyOfRange(running, c.channels, 2 * c.channels);
                assertClose("running_mean", em, rm, 1e-5, 1e-7);
                assertClose("running_var", ev, rv, 1e-5, 1e-7);
            } else {
                assertArrayEquals(c.rm, rm, "eval must not touch running_mean");
                assertArrayEquals(c.rv, rv, "eval must not touch running_var");
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Property.forAll(200, in -> new NormCase(arbitrary().enumValues(NormKind.class).generate(in),
                integers().between(1, 3).generate(in),
                integers().between(1, 7).generate(in),
                integers().between(1, 9).generate(in),
                booleans().all().generate(in),
                integers().between(0, 2).generate(in),
                longs().all().generate(in)),
                a -> backwardMatchesFiniteDifferences(a.kind(), a.batch(), a.channels(), a.length(), a.training(),
                        a.scale(), a.seed()));
    }

    /** A layer norm over two nearly equal samples (the property found it): its exact gradient moves with their last bits. */
    @Test
    void twoNearlyEqualSamplesAreJudgedByTheirConditioning() {
        backwardMatchesFiniteDifferences(NormKind.LAYER, 1, 1, 2, false, 2, -77326008337595L);
    }

    private void backwardMatchesFiniteDifferences(NormKind kind, int batch, int channels, int length,
            boolean training, int scale, long seed) {
        Case c = new Case(kind, batch, channels, length, training, scale, seed);
        Random rnd = new Random(seed ^ 0x5EEDL);
        float[] g = randn(rnd, c.x.length);
        float[] saved = c.saved();
        float[] y = new float[c.x.length];
        float[] rm = c.rm == null ? null : c.rm.clone();
        float[] rv = c.rv == null ? null : c.rv.clone();
        Norm.forward(kind, c.batch, c.channels, c.length, c.x, y, c.w, c.bias, rm, rv, saved, training);
        float[] dx = nans(c.x.length);
        float[] dw0 = c.w == null ? null : prefill(rnd, c.w.length);
        float[] db0 = c.bias == null ? null : prefill(rnd, c.bias.length);
        float[] dw = dw0 == null ? null : dw0.clone();
        float[] db = db0 == null ? null : db0.clone();
        Norm.backward(kind, c.batch, c.channels, c.length, c.x, g, dx, c.w, dw, db, saved, training, c.scratch());

        double[] xd = toDouble(c.x);
        double[] wd = orNull(c.w);
        double[] bd = orNull(c.bias);
        double[] gd = toDouble(g);
        NnTesting.Objective loss = () -> dot(c.naive(xd, wd, bd, training, null), gd);
        // dx is r * (g - mean(g) - xhat mean(g xhat)): when a group's xhat^2 are all near 1 (two values)
        // the terms cancel, so float rounding is relative to the terms, r |w| |g|, not to the result;
        // and over two nearly equal values the exact gradient itself moves with x's last bits
        double terms = maxAbs(toDouble(java.util.Arrays.copyOfRange(saved, saved.length / 2, saved.length)))
                * (c.w == null ? 1 : maxAbs(toDouble(c.w))) * maxAbs(gd);
        double noise = ulpNoise(c.x, seed, x -> finiteDifferences(x,
                () -> dot(c.naive(x, wd, bd, training, null), gd)));
        assertGradient(kind + " dx", finiteDifferences(xd, loss), dx, null, 1e-5 * terms + 30 * noise);
        if (wd != null) {
            assertGradient(kind + " dWeight", finiteDifferences(wd, loss), dw, dw0);
        }
        if (bd != null) {
            assertGradient(kind + " dBias", finiteDifferences(bd, loss), db, db0);
        }
    }

    @Test
    void batchNormRunningStatisticsFollowPyTorch() {
        // One channel, batch 2, length 2: values 1, 2 | 3, 4. Mean 2.5, biased var 1.25, unbiased 5/3.
        float[] x = {1, 2, 3, 4};
        float[] rm = {0f};
        float[] rv = {1f};
        float[] y = new float[4];
        float[] saved = new float[2];
        Norm.forward(NormKind.BATCH, 2, 1, 2, x, y, new float[] {1f}, new float[] {0f}, rm, rv, saved, true);
        assertEquals(0.25f, rm[0], 1e-7f);
        assertEquals(0.9f + 0.1f * 5f / 3f, rv[0], 1e-6f);
        // Training normalizes with the biased batch variance.
        double r = 1 / Math.sqrt(1.25 + 1e-5);
        assertEquals((float) (-1.5 * r), y[0], 1e-6f);
        assertEquals((float) (1.5 * r), y[3], 1e-6f);
        assertEquals(2.5f, saved[0]);
        // A second step composes the momentum: 0.9 * 0.25 + 0.1 * 2.5, 0.9 * rv + 0.1 * 5/3.
        float rv1 = rv[0];
        Norm.forward(NormKind.BATCH, 2, 1, 2, x, y, new float[] {1f}, new float[] {0f}, rm, rv, saved, true);
        assertEquals(0.475f, rm[0], 1e-6f);
        assertEquals(0.9f * rv1 + 0.1f * 5f / 3f, rv[0], 1e-6f);
        // Eval uses the running statistics: (x - rm) / sqrt(rv + eps) * w + b.
        Norm.forward(NormKind.BATCH, 2, 1, 2, x, y, new float[] {2f}, new float[] {0.5f}, rm, rv, saved, false);
        for (int i = 0; i < 4; i++) {
            assertEquals((float) ((x[i] - rm[0]) / Math.sqrt(rv[0] + 1e-5) * 2 + 0.5), y[i], 1e-6f);
        }
    }

    @Test
    void evalBatchNormBackwardUsesTheStatisticsOfItsForward() {
        // Backward after eval forward is the linear map of the running statistics seen by that forward,
        // even when a later training step changed them.
        Random rnd = new Random(3);
        int b = 2;
        int ch = 3;
        int t = 5;
        float[] x = randn(rnd, b * ch * t);
        float[] w = randn(rnd, ch, 0.5, 1);
        float[] bias = randn(rnd, ch);
        float[] rm = randn(rnd, ch);
        float[] rv = {0.5f, 1.5f, 2f};
        float[] rv0 = rv.clone();
        float[] rm0 = rm.clone();
        float[] saved = new float[2 * ch];
        Norm.forward(NormKind.BATCH, b, ch, t, x, new float[x.length], w, bias, rm, rv, saved, false);
        Norm.forward(NormKind.BATCH, b, ch, t, x, new float[x.length], w, bias, rm, rv, new float[2 * ch], true);
        float[] dy = randn(rnd, x.length);
        float[] dx = new float[x.length];
        float[] dw = new float[ch];
        Norm.backward(NormKind.BATCH, b, ch, t, x, dy, dx, w, dw, null, saved, false, null);
        for (int i = 0; i < x.length; i++) {
            int c = (i / t) % ch;
            assertEquals(dy[i] * w[c] / Math.sqrt(rv0[c] + 1e-5), dx[i], 1e-5);
        }
        for (int c = 0; c < ch; c++) {
            double s = 0;
            for (int bb = 0; bb < b; bb++) {
                for (int tt = 0; tt < t; tt++) {
                    int i = (bb * ch + c) * t + tt;
                    s += dy[i] * (x[i] - rm0[c]) / Math.sqrt(rv0[c] + 1e-5);
                }
            }
            assertEquals(s, dw[c], 1e-5);
        }
    }

    @Test
    void singleChannelFeatureNormsAndNoneAreIdentities() {
        Random rnd = new Random(7);
        for (NormKind kind : new NormKind[] {NormKind.LAYER_FEATURE, NormKind.RMS, NormKind.NONE}) {
            int channels = kind == NormKind.NONE ? 3 : 1;
            assertEquals(0, Norm.weightSize(kind, channels, 6));
            assertEquals(0, Norm.savedSize(kind, 2, channels, 6));
            assertEquals(0, Norm.scratchSize(kind, 2, channels, 6));
            float[] x = randn(rnd, 2 * channels * 6, 3, 1);
            float[] y = nans(x.length);
            Norm.forward(kind, 2, channels, 6, x, y, null, null, null, null, null, true);
            assertArrayEquals(x, y);
            float[] dy = randn(rnd, x.length);
            float[] dx = nans(x.length);
            Norm.backward(kind, 2, channels, 6, x, dy, dx, null, null, null, null, true, null);
            assertArrayEquals(dy, dx);
        }
        // But a single-channel batch, group-free instance or layer norm is not an identity.
        assertEquals(1, Norm.weightSize(NormKind.BATCH, 1, 6));
        assertEquals(1, Norm.weightSize(NormKind.INSTANCE, 1, 6));
        assertEquals(6, Norm.weightSize(NormKind.LAYER, 1, 6));
    }

    @Test
    void inPlaceGivesTheSameResults() {
        Property.forAll(60, in -> new InPlaceCase(arbitrary().enumValues(NormKind.class).generate(in),
                integers().between(1, 3).generate(in),
                integers().between(1, 6).generate(in),
                integers().between(1, 8).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in)),
                a -> inPlaceGivesTheSameResults(a.kind(), a.batch(), a.channels(), a.length(), a.training(), a.seed()));
    }

    /** One try of {@link #inPlaceGivesTheSameResults()}. */
    record InPlaceCase(NormKind kind, int batch, int channels, int length, boolean training, long seed) {
    }

    private void inPlaceGivesTheSameResults(NormKind kind, int batch, int channels, int length, boolean training,
            long seed) {
        Case c = new Case(kind, batch, channels, length, training, 0, seed);
        float[] y = new float[c.x.length];
        float[] saved = c.saved();
        Norm.forward(kind, c.batch, c.channels, c.length, c.x, y, c.w, c.bias, copy(c.rm), copy(c.rv), saved,
                training);
        float[] inPlace = c.x.clone();
        float[] saved2 = c.saved();
        Norm.forward(kind, c.batch, c.channels, c.length, inPlace, inPlace, c.w, c.bias, copy(c.rm), copy(c.rv),
                saved2, training);
        assertArrayEquals(y, inPlace, "forward y == x");
        assertArrayEquals(saved, saved2);

        float[] dy = randn(new Random(seed + 1), c.x.length);
        float[] dx = new float[c.x.length];
        Norm.backward(kind, c.batch, c.channels, c.length, c.x, dy, dx, c.w, null, null, saved, training, c.scratch());
        float[] dyInPlace = dy.clone();
        Norm.backward(kind, c.batch, c.channels, c.length, c.x, dyInPlace, dyInPlace, c.w, null, null, saved,
                training, c.scratch());
        assertArrayEquals(dx, dyInPlace, "backward dx == dy");
    }

    private static float[] copy(float[] a) {
        return a == null ? null : a.clone();
    }

    @Test
    void sizesFollowTheKinds() {
        assertEquals(2 * 5, Norm.savedSize(NormKind.BATCH, 3, 5, 7));
        assertEquals(2 * 3 * 7, Norm.savedSize(NormKind.LAYER_FEATURE, 3, 5, 7));
        assertEquals(2 * 3 * 7, Norm.savedSize(NormKind.RMS, 3, 5, 7));
        assertEquals(2 * 3 * 5, Norm.savedSize(NormKind.LAYER, 3, 5, 7));
        assertEquals(2 * 3 * 4, Norm.savedSize(NormKind.GROUP, 3, 8, 7));
        assertEquals(2 * 3 * 8, Norm.savedSize(NormKind.INSTANCE, 3, 8, 7));
        assertEquals(0, Norm.biasSize(NormKind.RMS, 5, 7));
        assertEquals(7, Norm.biasSize(NormKind.LAYER, 5, 7));
        assertEquals(5, Norm.runningSize(NormKind.BATCH, 5));
        assertEquals(0, Norm.runningSize(NormKind.GROUP, 8));
        assertEquals(2 * 7, Norm.scratchSize(NormKind.LAYER_FEATURE, 3, 5, 7));
        assertEquals(7, Norm.scratchSize(NormKind.RMS, 3, 5, 7));
        assertEquals(Math.ulp(1.0f), Norm.RMS_EPS);
    }

    @Test
    void badArgumentsAreRejectedBeforeWriting() {
        float[] x = new float[2 * 6 * 3];
        float[] y = new float[x.length];
        float[] w6 = new float[6];
        assertThrows(IllegalArgumentException.class, () -> Norm.savedSize(NormKind.GROUP, 2, 6, 3));
        assertThrows(IllegalArgumentException.class,
                () -> Norm.forward(NormKind.GROUP, 2, 6, 3, x, y, w6, w6, null, null, new float[100], false));
        // Batch norm training needs two values per channel.
        assertThrows(IllegalArgumentException.class, () -> Norm.forward(NormKind.BATCH, 1, 1, 1, new float[1],
                new float[1], new float[1], new float[1], new float[1], new float[1], new float[2], true));
        // rms has no bias.
        assertThrows(IllegalArgumentException.class, () -> Norm.forward(NormKind.RMS, 2, 6, 3, x, y, w6, w6, null,
                null, new float[12], false));
        // Layer norm's weight runs along time.
        assertThrows(ShapeException.class, () -> Norm.forward(NormKind.LAYER, 2, 6, 4, new float[48],
                new float[48], new float[3], new float[4], null, null, new float[24], false));
        // Short output, short saved, missing running statistics in eval.
        assertThrows(ShapeException.class, () -> Norm.forward(NormKind.LAYER_FEATURE, 2, 6, 3, x,
                new float[x.length - 1], w6, w6, null, null, new float[12], false));
        assertThrows(ShapeException.class, () -> Norm.forward(NormKind.LAYER_FEATURE, 2, 6, 3, x, y, w6, w6, null,
                null, new float[11], false));
        assertThrows(ShapeException.class, () -> Norm.forward(NormKind.BATCH, 2, 6, 3, x, y, w6, w6, null, null,
                new float[12], false));
        // Missing scratch in backward.
        assertThrows(ShapeException.class, () -> Norm.backward(NormKind.LAYER_FEATURE, 2, 6, 3, x, y, y, w6, null,
                null, new float[12], true, new float[5]));
    }

    /**
     * Batch norm on a signal big enough to be split between threads gives, to the bit, what one
     * thread gives: outputs, statistics, running statistics and every gradient, training and eval.
     */
    @Test
    void batchNormSplitBetweenThreadsGivesWhatOneThreadGives() {
        Random rnd = new Random(41);
        int batch = 5;
        int channels = 3;
        int length = 20011;
        float[] x = randn(rnd, batch * channels * length, 2, 0.5);
        float[] dy = randn(rnd, x.length);
        float[] weight = randn(rnd, channels);
        float[] bias = randn(rnd, channels);
        for (boolean training : new boolean[] {true, false}) {
            float[][] split = batchPasses(batch, channels, length, x, dy, weight, bias, training);
            float[][][] serial = new float[1][][];
            Parallel.serially(() -> serial[0] = batchPasses(batch, channels, length, x, dy, weight, bias, training));
            for (int i = 0; i < split.length; i++) {
                assertArrayEquals(serial[0][i], split[i], "output " + i + (training ? " (training)" : " (eval)"));
            }
        }
    }

    /** {y, saved, runningMean, runningVar, dx, dWeight, dBias} of one batch-norm forward and backward. */
    private static float[][] batchPasses(int batch, int channels, int length, float[] x, float[] dy, float[] weight,
                                         float[] bias, boolean training) {
        float[] y = new float[x.length];
        float[] saved = new float[Norm.savedSize(NormKind.BATCH, batch, channels, length)];
        float[] runningMean = prefill(new Random(1), channels);
        float[] runningVar = prefill(new Random(2), channels);
        for (int c = 0; c < channels; c++) {
            runningVar[c] = Math.abs(runningVar[c]) + 0.5f;
        }
        Norm.forward(NormKind.BATCH, batch, channels, length, x, y, weight, bias, runningMean, runningVar, saved,
                training);
        float[] dx = new float[x.length];
        float[] dWeight = prefill(new Random(3), channels);
        float[] dBias = prefill(new Random(4), channels);
        Norm.backward(NormKind.BATCH, batch, channels, length, x, dy, dx, weight, dWeight, dBias, saved, training,
                new float[Norm.scratchSize(NormKind.BATCH, batch, channels, length)]);
        return new float[][] {y, saved, runningMean, runningVar, dx, dWeight, dBias};
    }

    @Test
    void spellingsRoundTrip() {
        String[] names = {"batch", "layer-feature", "rms", "layer", "group", "instance", "none"};
        for (String name : names) {
            assertEquals(name, NormKind.of(name).spelling());
        }
        assertSame(NormKind.NONE, NormKind.of(null));
        assertSame(NormKind.NONE, NormKind.of("null"));
        assertThrows(IllegalArgumentException.class, () -> NormKind.of("layernorm"));
    }
}
