package dev.ssmc.compiler.cli;

import dev.ssmc.runtime.train.Alphabet;
import dev.ssmc.runtime.train.CtcDecoder;
import dev.ssmc.runtime.train.FrameLogits;
import dev.ssmc.runtime.train.StreamingTranscriber;

/**
 * How {@code eval} and {@code run} turn a recognizer's per-frame outputs into text, the same way
 * in both so that eval's error rates are those of what run prints: greedy (the best path), or with
 * {@code --beam W} a prefix beam search keeping {@code W} prefixes and dropping those more than
 * {@code e^}{@value #LOG_THRESHOLD} times less probable than the best, without which improbable
 * prefixes that nothing displaces would hold a stream's words back to the end of the utterance
 * (see {@link StreamingTranscriber}).
 *
 * @param beam the beam's width, or 0 for greedy decoding
 */
record CtcDecoding(int beam) {
    /** The beam search's pruning threshold, in nats. */
    static final double LOG_THRESHOLD = 8;

    static final CtcDecoding GREEDY = new CtcDecoding(0);

    /** The decoding {@code --beam} asks for: greedy when it is not given. */
    static CtcDecoding of(Integer beam) {
        if (beam == null) {
            return GREEDY;
        }
        if (beam < 1) {
            throw new UserError("--beam must be at least 1, not " + beam);
        }
        return new CtcDecoding(beam);
    }

    boolean greedy() {
        return beam == 0;
    }

    /** One utterance's labels. */
    int[] decode(FrameLogits logits) {
        return greedy() ? CtcDecoder.greedy(logits)
                : CtcDecoder.beamSearch(logits, beam, LOG_THRESHOLD).get(0).labels();
    }

    /** A transcriber of one stream, whose words are those {@link #decode} gives the whole utterance. */
    StreamingTranscriber transcriber(Alphabet alphabet) {
        return greedy() ? StreamingTranscriber.greedy(alphabet) : new StreamingTranscriber(alphabet, beam, LOG_THRESHOLD);
    }

    /** {@code greedy} or {@code beam W}. */
    @Override
    public String toString() {
        return greedy() ? "greedy" : "beam " + beam;
    }
}
