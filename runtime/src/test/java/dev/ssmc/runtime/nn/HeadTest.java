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

import dev.ssmc.runtime.tensor.ShapeException;
import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The classifier head's pieces, {@link MeanOverTime} and {@link Dense}, against naive double versions and finite differences. */
class HeadTest {

    static double[] naiveMean(int batch, int channels, int length, double[] x) {
        double[] y = new double[batch * channels];
        for (int i = 0; i < y.length; i++) {
            for (int t = 0; t < length; t++) {
                y[i] += x[i * length + t] / length;
            }
        }
        return y;
    }

    static double[] naiveDense(int batch, int in, int out, double[] x, double[] w, double[] bias) {
        double[] y = new double[batch * out];
        for (int b = 0; b < batch; b++) {
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    s += w[o * in + i] * x[b * in + i];
                }
                y[b * out + o] = s;
            }
        }
        return y;
    }

    @Test
    void meanOverTime() {
        Property.forAll(100, in -> new MeanCase(integers().between(1, 3).generate(in),
                integers().between(1, 6).generate(in),
                integers().between(1, 40).generate(in),
                longs().all().generate(in)),
                a -> meanOverTime(a.batch(), a.channels(), a.length(), a.seed()));
    }

    /** One try of {@link #meanOverTime()}. */
    record MeanCase(int batch, int channels, int length, long seed) {
    }

    private void meanOverTime(int batch, int channels, int length, long seed) {
        Random rnd = new Random(seed);
        float[] x = randn(rnd, batch * channels * length, 2, 1);
        double[] xd = toDouble(x);
        double[] expected = naiveMean(batch, channels, length, xd);
        float[] y = nans(expected.length);
        MeanOverTime.forward(batch, channels, length, x, y);
        assertClose("mean", expected, y, 1e-6, 1e-7);
        float[] g = randn(rnd, expected.length);
        double[] gd = toDouble(g);
        float[] dx = nans(x.length);
        MeanOverTime.backward(batch, channels, length, g, dx);
        assertGradient("dx", finiteDifferences(xd, () -> dot(naiveMean(batch, channels, length, xd), gd)), dx, null);
    }

    @Test
    void dense() {
        Property.forAll(150, in -> new DenseCase(integers().between(1, 5).generate(in),
                integers().between(1, 9).generate(in),
                integers().between(1, 9).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in)),
                a -> dense(a.batch(), a.in(), a.out(), a.withBias(), a.seed()));
    }

    /** One try of {@link #dense()}. */
    record DenseCase(int batch, int in, int out, boolean withBias, long seed) {
    }

    private void dense(int batch, int in, int out, boolean withBias, long seed) {
        Random rnd = new Random(seed);
        float[] x = randn(rnd, batch * in);
        float[] w = randn(rnd, out * in, 0.5, 0);
        float[] bias = withBias ? randn(rnd, out) : null;
        double[] xd = toDouble(x);
        double[] wd = toDouble(w);
        double[] bd = bias == null ? null : toDouble(bias);
        double[] expected = naiveDense(batch, in, out, xd, wd, bd);
        float[] y = nans(expected.length);
        Dense.forward(batch, in, out, x, y, w, bias);
        assertClose("y", expected, y, 1e-6, 1e-7);
        float[] g = randn(rnd, expected.length);
        double[] gd = toDouble(g);
        float[] dx = nans(x.length);
        float[] dw0 = prefill(rnd, w.length);
        float[] dw = dw0.clone();
        float[] db0 = withBias ? prefill(rnd, out) : null;
        float[] db = withBias ? db0.clone() : null;
        Dense.backward(batch, in, out, x, g, dx, w, dw, db);
        NnTesting.Objective loss = () -> dot(naiveDense(batch, in, out, xd, wd, bd), gd);
        assertGradient("dx", finiteDifferences(xd, loss), dx, null);
        assertGradient("dW", finiteDifferences(wd, loss), dw, dw0);
        if (withBias) {
            assertGradient("dBias", finiteDifferences(bd, loss), db, db0);
        }
        float[] dx2 = nans(x.length);
        Dense.backward(batch, in, out, null, g, dx2, w, null, null);
        assertArrayEquals(dx, dx2, "dx alone, without x");
    }

    @Test
    void denseAtLargerShapes() {
        Random rnd = new Random(13);
        int batch = 33;
        int in = 48;
        int out = 35;
        float[] x = randn(rnd, batch * in);
        float[] w = randn(rnd, out * in, 0.2, 0);
        float[] bias = randn(rnd, out);
        double[] xd = toDouble(x);
        double[] wd = toDouble(w);
        double[] bd = toDouble(bias);
        double[] expected = naiveDense(batch, in, out, xd, wd, bd);
        float[] y = nans(expected.length);
        Dense.forward(batch, in, out, x, y, w, bias);
        assertClose("y", expected, y, 2e-6, 0);
        float[] g = randn(rnd, expected.length);
        double[] gd = toDouble(g);
        float[] dx = nans(x.length);
        float[] dw = new float[w.length];
        float[] db = new float[out];
        Dense.backward(batch, in, out, x, g, dx, w, dw, db);
        NnTesting.Objective loss = () -> dot(naiveDense(batch, in, out, xd, wd, bd), gd);
        double scale = Math.sqrt(expected.length);
        NnTesting.assertSampledGradient("dx", rnd, 30, xd, dx, null, loss, scale);
        NnTesting.assertSampledGradient("dW", rnd, 30, wd, dw, null, loss, scale);
        NnTesting.assertSampledGradient("dBias", rnd, 10, bd, db, null, loss, scale);
    }

    /**
     * The reference classifier's head on its golden backbone features: mean over time,
     * {@code classifier.1.0} (Linear 32->32), relu, {@code classifier.1.2} (Linear 32->12) gives the
     * golden output.
     */
    @Test
    void classifierHeadReproducesTheGoldenOutput() throws java.io.IOException {
        dev.ssmc.runtime.io.SafeTensorsFile golden =
                dev.ssmc.runtime.io.SafeTensors.read(dev.ssmc.runtime.testing.SharedData.golden().resolve("net_kws.safetensors"));
        dev.ssmc.runtime.tensor.Tensor features = golden.f32("features");
        int batch = features.dim(0);
        int channels = features.dim(1);
        int length = features.dim(2);
        dev.ssmc.runtime.tensor.Tensor w1 = golden.f32("state.classifier.1.0.weight", channels, channels);
        dev.ssmc.runtime.tensor.Tensor b1 = golden.f32("state.classifier.1.0.bias", channels);
        dev.ssmc.runtime.tensor.Tensor w2 = golden.f32("state.classifier.1.2.weight");
        int classes = w2.dim(0);
        dev.ssmc.runtime.tensor.Tensor b2 = golden.f32("state.classifier.1.2.bias", classes);
        dev.ssmc.runtime.tensor.Tensor output = golden.f32("output", batch, classes);

        float[] pooled = new float[batch * channels];
        MeanOverTime.forward(batch, channels, length, features.data(), pooled);
        float[] hidden = new float[batch * channels];
        Dense.forward(batch, channels, channels, pooled, hidden, w1.data(), b1.data());
        Postact.forward(PostactKind.RELU, hidden.length, hidden, hidden);
        float[] logits = nans(batch * classes);
        Dense.forward(batch, channels, classes, hidden, logits, w2.data(), b2.data());
        double[] expected = toDouble(output.data());
        assertClose("logits", expected, logits, 1e-5, 1e-6);
    }

    @Test
    void shapesAreChecked() {
        assertThrows(ShapeException.class, () -> Dense.forward(2, 3, 4, new float[6], new float[8], new float[11], null));
        assertThrows(ShapeException.class, () -> Dense.forward(2, 3, 4, new float[6], new float[7], new float[12], null));
        assertThrows(ShapeException.class, () -> MeanOverTime.forward(2, 3, 4, new float[23], new float[6]));
        assertThrows(IllegalArgumentException.class, () -> MeanOverTime.backward(2, 3, 0, new float[6], new float[0]));
    }
}
