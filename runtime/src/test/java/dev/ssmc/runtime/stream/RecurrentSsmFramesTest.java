package dev.ssmc.runtime.stream;

import static dev.ssmc.runtime.stream.StreamTesting.assertClose;
import static dev.ssmc.runtime.stream.StreamTesting.frames;
import static dev.ssmc.runtime.stream.StreamTesting.randn;
import static dev.ssmc.runtime.stream.StreamTesting.split;
import static dev.ssmc.runtime.stream.StreamTesting.stream;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.stream.StreamTesting.MapParams;
import dev.ssmc.runtime.stream.StreamTesting.Ssm;
import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The general recurrent SSM step: its Vector API and scalar paths agree, on shapes whose lanes
 * fill whole vectors and leave tails; both equal the model's layer (an independent double-precision
 * recurrence) on wide shapes the random networks do not reach; reset restores the initial state.
 */
class RecurrentSsmFramesTest {

    /** A random shape of {@code mode}, wide enough for whole vectors and tails on every machine. */
    static BlockShape shape(Random rnd, BlockMode mode) {
        int cin = 1 + rnd.nextInt(mode == BlockMode.FULL ? 12 : 40);
        int cout = 1 + rnd.nextInt(mode == BlockMode.FULL ? 40 : 24);
        int states = 1 + rnd.nextInt(mode == BlockMode.FULL ? 6 : 48);
        int blocks = mode == BlockMode.S5 || mode == BlockMode.NECK ? 1 + rnd.nextInt(3) : 1;
        return new BlockShape(mode, cin, cout, states, blocks);
    }

    @Test
    void vectorAndScalarPathsAgree() {
        assumeTrue(VectorSupport.available(), "the Vector API module is not in this JVM");
        Property.forAll(60, in -> new ModeCase(integers().between(0, 3).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in)),
                a -> vectorAndScalarPathsAgree(a.modeIndex(), a.activations(), a.seed()));
    }

    /** One try of {@link #vectorAndScalarPathsAgree()}. */
    record ModeCase(int modeIndex, boolean activations, long seed) {
    }

    private void vectorAndScalarPathsAgree(int modeIndex, boolean activations, long seed) {
        Random rnd = new Random(seed);
        MapParams p = new MapParams(rnd);
        BlockShape shape = shape(rnd, BlockMode.values()[modeIndex]);
        Ssm ssm = Ssm.of(p, shape, "layer", NormKind.BATCH, PostactKind.GELU, activations);
        int length = 1 + rnd.nextInt(60);
        float[] in = randn(rnd, shape.inChannels() * length);
        int[] chunks = split(rnd, length, 9);
        RecurrentSsmFrames vector = ssm.withVector(true).node(p);
        RecurrentSsmFrames scalar = ssm.withVector(false).node(p);
        assertEquals(true, vector.vectorized());
        assertEquals(false, scalar.vectorized());
        // the paths differ only in the order of float operations (and fused multiply-adds)
        assertClose("vector against scalar", stream(scalar, in, chunks), stream(vector, in, chunks), 1e-5);
    }

    @Test
    void bothPathsMatchTheModelLayerOnWideShapes() {
        Property.forAll(40, in -> new PathCase(integers().between(0, 3).generate(in),
                booleans().all().generate(in),
                longs().all().generate(in)),
                a -> bothPathsMatchTheModelLayerOnWideShapes(a.modeIndex(), a.vector(), a.seed()));
    }

    /** One try of {@link #bothPathsMatchTheModelLayerOnWideShapes()}. */
    record PathCase(int modeIndex, boolean vector, long seed) {
    }

    private void bothPathsMatchTheModelLayerOnWideShapes(int modeIndex, boolean vector, long seed) {
        assumeTrue(!vector || VectorSupport.available(), "the Vector API module is not in this JVM");
        Random rnd = new Random(seed);
        MapParams p = new MapParams(rnd);
        BlockShape shape = shape(rnd, BlockMode.values()[modeIndex]);
        Ssm ssm = Ssm.of(p, shape, "layer", NormKind.NONE, PostactKind.IDENTITY, false).withVector(vector);
        int length = 1 + rnd.nextInt(80);
        Signal x = new Signal(1, shape.inChannels(), length, randn(rnd, shape.inChannels() * length));
        float[] ref = frames(ssm.layer(p).apply(x));
        assertClose("stream", ref, stream(ssm.node(p), frames(x), split(rnd, length, 13)));
    }

    @Test
    void resetRestoresTheInitialState() {
        Random rnd = new Random(7);
        for (BlockMode mode : BlockMode.values()) {
            for (boolean vector : new boolean[] {false, VectorSupport.available()}) {
                MapParams p = new MapParams(rnd);
                BlockShape shape = new BlockShape(mode, 18, 17, mode == BlockMode.FULL ? 3 : 20, 2);
                RecurrentSsmFrames node = Ssm.of(p, shape, "layer", NormKind.RMS, PostactKind.SILU, true)
                        .withVector(vector).node(p);
                float[] in = randn(rnd, 18 * 40);
                int[] chunks = {5, 1, 0, 30, 4};
                float[] first = stream(node, in, chunks);
                node.reset();
                assertArrayEquals(first, stream(node, in, chunks), mode + (vector ? " vector" : " scalar"));
            }
        }
    }

    /** A subclass that overrides {@code steps} must agree with the per-frame {@code step}: the default loop is the contract. */
    @Test
    void stepsIsStepFrameByFrame() {
        Random rnd = new Random(11);
        MapParams p = new MapParams(rnd);
        BlockShape shape = new BlockShape(BlockMode.S5, 5, 4, 7, 2);
        Ssm ssm = Ssm.of(p, shape, "layer", NormKind.NONE, PostactKind.IDENTITY, false);
        RecurrentSsmFrames node = ssm.node(p);
        float[] in = randn(rnd, 5 * 30);
        float[] whole = new float[4 * 30];
        node.process(in, 0, 30, whole, 0);
        node.reset();
        float[] byStep = new float[4 * 30];
        for (int t = 0; t < 30; t++) {
            node.step(in, 5 * t, byStep, 4 * t);
        }
        assertArrayEquals(whole, byStep);
    }

    /**
     * A slow state (dt = 1e-3, so |a| = 0.9995) keeps its gain over 20,000 steps of low-passed
     * noise: with {@code a} rounded to float its pole moved by an ulp, which changed its gain by up
     * to 6e-5 (2.5e-5 of the largest output here, in a float32 simulation); stepping by {@code a - 1}
     * keeps both paths within 4e-6 of a double-precision recurrence on the same discretization
     * (8e-7 in that simulation; a constant input would stall the state on its ulps either way).
     */
    @Test
    void aSlowStateKeepsItsGainOverThousandsOfSteps() {
        int n = 8;
        BlockShape shape = new BlockShape(BlockMode.FULL, 1, 1, n, 1);
        MapParams p = new MapParams(new Random(1));
        float[] a = new float[2 * n];
        float[] logDt = new float[n];
        float[] e = new float[n];
        for (int m = 0; m < n; m++) {
            a[2 * m] = (float) Math.log(Math.expm1(0.5)); // Re A = -softplus(raw) = -0.5
            a[2 * m + 1] = (float) (Math.PI * m);
            logDt[m] = (float) Math.log(1e-3);
            e[m] = 1f;
        }
        p.map.put("l.A", a);
        p.map.put("l.log_dt", logDt);
        p.map.put("l.E", e);
        int length = 20_000;
        float[] u = new float[length];
        Random rnd = new Random(2);
        double low = 0;
        for (int t = 0; t < length; t++) {
            low = 0.9 * low + 0.1 * (2 * rnd.nextDouble() - 1);
            u[t] = (float) low;
        }
        // the exact recurrence, in double, of the float discretization the stream starts from
        dev.ssmc.runtime.model.Discretization d = dev.ssmc.runtime.model.Discretization.of(shape,
                RecurrentSsmFrames.localParams(shape, "l", p));
        float[] eHat = d.weights().get("E");
        double[] xr = new double[n];
        double[] xi = new double[n];
        float[] exact = new float[length];
        for (int t = 0; t < length; t++) {
            double y = 0;
            for (int s = 0; s < n; s++) {
                double mag = Math.exp(d.dtARe()[s]);
                double ar = mag * Math.cos(d.dtAIm()[s]);
                double ai = mag * Math.sin(d.dtAIm()[s]);
                double r = ar * xr[s] - ai * xi[s] + u[t];
                xi[s] = ar * xi[s] + ai * xr[s];
                xr[s] = r;
                y += eHat[s] * r;
            }
            exact[t] = (float) y;
        }
        for (boolean vector : VectorSupport.available() ? new boolean[] {true, false} : new boolean[] {false}) {
            RecurrentSsmFrames node = new RecurrentSsmFrames(shape, "l", null, null, p, vector);
            assertClose(vector ? "vector" : "scalar", exact, stream(node, u, new int[] {length}), 4e-6);
        }
    }

    /**
     * A state whose input stops decays to zero and is flushed there, never left subnormal (where a
     * state can stop decaying and every step costs a microcode assist): after an impulse and
     * 600 silent frames (|a| = exp(-0.25)), in calls of 16 frames, the flush every 64 frames has
     * just run and every part of the state is exactly zero, on both paths
     * and over a vector's worth of states and a tail; and the output still equals the model layer's,
     * which flushes nothing.
     */
    @Test
    void aDecayedStateIsFlushedToZero() {
        int n = 40;
        BlockShape shape = new BlockShape(BlockMode.FULL, 1, 1, n, 1);
        MapParams p = new MapParams(new Random(3));
        Ssm ssm = Ssm.of(p, shape, "l", NormKind.NONE, PostactKind.IDENTITY, false);
        float[] a = new float[2 * n];
        float[] logDt = new float[n];
        for (int m = 0; m < n; m++) {
            a[2 * m] = (float) Math.log(Math.expm1(0.5)); // Re A = -0.5
            a[2 * m + 1] = (float) (Math.PI * m);
            logDt[m] = (float) Math.log(0.5);
        }
        p.map.put("l.A", a);
        p.map.put("l.log_dt", logDt);
        int length = 640;
        float[] u = new float[length];
        Random rnd = new Random(4);
        for (int t = 0; t < 40; t++) {
            u[t] = (float) rnd.nextGaussian();
        }
        float[] ref = frames(ssm.layer(p).apply(new Signal(1, 1, length, u)));
        for (boolean vector : VectorSupport.available() ? new boolean[] {true, false} : new boolean[] {false}) {
            RecurrentSsmFrames node = new RecurrentSsmFrames(shape, "l", null, null, p, vector);
            int[] chunks = new int[length / 16];
            java.util.Arrays.fill(chunks, 16);
            assertClose(vector ? "vector" : "scalar", ref, stream(node, u, chunks));
            StateWriter w = new StateWriter();
            node.saveState(w);
            java.nio.ByteBuffer state = java.nio.ByteBuffer.wrap(w.toByteArray());
            assertEquals(0, state.getInt(), "frames since the last flush: 640 is ten times 64");
            for (int part = 0; part < 2; part++) {
                assertEquals(n, state.getInt(), "state length");
                for (int s = 0; s < n; s++) {
                    float v = state.getFloat();
                    assertEquals(0f, v, (vector ? "vector" : "scalar") + " state part " + part + " of state " + s);
                }
            }
        }
    }
}
