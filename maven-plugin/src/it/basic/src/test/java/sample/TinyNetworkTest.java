package sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sample.nets.TinyNetwork;

/** The class the plugin generated from src/main/ssm/tiny.ssm, used as a program would. */
class TinyNetworkTest {
    static final int BATCH = 3;
    static final int LENGTH = 96;

    static float[] input(long seed) {
        Random r = new Random(seed);
        float[] x = new float[BATCH * TinyNetwork.IN_CHANNELS * LENGTH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    @Test
    void constantsDescribeTheSource() {
        assertEquals(1, TinyNetwork.IN_CHANNELS);
        assertEquals(4, TinyNetwork.FEATURES);
        assertEquals(3, TinyNetwork.CLASSES);
        assertEquals(2, TinyNetwork.WINDOW);
        // full: A, log_dt, E; conv: weight; s5: A, log_dt, B, C; two linear layers: weight and bias
        assertEquals(12, TinyNetwork.PARAMETERS.size());
        assertTrue(TinyNetwork.PARAMETERS.stream().map(Parameter::key).anyMatch("classifier.1.2.weight"::equals),
                TinyNetwork.PARAMETERS.toString());
    }

    @Test
    void forwardGivesFiniteOutputsOfTheDeclaredShapes() {
        Model.Outputs out = TinyNetwork.init(7).forward(input(1), BATCH, LENGTH);
        assertEquals(BATCH, out.features().batch());
        assertEquals(TinyNetwork.FEATURES, out.features().channels());
        assertEquals(LENGTH / TinyNetwork.WINDOW, out.features().length());
        assertArrayEquals(new int[] {BATCH, TinyNetwork.CLASSES}, out.logits().shape());
        assertFinite(out.features().x());
        assertFinite(out.logits().data());
        assertTrue(maxAbs(out.logits().data()) > 0, "the logits are all zero");
    }

    @Test
    void aSeedDeterminesTheNetwork() {
        float[] x = input(2);
        Model.Outputs a = TinyNetwork.init(11).forward(x, BATCH, LENGTH);
        Model.Outputs b = TinyNetwork.init(11).forward(x, BATCH, LENGTH);
        Model.Outputs c = TinyNetwork.init(12).forward(x, BATCH, LENGTH);
        assertArrayEquals(a.features().x(), b.features().x());
        assertArrayEquals(a.logits().data(), b.logits().data());
        assertFalse(Arrays.equals(a.logits().data(), c.logits().data()), "seeds 11 and 12 gave the same logits");
    }

    @Test
    void saveThenLoadGivesTheSameOutputs(@TempDir Path dir) throws Exception {
        TinyNetwork net = TinyNetwork.init(5);
        Path file = dir.resolve("tiny.safetensors");
        net.save(file);
        assertTrue(Files.size(file) > 0);
        TinyNetwork loaded = TinyNetwork.load(file);
        Map<String, float[]> before = net.parameters();
        Map<String, float[]> after = loaded.parameters();
        assertEquals(before.keySet(), after.keySet());
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k));

        float[] x = input(3);
        Model.Outputs a = net.forward(x, BATCH, LENGTH);
        Model.Outputs b = loaded.forward(x, BATCH, LENGTH);
        assertArrayEquals(a.features().x(), b.features().x());
        assertArrayEquals(a.logits().data(), b.logits().data());
    }

    @Test
    void anyLengthFromOneWindowIsTakenAndAShorterOneRefused() {
        TinyNetwork net = TinyNetwork.init(1);
        // the pool drops the incomplete last window, as the reference's strided convolution does
        assertEquals(95 / TinyNetwork.WINDOW, net.forward(new float[BATCH * 95], BATCH, 95).features().length());
        assertThrows(IllegalArgumentException.class, () -> net.forward(new float[BATCH], BATCH, 1));
    }

    static void assertFinite(float[] v) {
        for (int i = 0; i < v.length; i++) {
            assertTrue(Float.isFinite(v[i]), "value " + i + " is " + v[i]);
        }
    }

    static float maxAbs(float[] v) {
        float m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }
}
