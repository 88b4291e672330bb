package dev.ssmc.runtime.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Transcribes a stream of per-frame logits, saying each word as soon as it is certain: when the
 * {@link StreamingDecoder} is sure of it and of the space after it. Since what a decoder is sure
 * of is never taken back, neither is a word said. {@link #finish()} ends the utterance and says
 * the best labelling's remaining words, so the words said in order are always those the decoder
 * gives over the whole utterance: {@link CtcDecoder#greedy} for a {@link #greedy greedy}
 * transcriber, {@link CtcDecoder#beamSearch} with the same width and threshold for a beam one.
 *
 * <p>A greedy transcriber says a word as soon as the best path reaches the space after it. A beam
 * one waits until every prefix the {@link PrefixBeamSearch} keeps agrees on the word and the
 * space, so how soon depends on the pruning: with a width alone, improbable prefixes that
 * nothing displaces are kept and hold words back (possibly to the end); a log threshold drops
 * them (see {@link PrefixBeamSearch}). A threshold of {@code t} nats drops prefixes more than
 * {@code e^t} times less probable than the best ({@code e^8} is about 3000).
 *
 * <p>Feed it a stream's frame-major output ({@link #accept(float[], int, int)}) or any
 * {@link FrameLogits}. Not thread-safe: one per stream.
 */
public final class StreamingTranscriber {
    private final Alphabet alphabet;
    private final StreamingDecoder search;
    /** Labels of the common prefix already turned into {@link #pending} or words. */
    private int seen;
    /** Certain characters after the last word said: the start of a word not yet followed by a space. */
    private final StringBuilder pending = new StringBuilder();
    private final List<String> said = new ArrayList<>();
    private boolean finished;

    /**
     * A transcriber by prefix beam search.
     *
     * @param alphabet the recognizer's classes ({@link Alphabet#classes()} per frame)
     * @param beamWidth the prefixes the search keeps
     * @param logThreshold prefixes less probable than the best by more than this (in nats) are
     *     dropped; {@code +Infinity} for none
     */
    public StreamingTranscriber(Alphabet alphabet, int beamWidth, double logThreshold) {
        this(alphabet, new PrefixBeamSearch(alphabet.classes(), beamWidth, logThreshold));
    }

    /**
     * A transcriber by prefix beam search that says only {@code lexicon}'s words: its words are
     * those of {@link CtcDecoder#beamSearch(FrameLogits, int, double, Lexicon)} over the utterance.
     */
    public static StreamingTranscriber of(Lexicon lexicon, int beamWidth, double logThreshold) {
        Alphabet alphabet = lexicon.alphabet();
        return new StreamingTranscriber(alphabet, new PrefixBeamSearch(alphabet.classes(), beamWidth, logThreshold,
                lexicon));
    }

    /**
     * A transcriber by {@code decoder}, which it resets and then owns.
     *
     * @throws IllegalArgumentException if the decoder's classes are not the alphabet's
     */
    public StreamingTranscriber(Alphabet alphabet, StreamingDecoder decoder) {
        if (decoder.classes() != alphabet.classes()) {
            throw new IllegalArgumentException("a decoder of " + decoder.classes() + " classes for an alphabet of "
                    + alphabet.classes());
        }
        this.alphabet = alphabet;
        this.search = decoder;
        decoder.reset();
    }

    /** A transcriber by greedy decoding: its words are those of {@link CtcDecoder#greedy} over the utterance. */
    public static StreamingTranscriber greedy(Alphabet alphabet) {
        return new StreamingTranscriber(alphabet, new GreedySearch(alphabet.classes()));
    }

    /** {@code frames} frames of {@link Alphabet#classes()} logits each, side by side from {@code offset}. */
    public List<String> accept(float[] logits, int offset, int frames) {
        return accept(FrameLogits.frameMajor(logits, offset, frames, alphabet.classes()));
    }

    /**
     * Decodes more frames of the utterance.
     *
     * @return the words that became certain, in order (usually none)
     * @throws IllegalStateException after {@link #finish()} (until {@link #reset()})
     */
    public List<String> accept(FrameLogits frames) {
        if (finished) {
            throw new IllegalStateException("the utterance has finished; reset() to start another");
        }
        search.advance(frames);
        int[] certain = search.commonPrefixFrom(seen);
        seen += certain.length;
        pending.append(alphabet.decode(certain));
        List<String> words = new ArrayList<>();
        int space;
        while ((space = pending.indexOf(" ")) >= 0) {
            say(pending.substring(0, space), words);
            pending.delete(0, space + 1);
        }
        return words;
    }

    /**
     * Ends the utterance.
     *
     * @return the best labelling's words not yet said
     */
    public List<String> finish() {
        if (finished) {
            throw new IllegalStateException("the utterance has already finished");
        }
        finished = true;
        int[] best = search.bestLabels();
        pending.append(alphabet.decode(Arrays.copyOfRange(best, seen, best.length)));
        List<String> words = new ArrayList<>();
        for (String word : pending.toString().split(" ")) {
            say(word, words);
        }
        pending.setLength(0);
        return words;
    }

    private void say(String word, List<String> words) {
        if (!word.isEmpty()) { // a leading or doubled space separates nothing
            words.add(word);
            said.add(word);
        }
    }

    /** Every word said so far in this utterance, in order. */
    public List<String> words() {
        return List.copyOf(said);
    }

    /** The words said so far, joined by spaces: after {@link #finish()}, the transcript. */
    public String transcript() {
        return String.join(" ", said);
    }

    /** The frames decoded in this utterance. */
    public int frames() {
        return search.frames();
    }

    /** Starts a new utterance. */
    public void reset() {
        search.reset();
        seen = 0;
        pending.setLength(0);
        said.clear();
        finished = false;
    }
}
