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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.kernels.Parallel;
import dev.ssmc.runtime.tensor.ShapeException;
import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ChannelMix} against a naive double 1x1 convolution and finite differences of it, small and large shapes. */
class ChannelMixTest {

    static double[] naive(int batch, int cin, int cout, int length, double[] x, double[] w, double[] bias) {
        double[] y = new double[batch * cout * length];
        for (int b = 0; b < batch; b++) {
            for (int d = 0; d < cout; d++) {
                for (int t = 0; t < length; t++) {
                    double s = bias == null ? 0 : bias[d];
                    for (int c = 0; c < cin; c++) {
                        s += w[d * cin + c] * x[(b * cin + c) * length + t];
                    }
                    y[(b * cout + d) * length + t] = s;
                }
            }
        }
        return y;
    }

    @Test
    void forwardAndBackwardMatchNaive() {
        Property.forAll(150, in -> new MixCase(integers().between(1, 3).generate(in),
                integers().between(1, 6).generate(in),
                integers().between(1, 6).generate(in),
                integers().between(1, 10).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in)),
                a -> forwardAndBackwardMatchNaive(a.batch(), a.cin(), a.cout(), a.length(), a.withBias(), a.seed()));
    }

    /** One try of {@link #forwardAndBackwardMatchNaive()}. */
    record MixCase(int batch, int cin, int cout, int length, boolean withBias, long seed) {
    }

    private void forwardAndBackwardMatchNaive(int batch, int cin, int cout, int length, boolean withBias, long seed) {
        Random rnd = new Random(seed);
        float[] x = randn(rnd, batch * cin * length);
        float[] w = randn(rnd, cout * cin, 0.5, 0);
        float[] bias = withBias ? randn(rnd, cout) : null;
        double[] xd = toDouble(x);
        double[] wd = toDouble(w);
        double[] bd = bias == null ? null : toDouble(bias);
        double[] expected = naive(batch, cin, cout, length, xd, wd, bd);
        float[] y = nans(expected.length);
        if (withBias) {
            ChannelMix.forward(batch, cin, cout, length, x, y, w, bias);
        } else {
            ChannelMix.forward(batch, cin, cout, length, x, y, w);
        }
        assertClose("y", expected, y, 1e-6, 1e-7);

        float[] g = randn(rnd, expected.length);
        double[] gd = toDouble(g);
        float[] dx = nans(x.length);
        float[] dw0 = prefill(rnd, w.length);
        float[] dw = dw0.clone();
        float[] db0 = withBias ? prefill(rnd, cout) : null;
        float[] db = withBias ? db0.clone() : null;
        ChannelMix.backward(batch, cin, cout, length, x, g, dx, w, dw, db);
        NnTesting.Objective loss = () -> dot(naive(batch, cin, cout, length, xd, wd, bd), gd);
        assertGradient("dx", finiteDifferences(xd, loss), dx, null);
        assertGradient("dW", finiteDifferences(wd, loss), dw, dw0);
        if (withBias) {
            assertGradient("dBias", finiteDifferences(bd, loss), db, db0);
        }
        float[] dx2 = nans(x.length);
        ChannelMix.backward(batch, cin, cout, length, null, g, dx2, w, null, null);
        assertArrayEquals(dx, dx2, "dx alone, without x");
    }

    @Test
    void largerShapesTakeThePackedPath() {
        Random rnd = new Random(8);
        int batch = 2;
        int cin = 37;
        int cout = 50;
        int length = 93;
        float[] x = randn(rnd, batch * cin * length);
        float[] w = randn(rnd, cout * cin, 0.2, 0);
        float[] bias = randn(rnd, cout);
        double[] xd = toDouble(x);
        double[] wd = toDouble(w);
        double[] bd = toDouble(bias);
        double[] expected = naive(batch, cin, cout, length, xd, wd, bd);
        float[] y = nans(expected.length);
        ChannelMix.forward(batch, cin, cout, length, x, y, w, bias);
        assertClose("y", expected, y, 2e-6, 0);
        float[] g = randn(rnd, expected.length);
        double[] gd = toDouble(g);
        float[] dx = nans(x.length);
        float[] dw = new float[w.length];
        float[] db = new float[cout];
        ChannelMix.backward(batch, cin, cout, length, x, g, dx, w, dw, db);
        NnTesting.Objective loss = () -> dot(naive(batch, cin, cout, length, xd, wd, bd), gd);
        double scale = Math.sqrt(expected.length);
        NnTesting.assertSampledGradient("dx", rnd, 30, xd, dx, null, loss, scale);
        NnTesting.assertSampledGradient("dW", rnd, 30, wd, dw, null, loss, scale);
        NnTesting.assertSampledGradient("dBias", rnd, 10, bd, db, null, loss, scale);
    }

    /** A batch big enough to be split between threads gives, to the bit, what one thread computes. */
    @Test
    void splitBatchesGiveWhatOneThreadGives() {
        Random rnd = new Random(9);
        int batch = 6;
        int cin = 16;
        int cout = 24;
        int length = 1000;
        float[] x = randn(rnd, batch * cin * length);
        float[] w = randn(rnd, cout * cin);
        float[] bias = randn(rnd, cout);
        float[] g = randn(rnd, batch * cout * length);
        float[][] split = passes(batch, cin, cout, length, x, w, bias, g);
        float[][][] serial = new float[1][][];
        Parallel.serially(() -> serial[0] = passes(batch, cin, cout, length, x, w, bias, g));
        for (int i = 0; i < split.length; i++) {
            assertArrayEquals(serial[0][i], split[i], "output " + i);
        }
    }

    /** {y, dx, dW, dBias} of one forward and backward pass (gradients added to fixed start values). */
    private static float[][] passes(int batch, int cin, int cout, int length, float[] x, float[] w, float[] bias,
                                    float[] g) {
        float[] y = new float[g.length];
        ChannelMix.forward(batch, cin, cout, length, x, y, w, bias);
        float[] dx = new float[x.length];
        float[] dW = prefill(new Random(1), w.length);
        float[] dBias = prefill(new Random(2), cout);
        ChannelMix.backward(batch, cin, cout, length, x, g, dx, w, dW, dBias);
        return new float[][] {y, dx, dW, dBias};
    }

    @Test
    void shapesAreChecked() {
        assertThrows(ShapeException.class, () -> ChannelMix.forward(1, 2, 3, 4, new float[8], new float[12], new float[5]));
        assertThrows(ShapeException.class, () -> ChannelMix.forward(1, 2, 3, 4, new float[7], new float[12], new float[6]));
        assertThrows(ShapeException.class, () -> ChannelMix.backward(1, 2, 3, 4, null, new float[12], new float[8],
                new float[6], new float[6], null));
    }
}
