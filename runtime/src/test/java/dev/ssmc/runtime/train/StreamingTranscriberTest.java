package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StreamingTranscriberTest {
    private static final Alphabet ALPHABET = Alphabet.of(List.of("one two three"));

    /**
     * Frame-major logits that spell {@code text}: each character held for a few frames, maybe
     * blanks after it, its class raised by {@code confidence} over noise of scale 1.
     */
    private static float[] spell(String text, double confidence, SplittableRandom rnd) {
        List<Integer> path = new ArrayList<>();
        int[] labels = ALPHABET.encode(text);
        for (int i = 0; i < labels.length; i++) {
            for (int r = 1 + rnd.nextInt(3); r > 0; r--) {
                path.add(labels[i]);
            }
            boolean doubled = i + 1 < labels.length && labels[i + 1] == labels[i]; // "ee" needs a blank between
            for (int r = rnd.nextInt(3) + (doubled ? 1 : 0); r > 0; r--) {
                path.add(Alphabet.BLANK);
            }
        }
        path.add(Alphabet.BLANK);
        int classes = ALPHABET.classes();
        float[] logits = Gradients.random(rnd, path.size() * classes, 1);
        for (int t = 0; t < path.size(); t++) {
            logits[t * classes + path.get(t)] += (float) confidence;
        }
        return logits;
    }

    private static String text(SplittableRandom rnd) {
        String[] words = {"one", "two", "three", "to", "tee", "on"};
        StringBuilder b = new StringBuilder();
        for (int n = rnd.nextInt(6); n > 0; n--) {
            b.append(words[rnd.nextInt(words.length)]).append(' ');
        }
        return b.toString().strip();
    }

    /** A stream: how sure the network is, how wide the beam, its threshold, and a seed for the words, logits and chunks. */
    record Stream(double confidence, int width, double threshold, long seed) {
    }

    private static final List<Double> THRESHOLDS = List.of(Double.POSITIVE_INFINITY, 1.0, 4.0, 8.0);

    @Test
    void streamingInAnyChunksGivesTheWholeUtterancesTranscript() {
        streamsAsTheWholeUtterance(null);
    }

    @Test
    void aStreamThatSaysOnlyALexiconsWordsGivesTheWholeUtterancesTranscript() {
        // "tee" and "on" of the spoken words are not in it: the search must say something else
        streamsAsTheWholeUtterance(Lexicon.of(ALPHABET, List.of("one", "two", "three", "to")));
    }

    /** Streams spelled utterances in random chunks, by a beam search with {@code lexicon} (or none). */
    private static void streamsAsTheWholeUtterance(Lexicon lexicon) {
        Property.forAll(200, in -> new Stream(integers().between(0, 8).generate(in) * 0.5,
                integers().between(1, 6).generate(in), THRESHOLDS.get(integers().between(0, 3).generate(in)),
                longs().all().generate(in)), s -> {
            SplittableRandom rnd = new SplittableRandom(s.seed());
            float[] logits = spell(text(rnd), s.confidence(), rnd);
            int classes = ALPHABET.classes();
            int frames = logits.length / classes;
            PrefixBeamSearch.Hypothesis whole = CtcDecoder.beamSearch(
                    FrameLogits.frameMajor(logits, 0, frames, classes), s.width(), s.threshold(), lexicon).get(0);
            StreamingTranscriber streaming = lexicon == null ? new StreamingTranscriber(ALPHABET, s.width(), s.threshold())
                    : StreamingTranscriber.of(lexicon, s.width(), s.threshold());
            List<String> words = new ArrayList<>();
            for (int t = 0; t < frames; ) {
                int chunk = Math.min(frames - t, rnd.nextBoolean() ? 1 : 1 + rnd.nextInt(8));
                words.addAll(streaming.accept(logits, t * classes, chunk));
                t += chunk;
            }
            words.addAll(streaming.finish());
            String expected = Alphabet.normalize(ALPHABET.decode(whole.labels()));
            assertEquals(expected, String.join(" ", words));
            assertEquals(expected, streaming.transcript());
            assertEquals(words, streaming.words());
            assertEquals(frames, streaming.frames());
            if (lexicon != null) {
                assertTrue(lexicon.words().containsAll(words), words::toString);
            }
        });
    }

    private static List<String> wordsOf(String text) {
        String normal = Alphabet.normalize(text);
        return normal.isEmpty() ? List.of() : List.of(normal.split(" "));
    }

    /** A greedy stream: how sure the network is, and a seed for the words, logits and chunks. */
    record GreedyStream(double confidence, long seed) {
    }

    @Test
    void greedyStreamingInAnyChunksGivesTheWholeUtterancesGreedyTranscript() {
        Property.forAll(200, in -> new GreedyStream(integers().between(0, 8).generate(in) * 0.5,
                longs().all().generate(in)), s -> {
            SplittableRandom rnd = new SplittableRandom(s.seed());
            float[] logits = spell(text(rnd), s.confidence(), rnd);
            int classes = ALPHABET.classes();
            int frames = logits.length / classes;
            String expected = Alphabet.normalize(ALPHABET.decode(
                    CtcDecoder.greedy(FrameLogits.frameMajor(logits, 0, frames, classes))));
            StreamingTranscriber streaming = StreamingTranscriber.greedy(ALPHABET);
            List<String> words = new ArrayList<>();
            for (int t = 0; t < frames; ) {
                int chunk = Math.min(frames - t, rnd.nextBoolean() ? 1 : 1 + rnd.nextInt(8));
                List<String> said = streaming.accept(logits, t * classes, chunk);
                t += chunk;
                words.addAll(said);
                // the words said so far are those the best path so far has a space after, no more
                String sofar = ALPHABET.decode(CtcDecoder.greedy(FrameLogits.frameMajor(logits, 0, t, classes)));
                assertEquals(wordsOf(sofar.substring(0, Math.max(0, sofar.lastIndexOf(' ')))), words, sofar);
            }
            words.addAll(streaming.finish());
            assertEquals(expected, String.join(" ", words));
            assertEquals(expected, streaming.transcript());
            assertEquals(frames, streaming.frames());
        });
    }

    @Test
    void aGreedyTranscriberStartsAfreshAfterReset() {
        float[] t = new float[ALPHABET.classes()];
        t[ALPHABET.encode("t")[0]] = 5;
        StreamingTranscriber streaming = StreamingTranscriber.greedy(ALPHABET);
        assertEquals(List.of(), streaming.accept(t, 0, 1), "no space yet");
        assertEquals(List.of("t"), streaming.finish());
        streaming.reset();
        // the last frame of the utterance before does not merge with the first of this one
        streaming.accept(t, 0, 1);
        assertEquals(List.of("t"), streaming.finish());
        assertThrows(IllegalArgumentException.class,
                () -> new StreamingTranscriber(ALPHABET, new GreedySearch(ALPHABET.classes() + 1)));
    }

    @Test
    void aConfidentStreamSaysEachWordBeforeTheUtteranceEnds() {
        SplittableRandom rnd = new SplittableRandom(2);
        float[] logits = spell("one two three", 12, rnd);
        int classes = ALPHABET.classes();
        int frames = logits.length / classes;
        // by width alone, prefixes with an early insertion (e^-10 or so as probable as the best)
        // stay in the beam, as nothing displaces them, and hold "two" back until the end
        StreamingTranscriber widthAlone = new StreamingTranscriber(ALPHABET, 4, Double.POSITIVE_INFINITY);
        assertEquals(List.of("one"), widthAlone.accept(logits, 0, frames));
        assertEquals(List.of("two", "three"), widthAlone.finish());
        StreamingTranscriber streaming = new StreamingTranscriber(ALPHABET, 4, 8);
        List<String> said = new ArrayList<>();
        List<Integer> when = new ArrayList<>();
        for (int t = 0; t < frames; t++) {
            for (String word : streaming.accept(logits, t * classes, 1)) {
                said.add(word);
                when.add(t);
            }
        }
        assertEquals(List.of("one", "two"), said, "each said once the space after it is certain");
        assertTrue(when.get(0) < when.get(1));
        assertEquals(List.of("three"), streaming.finish(), "the last word waits for the end");
        assertEquals("one two three", streaming.transcript());
    }

    @Test
    void anUtteranceEndsOnceAndResetStartsAnother() {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] logits = spell("two", 10, rnd);
        int frames = logits.length / ALPHABET.classes();
        StreamingTranscriber streaming = new StreamingTranscriber(ALPHABET, 2, 8);
        streaming.accept(logits, 0, frames);
        assertEquals(List.of("two"), streaming.finish());
        assertThrows(IllegalStateException.class, streaming::finish);
        assertThrows(IllegalStateException.class, () -> streaming.accept(logits, 0, 1));
        streaming.reset();
        assertEquals("", streaming.transcript());
        assertEquals(0, streaming.frames());
        assertEquals(List.of(), streaming.finish(), "no frames, no words");
        streaming.reset();
        streaming.accept(logits, 0, frames);
        assertEquals(List.of("two"), streaming.finish());
        assertEquals(Arrays.asList("two"), streaming.words());
    }
}
