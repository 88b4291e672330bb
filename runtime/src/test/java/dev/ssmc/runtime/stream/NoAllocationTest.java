package dev.ssmc.runtime.stream;

import static dev.ssmc.runtime.stream.StreamTesting.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.model.ClassifierHead;
import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.nn.ResampleKind;
import dev.ssmc.runtime.stream.StreamTesting.Act;
import dev.ssmc.runtime.stream.StreamTesting.MapParams;
import dev.ssmc.runtime.stream.StreamTesting.Resample;
import dev.ssmc.runtime.stream.StreamTesting.Residual;
import dev.ssmc.runtime.stream.StreamTesting.Spec;
import dev.ssmc.runtime.stream.StreamTesting.Ssm;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After the first call of a chunk size, streaming allocates nothing: the thread's allocated bytes
 * (HotSpot's per-thread counter) do not move over many calls, nor after a reset. The network has
 * every kind of node: SSM layers of all four modes with activations (glu among them), residual
 * blocks, a skip addition around a pooled body, every family of resampling, and the head.
 *
 * <p>The scalar paths are held to exactly zero from the second call on, in whatever mix of
 * interpreted and compiled code the JVM runs them. The Vector API path allocates a vector object
 * per operation until the JIT compiles it (the interpreter cannot do otherwise), so it is held to
 * exactly zero once it is compiled: it gets warm-up rounds until one round allocates nothing, and
 * then must allocate nothing over a long run.
 */
class NoAllocationTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** A network of every node kind, 4 input channels, built with the given SSM path (null: the default). */
    static List<Spec> network(MapParams p, Boolean vector) {
        Ssm dws = Ssm.of(p, new BlockShape(BlockMode.DWS, 4, 16, 8, 1), "dws", NormKind.BATCH, PostactKind.GELU, true);
        Ssm s5 = Ssm.of(p, new BlockShape(BlockMode.S5, 16, 16, 8, 2), "s5", NormKind.RMS, PostactKind.SILU, true);
        Ssm neck = Ssm.of(p, new BlockShape(BlockMode.NECK, 8, 8, 4, 3), "neck", NormKind.BATCH, PostactKind.TANH, true);
        Ssm full = Ssm.of(p, new BlockShape(BlockMode.FULL, 8, 16, 2, 1), "full", NormKind.LAYER_FEATURE,
                PostactKind.GLU, true);
        Ssm last = Ssm.of(p, new BlockShape(BlockMode.DWS, 8, 8, 17, 1), "last", NormKind.NONE, PostactKind.GLU, false);
        if (vector != null) {
            dws = dws.withVector(vector);
            s5 = s5.withVector(vector);
            neck = neck.withVector(vector);
            full = full.withVector(vector);
            last = last.withVector(vector);
        }
        Residual block = Residual.of(p, List.of(s5), NormKind.LAYER_FEATURE, PostactKind.RELU, "block");
        // a U-Net level: down by 2, neck, average by 2, full (glu: 16 -> 8), up by 4 back to 16 channels
        Residual skip = Residual.of(p, List.of(
                Resample.of(p, ResampleKind.DOWNSAMPLING, 2, 16, 8, "down"), neck,
                Resample.of(p, ResampleKind.AVERAGE, 2, 8, 8, "avg"), full,
                Resample.of(p, ResampleKind.UPSAMPLING_WITH_BIAS, 4, 8, 16, "up")), NormKind.NONE, PostactKind.IDENTITY,
                "skip");
        return List.of(dws, block, skip,
                Resample.of(p, ResampleKind.SUBSAMPLING, 2, 16, 16, "sub"),
                Act.of(p, NormKind.RMS, PostactKind.GLU, "act", 16),
                Resample.of(p, ResampleKind.DOWNSHAPING, 2, 8, 16, "shape"),
                Resample.of(p, ResampleKind.UPSHAPING, 2, 16, 8, "unshape"),
                Resample.of(p, ResampleKind.REPEAT, 3, 8, 8, "repeat"),
                Resample.of(p, ResampleKind.DOWNSAMPLING_DW, 3, 8, 8, "dw"),
                last);
    }

    static HeadFrames head(MapParams p, int channels) {
        List<ClassifierHead.Linear> layers = List.of(new ClassifierHead.Linear("h0", channels, 6, PostactKind.GELU),
                new ClassifierHead.Linear("h1", 6, 3, PostactKind.IDENTITY));
        for (ClassifierHead.Linear l : layers) {
            p.random(Params.join(l.key(), "weight"), l.in() * l.out());
            p.random(Params.join(l.key(), "bias"), l.out());
        }
        return new HeadFrames(layers, p);
    }

    /** A stream of one network and head fed in steady chunks from a long input, as a real-time loop would. */
    static final class Loop {
        final FrameChain chain;
        final HeadFrames head;
        final int size;
        final float[] in;
        final float[] out;
        final float[] logits = new float[3];
        int at;
        long frames;

        Loop(Boolean vector, int size) {
            MapParams p = new MapParams(new Random(size));
            this.chain = StreamTesting.chain(network(p, vector), p);
            this.head = head(p, chain.outChannels());
            this.size = size;
            this.in = randn(p.rnd, 4 * 4096);
            this.out = new float[chain.maxOutFrames(size) * chain.outChannels()];
        }

        void calls(int n) {
            for (int i = 0; i < n; i++) {
                if (at + size > 4096) {
                    at = 0;
                }
                int got = chain.process(in, 4 * at, size, out, 0);
                at += size;
                head.accumulate(out, 0, got);
                frames += got;
                if (frames > 0) {
                    head.logits(logits);
                }
            }
        }

        void reset() {
            chain.reset();
            head.reset();
            frames = 0;
        }
    }

    /** Bytes the measurement itself allocates (0 on current HotSpot). */
    private static long overhead() {
        long a = allocated();
        long b = allocated();
        return b - a;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16})
    void scalarPathsAllocateNothingAfterTheFirstCall(int size) {
        Loop loop = new Loop(false, size);
        loop.calls(1);
        long overhead = overhead();
        long before = allocated();
        loop.calls(3000 / size + 50);
        long during = allocated() - before - overhead;
        loop.reset();
        before = allocated();
        loop.calls(500 / size + 20);
        long afterReset = allocated() - before - overhead;
        assertEquals(0, during, "bytes allocated over the calls after the first");
        assertEquals(0, afterReset, "bytes allocated after reset");
    }

    @Test
    void theVectorPathAllocatesNothingOnceCompiled() {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.available(), "the Vector API module is not in this JVM");
        Loop loop = new Loop(true, 4);
        loop.calls(1);
        long overhead = overhead();
        long last = -1;
        int rounds = 0;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (last != 0 && System.nanoTime() < deadline) {
            loop.reset(); // so the reset path is compiled along
            long before = allocated();
            loop.calls(2000);
            last = allocated() - before - overhead;
            rounds++;
        }
        assertEquals(0, last, "still allocating after " + rounds + " warm-up rounds of 2000 calls");
        loop.reset();
        long before = allocated();
        loop.calls(20000);
        assertEquals(0, allocated() - before - overhead, "bytes allocated over 20000 compiled calls, after a reset");
        assertTrue(loop.frames > 0);
    }
}
