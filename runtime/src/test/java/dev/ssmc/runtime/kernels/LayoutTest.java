package dev.ssmc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LayoutTest {
    private static final Map<Character, Integer> SIZES = Map.of('a', 2, 'b', 3, 'c', 4);

    private static int size(int c) {
        return SIZES.get((char) c);
    }

    @Test
    void permutesReducesAndBroadcasts() {
        float[] x = new float[24];
        for (int i = 0; i < x.length; i++) {
            x[i] = i; // x[a][b][c] = 12a + 4b + c
        }
        float[] t = Layout.map("abc", x, "cab", LayoutTest::size);
        assertArrayEquals(new float[] {0, 4, 8}, java.util.Arrays.copyOfRange(t, 0, 3)); // c=0, a=0, b=0..2
        assertArrayEquals(new float[] {12, 16, 20}, java.util.Arrays.copyOfRange(t, 3, 6)); // c=0, a=1
        float[] r = Layout.map("abc", x, "b", LayoutTest::size);
        // sum over a and c of 12a + 4b + c = 2*4*4b + 4*12 + 2*6
        assertArrayEquals(new float[] {60, 92, 124}, r);
        float[] bc = Layout.map("b", new float[] {1, 2, 3}, "bc", LayoutTest::size);
        assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}, bc);
        float[] ca = Layout.map("ac", Layout.map("abc", x, "ac", LayoutTest::size), "ca", LayoutTest::size);
        assertArrayEquals(new float[] {12, 48, 15, 51, 18, 54, 21, 57}, ca);
    }
}
