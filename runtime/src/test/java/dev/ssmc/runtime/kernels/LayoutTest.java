package dev.ssmc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
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

    /**
     * Transposes big enough to be split between threads (and with sizes that leave vector and tile
     * tails) put every element where a direct evaluation does.
     */
    @Test
    void largeTransposesMoveEveryElement() {
        int[] sz = new int[128];
        sz['p'] = 5;
        sz['q'] = 301;
        sz['r'] = 203;
        java.util.function.IntUnaryOperator size = c -> sz[c];
        float[] x = new float[5 * 301 * 203];
        for (int i = 0; i < x.length; i++) {
            x[i] = i;
        }
        for (String to : new String[] {"prq", "rpq", "qpr", "rqp"}) {
            float[] got = Layout.map("pqr", x, to, size);
            int[] idx = new int[128];
            int o = 0;
            for (idx[to.charAt(0)] = 0; idx[to.charAt(0)] < sz[to.charAt(0)]; idx[to.charAt(0)]++) {
                for (idx[to.charAt(1)] = 0; idx[to.charAt(1)] < sz[to.charAt(1)]; idx[to.charAt(1)]++) {
                    for (idx[to.charAt(2)] = 0; idx[to.charAt(2)] < sz[to.charAt(2)]; idx[to.charAt(2)]++) {
                        float want = (idx['p'] * 301 + idx['q']) * 203 + idx['r'];
                        assertEquals(want, got[o++], to);
                    }
                }
            }
        }
    }

    /** Every permutation, reduction and broadcast of random shapes agrees with an element-by-element reference. */
    @Test
    void mapMatchesADirectEvaluation() {
        Property.forAll(300, longs().between(0, Long.MAX_VALUE), this::mapMatchesADirectEvaluation);
    }

    private void mapMatchesADirectEvaluation(long seed) {
        java.util.Random r = new java.util.Random(seed);
        String letters = "pqrs";
        java.util.List<Character> pool = new java.util.ArrayList<>();
        for (char c : letters.toCharArray()) {
            pool.add(c);
        }
        java.util.Collections.shuffle(pool, r);
        int nf = 1 + r.nextInt(4);
        StringBuilder from = new StringBuilder();
        for (int i = 0; i < nf; i++) {
            from.append(pool.get(i));
        }
        java.util.Collections.shuffle(pool, r);
        StringBuilder to = new StringBuilder();
        for (char c : pool) {
            if (r.nextInt(3) > 0) {
                to.append(c);
            }
        }
        int[] sz = new int[128];
        for (char c : letters.toCharArray()) {
            sz[c] = 1 + r.nextInt(r.nextBoolean() ? 24 : 4); // some letters long enough for the tiled transpose
        }
        for (char c : letters.toCharArray()) {
            while (sz['p'] * sz['q'] * sz['r'] * sz['s'] > 3000 && sz[c] > 1) {
                sz[c] = Math.max(1, sz[c] / 2); // keep the direct reference below quadratic trouble
            }
        }
        java.util.function.IntUnaryOperator size = c -> sz[c];
        float[] x = new float[(int) Layout.count(from.toString(), size)];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(100) - 50;
        }
        float[] got = Layout.map(from.toString(), x, to.toString(), size);
        // reference: for every output index, sum x over the letters `to` lacks
        int[] outIdx = new int[to.length()];
        for (int o = 0; o < got.length; o++) {
            int rem = o;
            for (int i = to.length() - 1; i >= 0; i--) {
                outIdx[i] = rem % sz[to.charAt(i)];
                rem /= sz[to.charAt(i)];
            }
            double want = 0;
            for (int xi = 0; xi < x.length; xi++) {
                int remX = xi;
                boolean match = true;
                for (int i = from.length() - 1; i >= 0; i--) {
                    int v = remX % sz[from.charAt(i)];
                    remX /= sz[from.charAt(i)];
                    int p = to.indexOf(String.valueOf(from.charAt(i)));
                    if (p >= 0 && outIdx[p] != v) {
                        match = false;
                    }
                }
                if (match) {
                    want += x[xi];
                }
            }
            assertEquals(want, got[o], 1e-3, from + " -> " + to + " at " + o);
        }
    }
}
