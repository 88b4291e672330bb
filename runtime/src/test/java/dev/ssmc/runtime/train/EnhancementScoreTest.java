package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EnhancementScoreTest {
    private static final int N = 1600;

    /**
     * Two hand-made pairs whose SI-SNRs follow from orthogonality: speech {@code s} plus
     * {@code k c}, with {@code c} orthogonal to {@code s} and as loud, is at
     * {@code -20 log10 k} dB. Pair a goes from 6.02 dB (k = 0.5) to 20 dB (k = 0.1), pair b
     * from 20 dB to 13.98 dB (k = 0.2, made worse).
     */
    @Test
    void twoPairsPrintTheDocumentedLinesAndTheRightNumbers() {
        float[] s = wave(Math::sin);
        float[] c = wave(Math::cos);
        List<NoisyPair> pairs = List.of(new NoisyPair("a.wav", plus(s, 0.5f, c), s),
                new NoisyPair("b.wav", plus(s, 0.1f, c), s));
        EnhancementScore score = EnhancementScore.of(pairs, List.of(plus(s, 0.1f, c), plus(s, 0.2f, c)));

        double half = -20 * Math.log10(0.5);
        double fifth = -20 * Math.log10(0.2);
        assertEquals(half, score.items().get(0).inputSiSnr(), 1e-4);
        assertEquals(20, score.items().get(0).outputSiSnr(), 1e-4);
        assertEquals(20 - half, score.items().get(0).improvement(), 1e-4);
        assertEquals(fifth - 20, score.items().get(1).improvement(), 1e-4);
        assertEquals((half + 20) / 2, score.meanInput(), 1e-4);
        assertEquals((20 + fifth) / 2, score.meanOutput(), 1e-4);
        assertEquals((20 - half + fifth - 20) / 2, score.meanImprovement(), 1e-4);

        assertEquals("si_snri=3.98 dB over 2 items", score.summary());
        assertEquals("""
                a.wav  input    6.02 dB  output   20.00 dB  improvement  +13.98 dB
                b.wav  input   20.00 dB  output   13.98 dB  improvement   -6.02 dB
                mean   input   13.01 dB  output   16.99 dB  improvement   +3.98 dB
                si_snri=3.98 dB over 2 items
                """, score.format());
        List<String> lines = score.format().lines().toList();
        assertEquals(score.summary(), lines.get(lines.size() - 1), "the summary is the last line");
    }

    @Test
    void outputsMustMatchTheirPairs() {
        NoisyPair pair = new NoisyPair("x.wav", new float[] {1, 2, 3}, new float[] {1, 2, 4});
        IllegalArgumentException shorter =
                assertThrows(IllegalArgumentException.class, () -> EnhancementScore.score(pair, new float[2]));
        assertEquals("x.wav: the output has 2 samples but the pair 3 (trim or pad the output to the input's length)",
                shorter.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EnhancementScore.of(List.of(pair), List.of()));
        assertThrows(IllegalArgumentException.class, () -> EnhancementScore.of(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new NoisyPair("y.wav", new float[2], new float[3]));
    }

    /** Ten periods of {@code f} over {@link #N} samples: sine and cosine are exactly orthogonal there. */
    private static float[] wave(java.util.function.DoubleUnaryOperator f) {
        float[] x = new float[N];
        for (int t = 0; t < N; t++) {
            x[t] = (float) f.applyAsDouble(2 * Math.PI * 10 * t / N);
        }
        return x;
    }

    private static float[] plus(float[] s, float k, float[] c) {
        float[] y = new float[s.length];
        for (int t = 0; t < y.length; t++) {
            y[t] = s[t] + k * c[t];
        }
        return y;
    }
}
