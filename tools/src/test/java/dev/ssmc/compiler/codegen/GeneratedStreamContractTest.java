package dev.ssmc.compiler.codegen;

import static dev.ssmc.compiler.codegen.GeneratedStreamTest.append;
import static dev.ssmc.compiler.codegen.GeneratedStreamTest.assertClose;
import static dev.ssmc.compiler.codegen.GeneratedStreamTest.example;
import static dev.ssmc.compiler.codegen.GeneratedStreamTest.features;
import static dev.ssmc.compiler.codegen.GeneratedStreamTest.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.codegen.GeneratedStreamTest.Compiled;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.stream.NetworkStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rest of the generated stream's contract, on both examples: no allocation once a call size
 * was seen (the scalar path from the second call, the vector path once compiled), one network
 * shared by threads each with its own stream, the argument checks' messages, the scalar path
 * chosen at start-up when the JVM has no Vector API module or is told not to use it, and the
 * generated source itself (deterministic, the plan in comments).
 */
class GeneratedStreamContractTest {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private static Compiled kws;
    private static Compiled denoiser;

    @BeforeAll
    static void compile() throws IOException {
        kws = Compiled.of(example("kws/kws.ssm"), 3);
        denoiser = Compiled.of(example("denoise/denoise.ssm"), 4);
    }

    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    /** Bytes the measurement itself allocates (0 on current HotSpot). */
    private static long overhead() {
        long a = allocated();
        long b = allocated();
        return b - a;
    }

    /** A real-time loop: one stream fed steady calls of {@code frames} frames from a long input, as {@code process} is used. */
    private static final class Loop {
        final NetworkStream stream;
        final int len;
        final float[] in;
        final float[] out;
        int at;
        long written;

        Loop(Compiled c, boolean vector, int frames) {
            this.stream = c.streams().newStream(vector);
            this.len = frames * stream.inChannels();
            this.in = randn(new Random(frames), 8192 * stream.inChannels());
            this.out = new float[stream.maxOutput(len)];
        }

        void calls(int n) {
            for (int i = 0; i < n; i++) {
                if (at + len > in.length) {
                    at = 0;
                }
                written += stream.process(in, at, len, out);
                at += len;
            }
        }
    }

    private static Compiled network(String name) {
        return name.equals("kws") ? kws : denoiser;
    }

    @ParameterizedTest
    @CsvSource({"kws, 1", "kws, 64", "denoiser, 1", "denoiser, 64"})
    void theScalarPathAllocatesNothingAfterTheFirstCall(String name, int frames) {
        Loop loop = new Loop(network(name), false, frames);
        loop.calls(1);
        long overhead = overhead();
        long before = allocated();
        loop.calls(20000 / frames + 50);
        long during = allocated() - before - overhead;
        loop.stream.reset();
        before = allocated();
        loop.calls(2000 / frames + 20);
        long afterReset = allocated() - before - overhead;
        assertEquals(0, during, "bytes allocated over the calls after the first");
        assertEquals(0, afterReset, "bytes allocated after a reset");
        assertTrue(loop.written > 0);
    }

    @ParameterizedTest
    @CsvSource({"kws, 1", "kws, 64", "denoiser, 1", "denoiser, 64"})
    void theVectorPathAllocatesNothingOnceCompiled(String name, int frames) {
        org.junit.jupiter.api.Assumptions.assumeTrue(VectorSupport.available(), "the Vector API module is not in this JVM");
        Loop loop = new Loop(network(name), true, frames);
        loop.calls(1);
        long overhead = overhead();
        int calls = 40000 / frames + 50;
        long last = -1;
        int rounds = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (last != 0 && System.nanoTime() < deadline) {
            loop.stream.reset(); // so the reset path is compiled along
            long before = allocated();
            loop.calls(calls);
            last = allocated() - before - overhead;
            rounds++;
        }
        assertEquals(0, last, "still allocating after " + rounds + " warm-up rounds of " + calls + " calls");
        loop.stream.reset();
        long before = allocated();
        loop.calls(5 * calls);
        assertEquals(0, allocated() - before - overhead, "bytes allocated over " + 5 * calls + " compiled calls");
    }

    @Test
    void reserveMakesEvenTheFirstCallAllocationFree() {
        NetworkStream s = denoiser.streams().newStream(false);
        s.reserve(64);
        float[] in = randn(new Random(1), 64);
        float[] out = new float[s.maxOutput(64)];
        long overhead = overhead();
        long before = allocated();
        s.process(in, 0, 64, out);
        s.process(in, 0, 17, out);
        assertEquals(0, allocated() - before - overhead);
    }

    /**
     * A whole input through {@code process} in steady calls: the output frames concatenated, or for
     * a classifier the logits after the last call.
     */
    private static float[] run(NetworkStream s, float[] in, int frames) {
        int cin = s.inChannels();
        float[] out = new float[s.maxOutput(frames * cin)];
        float[] all = new float[0];
        for (int at = 0; at < in.length; at += frames * cin) {
            int len = Math.min(frames * cin, in.length - at);
            int n = s.process(in, at, len, out);
            if (s.classes() > 0) {
                all = Arrays.copyOf(out, n);
            } else {
                all = append(all, out, n);
            }
        }
        return all;
    }

    @Test
    void oneNetworkServesManyThreadsEachWithItsOwnStream() throws Exception {
        int threads = 4;
        int[] sizes = {1, 7, 64, 128};
        for (Compiled c : List.of(kws, denoiser)) {
            float[][] inputs = new float[threads][];
            float[][] expected = new float[threads][];
            for (int t = 0; t < threads; t++) {
                inputs[t] = randn(new Random(100 + t), 128 * 12);
                expected[t] = run(c.streams().newStream(), inputs[t], sizes[t]);
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<float[]>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int i = t;
                    results.add(pool.submit(() -> {
                        NetworkStream s = c.streams().newStream(); // made concurrently too
                        start.await();
                        float[] first = run(s, inputs[i], sizes[i]);
                        s.reset();
                        float[] again = run(s, inputs[i], sizes[(i + 1) % threads]);
                        assertClose("thread " + i + " after a reset, other calls", first, again);
                        return first;
                    }));
                }
                for (int t = 0; t < threads; t++) {
                    assertClose(c.network().name() + " thread " + t, expected[t], results.get(t).get(120, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void badArgumentsAreRejectedWithMessages() {
        Frontend.Compilation comp = Frontend.compile("two.ssm", """
                network Two {
                  input a: 2 channels
                  s5(states 2) to 3 -> downsample average 2
                  head mean -> linear 4
                }
                """);
        assertTrue(comp.ok(), comp.render());
        NetworkStream s = Compiled.of(comp.networks().get(0).network(), 1).streams().newStream();
        assertEquals(2, s.inChannels());
        assertEquals(3, s.featureChannels());
        assertEquals(4, s.classes());
        float[] in = new float[10];
        float[] out = new float[4];
        assertEquals("off -1 and len 4 do not fit an input array of 10 floats",
                assertThrows(IllegalArgumentException.class, () -> s.process(in, -1, 4, out)).getMessage());
        assertEquals("off 8 and len 4 do not fit an input array of 10 floats",
                assertThrows(IllegalArgumentException.class, () -> s.process(in, 8, 4, out)).getMessage());
        assertEquals("off 0 and len -2 do not fit an input array of 10 floats",
                assertThrows(IllegalArgumentException.class, () -> s.process(in, 0, -2, out)).getMessage());
        assertEquals("len 3 is not a multiple of the 2 input channels (a call takes whole frames, frame-major)",
                assertThrows(IllegalArgumentException.class, () -> s.process(in, 0, 3, out)).getMessage());
        assertEquals("out has 3 floats, but a call of len 4 may write 4 (maxOutput(4))",
                assertThrows(IllegalArgumentException.class, () -> s.process(in, 0, 4, new float[3])).getMessage());
        assertEquals(6, s.maxFeatures(8)); // 4 frames in, 2 pooled frames of 3 channels out at most
        assertEquals("features has 5 floats, but a call of len 8 may write 6 (maxFeatures(8))",
                assertThrows(IllegalArgumentException.class, () -> s.processFeatures(in, 0, 8, new float[5])).getMessage());
        assertEquals("len must not be negative, got -1",
                assertThrows(IllegalArgumentException.class, () -> s.maxOutput(-1)).getMessage());
        assertEquals("len 5 is not a multiple of the 2 input channels (a call takes whole frames, frame-major)",
                assertThrows(IllegalArgumentException.class, () -> s.maxFeatures(5)).getMessage());
        assertEquals("in", assertThrows(NullPointerException.class, () -> s.process(null, 0, 0, out)).getMessage());
        // nothing was consumed by the rejected calls: the stream still starts from frame 0
        assertEquals(0, s.process(in, 0, 2, out), "one frame: no pooled frame yet");
        assertEquals(4, s.process(in, 2, 2, out), "the second frame completes the first feature frame");
        assertEquals("out has 3 floats, the logits are 4",
                assertThrows(IllegalArgumentException.class, () -> s.logits(new float[3])).getMessage());
        // without a head, out must hold the frames a call may complete
        Frontend.Compilation seq = Frontend.compile("seq.ssm", "network Seq {\n input a: 1 channel\n s5(states 2) to 3\n}\n");
        NetworkStream t = Compiled.of(seq.networks().get(0).network(), 1).streams().newStream();
        assertEquals(15, t.maxOutput(5));
        assertEquals("out has 14 floats, but a call of len 5 may write 15 (maxOutput(5))",
                assertThrows(IllegalArgumentException.class, () -> t.process(new float[5], 0, 5, new float[14])).getMessage());
        assertEquals(0, t.classes());
        assertEquals(0, t.logits(new float[0]));
    }

    /** Compiles the network's generated class to class files in {@code dir}; its class name. */
    private static String compileToDisk(Network net, Path dir) throws IOException {
        String pkg = "probe";
        String source = NetworkGenerator.generate(net, pkg, Profile.defaults(), "probe.ssm").toString();
        String name = NetworkGenerator.className(net.name());
        Path file = dir.resolve(name + ".java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", dir.toString(), "-classpath", System.getProperty("java.class.path"),
                "--add-modules", "jdk.incubator.vector", "-proc:none", "-nowarn", "-Xlint:none", file.toString());
        assertEquals(0, status, "javac");
        return pkg + "." + name;
    }

    private static List<String> probe(Path dir, String className, long seed, int frames, String... jvmFlags)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmFlags));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StreamProbe.class.getName(), dir.toString(),
                className, Long.toString(seed), Integer.toString(frames)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe JVM did not finish");
        assertEquals(0, p.exitValue(), output);
        return output.lines().filter(l -> !l.startsWith("WARNING")).toList();
    }

    @Test
    void theScalarPathIsChosenAtStartUpWithoutTheVectorModule(@TempDir Path dir) throws Exception {
        String className = compileToDisk(kws.network(), dir);
        long seed = 5;
        int frames = 128 * 3;
        // the expected output: the in-process scalar path of the same class, initialized from the same seed
        Class<?> type = InMemoryCompiler.networkClass(kws.network(), Profile.defaults(), "probe.ssm");
        NetworkStream s = ((dev.ssmc.runtime.stream.StreamingNetwork) type.getMethod("init", long.class).invoke(null, seed))
                .newStream(false);
        int[] calls = new int[(frames + 6) / 7];
        Arrays.fill(calls, 7);
        calls[calls.length - 1] = frames - 7 * (calls.length - 1);
        float[] expected = features(s, StreamProbe.input(seed, frames), calls);
        for (String[] flags : List.of(new String[0], new String[] {"--add-modules", "jdk.incubator.vector", "-Dssmc.vector=false"})) {
            List<String> lines = probe(dir, className, seed, frames, flags);
            String how = flags.length == 0 ? "without the module" : "with -Dssmc.vector=false";
            assertEquals("vector false", lines.get(0), how);
            assertEquals("lanes false", lines.get(1), how + ": no Vector API class was loaded");
            String[] values = lines.get(2).substring("out ".length()).split(" ");
            float[] got = new float[values.length];
            for (int i = 0; i < got.length; i++) {
                got[i] = Float.parseFloat(values[i]);
            }
            assertClose(how, expected, got);
        }
        if (VectorSupport.available()) {
            List<String> lines = probe(dir, className, seed, frames, "--add-modules", "jdk.incubator.vector");
            assertEquals(List.of("vector true", "lanes true"), lines.subList(0, 2));
        }
    }

    @Test
    void theGeneratedSourceIsDeterministicAndStatesItsPlans() throws IOException {
        Network net = kws.network();
        String a = NetworkGenerator.generate(net, "p", Profile.defaults(), "kws.ssm").toString();
        String b = NetworkGenerator.generate(example("kws/kws.ssm"), "p", Profile.defaults(), "kws.ssm").toString();
        assertEquals(a, b);
        assertTrue(a.contains("public static final class Stream extends ChainStream"), "the Stream class");
        assertTrue(a.contains("public Stream newStream()"), "newStream()");
        // the s5 block runs its STREAM_STEP plan: Bhat u first, then the update, then C x
        assertTrue(a.contains("// scan (((u B) * V') C)"), "the s5 step's plan");
        assertTrue(a.contains("// scan ((((u B) * V') E) C)"), "the neck step's plan");
        // sizes are constants, the vector path is a nested class of its own
        assertTrue(a.contains("private static final int STATES = 64;"), "constants");
        assertTrue(a.contains("private static final class Lanes"), "the Vector API path");
        assertFalse(a.contains("\t"), "indented with spaces");
    }
}
