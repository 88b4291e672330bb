package dev.ssmc.runtime.nn;

import static dev.ssmc.runtime.nn.NnTesting.assertClose;
import static dev.ssmc.runtime.nn.NnTesting.dot;
import static dev.ssmc.runtime.nn.NnTesting.finiteDifferences;
import static dev.ssmc.runtime.nn.NnTesting.nans;
import static dev.ssmc.runtime.nn.NnTesting.randn;
import static dev.ssmc.runtime.nn.NnTesting.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Postact} against naive double definitions (GELU through Commons Math's {@code erfc}, an
 * implementation independent of ours), its backward against central finite differences, PyTorch's
 * subgradients at the kinks, GLU's channel halves, and in-place use.
 */
class PostactTest {

    static double naive(PostactKind kind, double x) {
        switch (kind) {
            case IDENTITY:
                return x;
            case RELU:
                return Math.max(x, 0);
            case RELU6:
                return Math.min(Math.max(x, 0), 6);
            case LELU:
                return x > 0 ? x : 0.1 * x;
            case SIGMOID:
                return 1 / (1 + Math.exp(-x));
            case TANH:
                return Math.tanh(x);
            case GELU:
                return 0.5 * x * org.apache.commons.math3.special.Erf.erfc(-x / Math.sqrt(2));
            case SILU:
                return x / (1 + Math.exp(-x));
            default:
                throw new IllegalArgumentException(kind.toString());
        }
    }

    /** The signal form: GLU takes the first half of the channels times the sigmoid of the second half. */
    static double[] naive(PostactKind kind, int batch, int channels, int length, double[] x) {
        if (kind != PostactKind.GLU) {
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = naive(kind, x[i]);
            }
            return y;
        }
        int half = channels / 2;
        double[] y = new double[batch * half * length];
        for (int b = 0; b < batch; b++) {
            for (int c = 0; c < half; c++) {
                for (int t = 0; t < length; t++) {
                    double a = x[(b * channels + c) * length + t];
                    double g = x[(b * channels + c + half) * length + t];
                    y[(b * half + c) * length + t] = a / (1 + Math.exp(-g));
                }
            }
        }
        return y;
    }

    private static float[] input(Random rnd, int n, int scaleIndex) {
        double scale = new double[] {1, 4, 12}[scaleIndex];
        float[] x = randn(rnd, n, scale, 0);
        // Stay clear of the kinks (0 and 6), where finite differences straddle two slopes.
        for (int i = 0; i < n; i++) {
            for (float kink : new float[] {0f, 6f}) {
                if (Math.abs(x[i] - kink) < 2e-3f) {
                    x[i] = kink + (x[i] >= kink ? 2e-3f : -2e-3f);
                }
            }
        }
        return x;
    }

    private static int channelsFor(PostactKind kind, int channels) {
        return kind == PostactKind.GLU ? 2 * channels : channels;
    }

    @Test
    void forwardMatchesNaive() {
        Property.forAll(150, in -> new PostactCase(arbitrary().enumValues(PostactKind.class).generate(in),
                integers().between(1, 3).generate(in),
                integers().between(1, 6).generate(in),
                integers().between(1, 9).generate(in),
                integers().between(0, 2).generate(in),
                longs().all().generate(in)),
                a -> forwardMatchesNaive(a.kind(), a.batch(), a.channelsArg(), a.length(), a.scale(), a.seed()));
    }

    /** One try of {@link #forwardMatchesNaive()} and {@link #backwardMatchesFiniteDifferences()}. */
    record PostactCase(PostactKind kind, int batch, int channelsArg, int length, int scale, long seed) {
    }

    private void forwardMatchesNaive(PostactKind kind, int batch, int channelsArg, int length, int scale, long seed) {
        int channels = channelsFor(kind, channelsArg);
        float[] x = input(new Random(seed), batch * channels * length, scale);
        double[] expected = naive(kind, batch, channels, length, toDouble(x));
        float[] y = nans(expected.length);
        Postact.forward(kind, batch, channels, length, x, y);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            // Evaluated in double and rounded once: a few ulps at most (lelu's 0.1f adds 1.5e-8).
            assertTrue(Math.abs(y[i] - e) <= 3e-7 * Math.abs(e) + 1e-37,
                    kind + " element " + i + ": " + y[i] + " vs " + e + " at x = " + x[i]);
        }
        if (kind.isElementwise()) {
            float[] flat = nans(x.length);
            Postact.forward(kind, x.length, x, flat);
            assertArrayEquals(y, flat, "the elementwise form agrees with the signal form");
            for (int i = 0; i < x.length; i++) {
                assertEquals(y[i], Postact.apply(kind, x[i]), "apply at " + x[i]);
            }
        }
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Property.forAll(150, in -> new PostactCase(arbitrary().enumValues(PostactKind.class).generate(in),
                integers().between(1, 3).generate(in),
                integers().between(1, 5).generate(in),
                integers().between(1, 8).generate(in),
                integers().between(0, 2).generate(in),
                longs().all().generate(in)),
                a -> backwardMatchesFiniteDifferences(a.kind(), a.batch(), a.channelsArg(), a.length(), a.scale(),
                        a.seed()));
    }

    private void backwardMatchesFiniteDifferences(PostactKind kind, int batch, int channelsArg, int length,
            int scale, long seed) {
        int channels = channelsFor(kind, channelsArg);
        Random rnd = new Random(seed);
        float[] x = input(rnd, batch * channels * length, scale);
        int outChannels = Postact.outChannels(kind, channels);
        float[] g = randn(rnd, batch * outChannels * length);
        float[] dx = nans(x.length);
        Postact.backward(kind, batch, channels, length, x, g, dx);
        double[] xd = toDouble(x);
        double[] gd = toDouble(g);
        double[] fd = finiteDifferences(xd, () -> dot(naive(kind, batch, channels, length, xd), gd));
        assertClose(kind + " dx", fd, dx, 2e-6, 1e-9);
        if (kind.isElementwise()) {
            float[] flat = nans(x.length);
            Postact.backward(kind, x.length, x, g, flat);
            assertArrayEquals(dx, flat, "the elementwise form agrees with the signal form");
            for (int i = 0; i < x.length; i++) {
                assertEquals(dx[i], Postact.derivative(kind, x[i]) * g[i], Math.ulp(dx[i]) * 2, "derivative at " + x[i]);
            }
        }
    }

    @Test
    void subgradientsAtTheKinksAreThoseOfPyTorch() {
        assertEquals(0f, Postact.derivative(PostactKind.RELU, 0f));
        assertEquals(0f, Postact.derivative(PostactKind.RELU6, 0f));
        assertEquals(0f, Postact.derivative(PostactKind.RELU6, 6f));
        assertEquals(1f, Postact.derivative(PostactKind.RELU6, 5.999f));
        assertEquals(0f, Postact.derivative(PostactKind.RELU6, 6.001f));
        assertEquals(0.1f, Postact.derivative(PostactKind.LELU, 0f));
        assertEquals(6f, Postact.apply(PostactKind.RELU6, 7f));
        float[] x = {0f, 6f, 0f};
        float[] dy = {1f, 1f, 1f};
        float[] dx = new float[3];
        Postact.backward(PostactKind.RELU6, 3, x, dy, dx);
        assertArrayEquals(new float[] {0f, 0f, 0f}, dx);
        Postact.backward(PostactKind.RELU, 3, x, dy, dx);
        assertArrayEquals(new float[] {0f, 1f, 0f}, dx);
        Postact.backward(PostactKind.LELU, 3, x, dy, dx);
        assertArrayEquals(new float[] {0.1f, 1f, 0.1f}, dx);
        // The branch-free masks at the edges of the float range (signed zeros, subnormals, infinities,
        // the neighbours of 6), against the comparisons they replace.
        float[] edges = {-0f, 0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Math.nextDown(6f), 6f,
            Math.nextUp(6f), Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, 1f, -1f};
        float[] ones = new float[edges.length];
        java.util.Arrays.fill(ones, -2.5f);
        float[] got = new float[edges.length];
        Postact.backward(PostactKind.RELU, edges.length, edges, ones, got);
        for (int i = 0; i < edges.length; i++) {
            assertEquals(edges[i] > 0f ? -2.5f : 0f, got[i], 0f, "relu' at " + edges[i]);
        }
        Postact.backward(PostactKind.RELU6, edges.length, edges, ones, got);
        for (int i = 0; i < edges.length; i++) {
            assertEquals(edges[i] > 0f && edges[i] < 6f ? -2.5f : 0f, got[i], 0f, "relu6' at " + edges[i]);
        }
        Postact.backward(PostactKind.LELU, edges.length, edges, ones, got);
        for (int i = 0; i < edges.length; i++) {
            assertEquals(edges[i] > 0f ? -2.5f : 0.1f * -2.5f, got[i], 0f, "lelu' at " + edges[i]);
        }
        Postact.forward(PostactKind.LELU, edges.length, edges, got);
        for (int i = 0; i < edges.length; i++) {
            assertEquals(edges[i] > 0f ? edges[i] : 0.1f * edges[i], got[i], 0f, "lelu at " + edges[i]);
        }
    }

    @Test
    void tanhIsWithinAnUlpOfMathTanhFromTinyToSaturated() {
        Random rnd = new Random(17);
        int n = 20000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // Magnitudes from 1e-30 to 20, both signs.
            double mag = Math.pow(10, -30 + 31.3 * rnd.nextDouble());
            x[i] = (float) (rnd.nextBoolean() ? mag : -mag);
        }
        float[] y = new float[n];
        Postact.forward(PostactKind.TANH, n, x, y);
        for (int i = 0; i < n; i++) {
            float expected = (float) Math.tanh(x[i]);
            assertEquals(expected, y[i], Math.ulp(expected), "tanh(" + x[i] + ")");
        }
    }

    @Test
    void knownValues() {
        assertEquals(0f, Postact.apply(PostactKind.GELU, 0f));
        assertEquals(0.5f, Postact.derivative(PostactKind.GELU, 0f));
        assertEquals(0.8413447460685429, Postact.apply(PostactKind.GELU, 1f), 1e-7);
        assertEquals(-0.15865525393145707, Postact.apply(PostactKind.GELU, -1f), 1e-8);
        // The tail keeps its relative accuracy: -10 Phi(-10) = -7.619853e-23.
        assertEquals(-7.619853024160527e-23, Postact.apply(PostactKind.GELU, -10f), 1e-29);
        assertEquals(0.5f, Postact.apply(PostactKind.SIGMOID, 0f));
        assertEquals(0.25f, Postact.derivative(PostactKind.SIGMOID, 0f));
        assertEquals(0.5f, Postact.derivative(PostactKind.SILU, 0f));
        assertEquals(1f, Postact.derivative(PostactKind.TANH, 0f));
        assertEquals(-0.3f, Postact.apply(PostactKind.LELU, -3f), 1e-7f);
        assertEquals(0f, Postact.apply(PostactKind.SIGMOID, -1e4f));
        assertEquals(1f, Postact.apply(PostactKind.SIGMOID, 1e4f));
    }

    @Test
    void gluSplitsTheChannelsInHalves() {
        // batch 1, channels 4, length 2: a = channels 0..1, b = channels 2..3.
        float[] x = {1, 2, 3, 4, 0, 0, 100, -100};
        float[] y = new float[4];
        Postact.forward(PostactKind.GLU, 1, 4, 2, x, y);
        assertArrayEquals(new float[] {0.5f, 1f, 3f, 0f}, y, 1e-6f);
        assertEquals(3, Postact.outChannels(PostactKind.GLU, 6));
        assertEquals(5, Postact.outChannels(PostactKind.SILU, 5));
        assertThrows(IllegalArgumentException.class, () -> Postact.outChannels(PostactKind.GLU, 5));
        assertThrows(IllegalArgumentException.class,
                () -> Postact.forward(PostactKind.GLU, 1, 3, 2, new float[6], new float[6]));
        assertThrows(IllegalArgumentException.class, () -> Postact.forward(PostactKind.GLU, 4, x, y));
        assertThrows(IllegalArgumentException.class, () -> Postact.backward(PostactKind.GLU, 4, x, y, y));
    }

    @Test
    void elementwiseKindsWorkInPlace() {
        Random rnd = new Random(9);
        for (PostactKind kind : PostactKind.values()) {
            if (!kind.isElementwise()) {
                continue;
            }
            float[] x = randn(rnd, 50, 4, 0);
            float[] y = new float[50];
            Postact.forward(kind, 2, 5, 5, x, y);
            float[] inPlace = x.clone();
            Postact.forward(kind, 2, 5, 5, inPlace, inPlace);
            assertArrayEquals(y, inPlace, kind + " forward");
            float[] dy = randn(rnd, 50);
            float[] dx = new float[50];
            Postact.backward(kind, 2, 5, 5, x, dy, dx);
            Postact.backward(kind, 2, 5, 5, x, dy, dy);
            assertArrayEquals(dx, dy, kind + " backward");
        }
    }

    @Test
    void spellingsRoundTrip() {
        for (String name : new String[] {"identity", "relu", "relu6", "lelu", "sigmoid", "tanh", "gelu", "glu", "silu"}) {
            assertEquals(name, PostactKind.of(name).spelling());
        }
        assertSame(PostactKind.IDENTITY, PostactKind.of(null));
        assertThrows(IllegalArgumentException.class, () -> PostactKind.of("swish"));
    }
}
