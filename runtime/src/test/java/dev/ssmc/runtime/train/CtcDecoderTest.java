package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CtcDecoderTest {
    /** Frame-major logits whose softmax is {@code probabilities} (one row per frame). */
    private static FrameLogits fromProbabilities(double[]... probabilities) {
        int classes = probabilities[0].length;
        float[] logits = new float[probabilities.length * classes];
        for (int t = 0; t < probabilities.length; t++) {
            for (int k = 0; k < classes; k++) {
                logits[t * classes + k] = (float) Math.log(probabilities[t][k]);
            }
        }
        return FrameLogits.frameMajor(logits, 0, probabilities.length, classes);
    }

    @Test
    void greedyMergesRepeatsThenDropsBlanks() {
        // best classes a a _ a b b _ c: "a", a repeat, a blank, "a" again, "b", a repeat, a blank, "c"
        int[] path = {1, 1, 0, 1, 2, 2, 0, 3};
        float[] logits = new float[path.length * 4];
        for (int t = 0; t < path.length; t++) {
            logits[t * 4 + path[t]] = 1;
        }
        FrameLogits x = FrameLogits.frameMajor(logits, 0, path.length, 4);
        assertArrayEquals(new int[] {1, 1, 2, 3}, CtcDecoder.greedy(x));
        assertArrayEquals(new int[0], CtcDecoder.greedy(x.firstFrames(0)));
        // the class-major layout reads the same
        float[] classMajor = new float[logits.length];
        for (int t = 0; t < path.length; t++) {
            for (int k = 0; k < 4; k++) {
                classMajor[k * path.length + t] = logits[t * 4 + k];
            }
        }
        assertArrayEquals(new int[] {1, 1, 2, 3},
                CtcDecoder.greedy(LogitsLayout.CLASSES_BY_FRAMES.item(classMajor, 0, path.length, 4)));
    }

    @Test
    void aWiderBeamFindsTheLabellingTheBestPathMisses() {
        // two frames of blank .4, a .35, b .25: the best path is blank blank ("", .16), but
        // "a" has .35*.35 + 2*.4*.35 = .4025 over its three alignments
        double[] frame = {0.4, 0.35, 0.25};
        FrameLogits x = fromProbabilities(frame, frame);
        assertArrayEquals(new int[0], CtcDecoder.greedy(x));
        assertArrayEquals(new int[0], CtcDecoder.beamSearch(x, 1).get(0).labels(), "width 1 keeps only \"\"");
        PrefixBeamSearch.Hypothesis best = CtcDecoder.beamSearch(x, 2).get(0);
        assertArrayEquals(new int[] {1}, best.labels());
        assertEquals(Math.log(0.4025), best.logProbability(), 1e-7);
        assertEquals(0.4025, CtcCases.bruteForceProbability(x, new int[] {1}), 1e-7);
    }

    /** A tiny case for the brute-force comparisons. */
    record Tiny(int frames, int classes, double scale, long seed) {
    }

    private static final org.quicktheories.core.Gen<Tiny> TINY = in -> new Tiny(integers().between(1, 5).generate(in),
            integers().between(2, 3).generate(in), integers().between(1, 4).generate(in), longs().all().generate(in));

    @Test
    void anUnprunedBeamFindsTheMostProbableLabellingWithItsExactProbability() {
        Property.forAll(200, TINY, c -> {
            FrameLogits x = FrameLogits.frameMajor(Gradients.random(new SplittableRandom(c.seed()),
                    c.frames() * c.classes(), c.scale()), 0, c.frames(), c.classes());
            Map<List<Integer>, Double> exact = CtcCases.labellingProbabilities(x);
            // wider than the number of labellings (at most 2^0 + .. + 2^5 = 63 for 3 classes): nothing is pruned
            List<PrefixBeamSearch.Hypothesis> beam = CtcDecoder.beamSearch(x, 100);
            for (PrefixBeamSearch.Hypothesis h : beam) {
                assertEquals(Math.log(exact.get(boxed(h.labels()))), h.logProbability(), 1e-9, "exact score of " + h);
            }
            List<Map.Entry<List<Integer>, Double>> ranked = exact.entrySet().stream()
                    .sorted(Map.Entry.<List<Integer>, Double>comparingByValue(Comparator.reverseOrder())).toList();
            assumeTrue(ranked.size() == 1 || ranked.get(0).getValue() > ranked.get(1).getValue() * (1 + 1e-9),
                    "a unique most probable labelling");
            assertEquals(ranked.get(0).getKey(), boxed(beam.get(0).labels()));
        });
    }

    @Test
    void aLexiconTurnsANearMissIntoTheWordItKnows() {
        // "siv": the third frame's v (.5) beats x (.4), so the best path misspells; "six" is the only
        // word of the lexicon that starts "si"
        Alphabet letters = Alphabet.of(List.of("six seven"));
        int s = letters.encode("s")[0];
        int i = letters.encode("i")[0];
        int v = letters.encode("v")[0];
        int x = letters.encode("x")[0];
        double[][] frames = new double[4][letters.classes()];
        for (double[] f : frames) {
            Arrays.fill(f, 0.01);
        }
        frames[0][s] = 0.9;
        frames[1][i] = 0.9;
        frames[2][v] = 0.5;
        frames[2][x] = 0.4;
        frames[3][Alphabet.BLANK] = 0.9;
        FrameLogits logits = fromProbabilities(frames);
        assertEquals("siv", letters.decode(CtcDecoder.greedy(logits)));
        assertEquals("siv", letters.decode(CtcDecoder.beamSearch(logits, 8).get(0).labels()));
        Lexicon words = Lexicon.of(letters, List.of("six", "seven"));
        List<PrefixBeamSearch.Hypothesis> constrained = CtcDecoder.beamSearch(logits, 8, Double.POSITIVE_INFINITY, words);
        assertEquals("six", letters.decode(constrained.get(0).labels()));
        for (PrefixBeamSearch.Hypothesis h : constrained) {
            String text = letters.decode(h.labels());
            assertTrue(text.isEmpty() || words.words().containsAll(List.of(text.strip().split(" "))), text);
        }
        assertThrows(IllegalArgumentException.class, () -> new PrefixBeamSearch(letters.classes() + 1, 4, 8, words));
    }

    /** A tiny case with a lexicon over the alphabet " ab" (blank, space, a, b): which words it has. */
    record TinyWords(Tiny logits, int words) {
    }

    private static final List<String> WORDS = List.of("a", "b", "ab", "ba", "aa");

    /** Whether {@code labels} spell words of {@code lexicon}, each followed by one space at most. */
    private static boolean spellsWords(Alphabet letters, List<Integer> labels, Set<String> lexicon) {
        String text = letters.decode(labels.stream().mapToInt(Integer::intValue).toArray());
        if (text.isEmpty()) {
            return true;
        }
        String[] words = (text.endsWith(" ") ? text.substring(0, text.length() - 1) : text).split(" ", -1);
        return Arrays.stream(words).allMatch(lexicon::contains);
    }

    @Test
    void anUnprunedLexiconSearchFindsTheMostProbableLabellingOfItsWords() {
        Alphabet letters = Alphabet.of(List.of("ab"));
        Property.forAll(200, in -> new TinyWords(new Tiny(integers().between(1, 5).generate(in), 4,
                integers().between(1, 4).generate(in), longs().all().generate(in)),
                integers().between(1, (1 << WORDS.size()) - 1).generate(in)), c -> {
            Tiny t = c.logits();
            FrameLogits x = FrameLogits.frameMajor(Gradients.random(new SplittableRandom(t.seed()),
                    t.frames() * t.classes(), t.scale()), 0, t.frames(), t.classes());
            Set<String> chosen = new java.util.TreeSet<>();
            for (int k = 0; k < WORDS.size(); k++) {
                if ((c.words() & 1 << k) != 0) {
                    chosen.add(WORDS.get(k));
                }
            }
            Lexicon lexicon = Lexicon.of(letters, chosen);
            // every labelling that spells the lexicon's words, by brute force over every path
            List<Map.Entry<List<Integer>, Double>> ranked = CtcCases.labellingProbabilities(x).entrySet().stream()
                    .filter(e -> spellsWords(letters, e.getKey(), chosen))
                    .sorted(Map.Entry.<List<Integer>, Double>comparingByValue(Comparator.reverseOrder())).toList();
            List<PrefixBeamSearch.Hypothesis> beam = CtcDecoder.beamSearch(x, 1000, Double.POSITIVE_INFINITY, lexicon);
            for (PrefixBeamSearch.Hypothesis h : beam) {
                assertTrue(spellsWords(letters, boxed(h.labels()), chosen), h::toString);
            }
            assumeTrue(ranked.size() == 1 || ranked.get(0).getValue() > ranked.get(1).getValue() * (1 + 1e-9),
                    "a unique most probable labelling");
            assertEquals(ranked.get(0).getKey(), boxed(beam.get(0).labels()));
            assertEquals(Math.log(ranked.get(0).getValue()), beam.get(0).logProbability(), 1e-9);
        });
    }

    @Test
    void aPrunedBeamScoresALowerBoundAndNeverBeatsTheUnprunedOne() {
        Property.forAll(200, TINY, c -> {
            FrameLogits x = FrameLogits.frameMajor(Gradients.random(new SplittableRandom(c.seed()),
                    c.frames() * c.classes(), c.scale()), 0, c.frames(), c.classes());
            Map<List<Integer>, Double> exact = CtcCases.labellingProbabilities(x);
            PrefixBeamSearch.Hypothesis unpruned = CtcDecoder.beamSearch(x, 100).get(0);
            for (int width = 1; width <= 4; width++) {
                double threshold = width == 4 ? 1.5 : Double.POSITIVE_INFINITY;
                for (PrefixBeamSearch.Hypothesis h : CtcDecoder.beamSearch(x, width, threshold)) {
                    assertTrue(h.logProbability() <= Math.log(exact.get(boxed(h.labels()))) + 1e-9,
                            "a pruned score counts some of the alignments: " + h);
                    assertTrue(h.logProbability() <= unpruned.logProbability() + 1e-9, "width " + width + ": " + h);
                }
            }
        });
    }

    @Test
    void aWiderBeamCanScoreWorse() {
        // Why there is no "wider is never worse" property between two pruned widths: widening the
        // beam changes which prefixes survive, and a prefix can lose mass its narrower search kept
        // (an independent Python implementation of the recursion gives the same numbers).
        float[] logits = {0.6307012f, 0.36340994f, 0.7686491f, -0.8680796f, -0.8371707f, -0.008240097f, -0.7537822f,
            -0.4261773f, -0.90419763f, 0.031039793f, 0.4275416f, -0.9125034f, 0.9954958f, 0.19570434f, 0.17319028f};
        FrameLogits x = FrameLogits.frameMajor(logits, 0, 5, 3);
        PrefixBeamSearch.Hypothesis two = CtcDecoder.beamSearch(x, 2).get(0);
        PrefixBeamSearch.Hypothesis three = CtcDecoder.beamSearch(x, 3).get(0);
        assertArrayEquals(new int[] {2, 1}, two.labels());
        assertArrayEquals(new int[] {2, 1}, three.labels());
        assertEquals(-1.2936323665286804, two.logProbability(), 1e-6);
        assertEquals(-1.4020822454277388, three.logProbability(), 1e-6);
        assertEquals(-1.2530470254905672, CtcDecoder.beamSearch(x, 100).get(0).logProbability(), 1e-6);
    }

    @Test
    void aThresholdDropsPrefixesFarBelowTheBest() {
        // a certain 'a' then a blank, with the other label e^-6 behind on every frame
        FrameLogits x = FrameLogits.frameMajor(new float[] {0, 6, 0, 6, 0, 0}, 0, 2, 3);
        List<PrefixBeamSearch.Hypothesis> all = CtcDecoder.beamSearch(x, 8);
        List<PrefixBeamSearch.Hypothesis> near = CtcDecoder.beamSearch(x, 8, 3);
        assertTrue(all.size() > 3, all.toString());
        assertArrayEquals(all.get(0).labels(), near.get(0).labels());
        for (PrefixBeamSearch.Hypothesis h : near) {
            assertTrue(h.logProbability() >= near.get(0).logProbability() - 3, h.toString());
        }
        assertTrue(near.size() < all.size());
        assertThrows(IllegalArgumentException.class, () -> new PrefixBeamSearch(3, 2, -1));
        assertThrows(IllegalArgumentException.class, () -> new PrefixBeamSearch(3, 2, Double.NaN));
    }

    /** A case where the best path has probability above 1/2. */
    record Confident(int frames, int classes, long seed) {
    }

    @Test
    void widthOneIsGreedyWhenTheBestPathHasMoreThanHalfTheMass() {
        Property.forAll(300, in -> new Confident(integers().between(1, 30).generate(in),
                integers().between(2, 8).generate(in), longs().all().generate(in)), c -> {
            SplittableRandom rnd = new SplittableRandom(c.seed());
            int classes = c.classes();
            float[] logits = Gradients.random(rnd, c.frames() * classes, 2);
            // raise one class per frame until every frame gives it at least 0.5^(1/frames):
            // the product, the best path's probability, is then above 1/2
            double perFrame = Math.pow(0.5, 1.0 / c.frames()) + 1e-6;
            for (int t = 0; t < c.frames(); t++) {
                int k = rnd.nextInt(classes);
                double others = 0;
                for (int j = 0; j < classes; j++) {
                    others += j == k ? 0 : Math.exp(logits[t * classes + j]);
                }
                double needed = Math.log(others * perFrame / (1 - perFrame));
                logits[t * classes + k] = (float) Math.max(logits[t * classes + k], needed + 1e-3 + rnd.nextDouble());
            }
            FrameLogits x = FrameLogits.frameMajor(logits, 0, c.frames(), classes);
            assertArrayEquals(CtcDecoder.greedy(x), CtcDecoder.beamSearch(x, 1).get(0).labels());
        });
    }

    @Test
    void theSearchCanBeFedInPiecesAndReset() {
        SplittableRandom rnd = new SplittableRandom(4);
        float[] logits = Gradients.random(rnd, 40 * 5, 3);
        FrameLogits whole = FrameLogits.frameMajor(logits, 0, 40, 5);
        PrefixBeamSearch search = new PrefixBeamSearch(5, 4);
        search.advance(FrameLogits.frameMajor(logits, 0, 13, 5));
        search.advance(FrameLogits.frameMajor(logits, 13 * 5, 27, 5));
        assertEquals(40, search.frames());
        assertEquals(CtcDecoder.beamSearch(whole, 4), search.hypotheses());
        assertEquals(search.hypotheses().get(0), search.best());
        int[] common = search.commonPrefix();
        for (PrefixBeamSearch.Hypothesis h : search.hypotheses()) {
            assertArrayEquals(common, Arrays.copyOf(h.labels(), common.length), "every hypothesis starts with it");
        }
        assertArrayEquals(Arrays.copyOfRange(common, 2, common.length), search.commonPrefixFrom(2));
        search.reset();
        assertEquals(0, search.frames());
        assertEquals(new PrefixBeamSearch.Hypothesis(new int[0], 0), search.best());
        search.advance(whole);
        assertEquals(CtcDecoder.beamSearch(whole, 4), search.hypotheses());
        assertThrows(IllegalArgumentException.class, () -> search.advance(FrameLogits.frameMajor(logits, 0, 2, 4)));
        assertThrows(IllegalArgumentException.class, () -> new PrefixBeamSearch(5, 0));
    }

    private static List<Integer> boxed(int[] labels) {
        return Arrays.stream(labels).boxed().toList();
    }
}
