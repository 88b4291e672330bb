package dev.ssmc.gentests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.gentests.support.GeneratedClasses;
import dev.ssmc.gentests.support.GeneratedNetwork;
import dev.ssmc.gentests.support.Pools;
import dev.ssmc.gentests.support.RandomValues;
import dev.ssmc.gentests.support.Structure;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Parameter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated classes' API on every fixture: constants that agree with the compiler's IR,
 * {@code of} that refuses tensors that do not fit, a checkpoint round trip, a deterministic
 * {@code init}, live {@code parameters()} that {@code prepare()} takes up, and inputs of the
 * wrong shape refused.
 */
class GeneratedApiTest {
    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> constantsAgreeWithTheIr() {
        return each((s, g) -> {
            assertEquals(s.network().inChannels(), g.inChannels(), "IN_CHANNELS");
            assertEquals(s.shapes().featureChannels(), g.features(), "FEATURES");
            assertEquals(s.shapes().classes(), g.classes(), "CLASSES");
            assertEquals(s.window(), g.window(), "WINDOW");
            List<ParamSpec> ir = s.network().parameters();
            List<Parameter> gen = g.parameterList();
            assertEquals(ir.size(), gen.size(), "PARAMETERS");
            for (int i = 0; i < ir.size(); i++) {
                assertEquals(ir.get(i).key(), gen.get(i).key(), "PARAMETERS key " + i);
                assertArrayEquals(ir.get(i).shape(), gen.get(i).shape(), "shape of " + ir.get(i).key());
                assertEquals(ir.get(i).role().trainable(), gen.get(i).role().trainable(), "trainable " + ir.get(i).key());
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> ofRefusesTensorsThatDoNotFit() {
        return each((s, g) -> {
            Map<String, float[]> w = RandomValues.weights(s.network(), new Random(1));
            String key = w.keySet().iterator().next();
            Map<String, float[]> missing = RandomValues.copy(w);
            missing.remove(key);
            assertMessageNames(key, assertThrows(IllegalArgumentException.class, () -> g.of(missing)));
            Map<String, float[]> wrong = RandomValues.copy(w);
            wrong.put(key, new float[w.get(key).length + 1]);
            assertMessageNames(key, assertThrows(IllegalArgumentException.class, () -> g.of(wrong)));
            Map<String, float[]> extra = RandomValues.copy(w);
            extra.put("no.such.tensor", new float[1]);
            assertMessageNames("no.such.tensor", assertThrows(IllegalArgumentException.class, () -> g.of(extra)));
        });
    }

    @TestFactory
    Stream<DynamicTest> checkpointsRoundTrip() {
        return each((s, g) -> {
            Map<String, float[]> w = RandomValues.weights(s.network(), new Random(2));
            GeneratedNetwork.Instance net = g.of(RandomValues.copy(w));
            Path file = dir.resolve(s.id() + ".safetensors");
            net.save(file);
            GeneratedNetwork.Instance back = g.load(file);
            for (Map.Entry<String, float[]> e : w.entrySet()) {
                assertArrayEquals(e.getValue(), back.parameters().get(e.getKey()), e.getKey());
            }
            Input in = Input.random(s, new Random(3));
            assertArrayEquals(net.forward(in.x, in.batch, in.length).features().x(),
                    back.forward(in.x, in.batch, in.length).features().x(), "outputs after save and load");
        });
    }

    @TestFactory
    Stream<DynamicTest> initIsDeterministicAndRuns() {
        return each((s, g) -> {
            GeneratedNetwork.Instance a = g.init(42);
            GeneratedNetwork.Instance b = g.init(42);
            for (Parameter p : g.parameterList()) {
                assertArrayEquals(a.parameters().get(p.key()), b.parameters().get(p.key()), p.key());
            }
            Input in = Input.random(s, new Random(4));
            Model.Outputs o = a.forward(in.x, in.batch, in.length);
            for (float v : o.features().x()) {
                assertTrue(Float.isFinite(v), "an initialized network computes finite values");
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> prepareTakesUpChangedParameters() {
        return each((s, g) -> {
            Random rnd = new Random(5);
            GeneratedNetwork.Instance net = g.of(RandomValues.weights(s.network(), rnd));
            Map<String, float[]> other = RandomValues.weights(s.network(), rnd);
            // what an optimizer does: change the live arrays in place, then prepare
            for (Map.Entry<String, float[]> e : net.parameters().entrySet()) {
                System.arraycopy(other.get(e.getKey()), 0, e.getValue(), 0, e.getValue().length);
            }
            net.prepare();
            Input in = Input.random(s, rnd);
            assertArrayEquals(g.of(RandomValues.copy(other)).forward(in.x, in.batch, in.length).features().x(),
                    net.forward(in.x, in.batch, in.length).features().x(), "after prepare(), the changed parameters count");
        });
    }

    @TestFactory
    Stream<DynamicTest> inputsOfTheWrongShapeAreRefused() {
        return each((s, g) -> {
            GeneratedNetwork.Instance net = g.of(RandomValues.weights(s.network(), new Random(6)));
            Input in = Input.random(s, new Random(7));
            assertThrows(IllegalArgumentException.class, () -> net.forward(new float[in.x.length + 1], in.batch, in.length),
                    "an input of the wrong size");
            assertThrows(IllegalArgumentException.class, () -> net.forward(in.x, 0, in.length), "batch 0");
            if (g.window() > 1) {
                int bad = g.window() - 1;
                assertThrows(IllegalArgumentException.class,
                        () -> net.forward(new float[in.batch * g.inChannels() * bad], in.batch, bad),
                        "a length shorter than WINDOW");
            }
        });
    }

    private static void assertMessageNames(String key, IllegalArgumentException e) {
        assertTrue(e.getMessage().contains(key), "the error names '" + key + "': " + e.getMessage());
    }

    private record Input(float[] x, int batch, int length) {
        static Input random(Structure s, Random rnd) {
            int batch = 1 + rnd.nextInt(2);
            int length = s.randomLength(rnd, 32);
            return new Input(RandomValues.gaussian(rnd, batch * s.network().inChannels() * length), batch, length);
        }
    }

    private interface Check {
        void run(Structure s, GeneratedNetwork g) throws Exception;
    }

    private static Stream<DynamicTest> each(Check check) {
        return Pools.fixtures().stream().map(s -> DynamicTest.dynamicTest(s.toString(),
                () -> check.run(s, GeneratedClasses.of(s))));
    }
}
