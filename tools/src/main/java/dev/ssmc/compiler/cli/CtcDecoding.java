package dev.ssmc.compiler.cli;

import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.train.Alphabet;
import dev.ssmc.runtime.train.CtcDecoder;
import dev.ssmc.runtime.train.FrameLogits;
import dev.ssmc.runtime.train.Lexicon;
import dev.ssmc.runtime.train.StreamingTranscriber;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@code eval} and {@code run} turn a recognizer's per-frame outputs into text, the same way
 * in both so that eval's error rates are those of what run prints: greedy (the best path), or with
 * {@code --beam W} a prefix beam search keeping {@code W} prefixes and dropping those more than
 * {@code e^}{@value #LOG_THRESHOLD} times less probable than the best, without which improbable
 * prefixes that nothing displaces would hold a stream's words back to the end of the utterance
 * (see {@link StreamingTranscriber}). With {@code --lexicon FILE} as well, the search spells only
 * the file's words ({@link Lexicon}).
 *
 * @param beam the beam's width, or 0 for greedy decoding
 * @param lexicon the words the beam search may spell, or null for any
 */
record CtcDecoding(int beam, Lexicon lexicon) {
    /** The beam search's pruning threshold, in nats. */
    static final double LOG_THRESHOLD = 8;

    static final CtcDecoding GREEDY = new CtcDecoding(0, null);

    /**
     * Checks {@code --beam} and {@code --lexicon} before anything is loaded: a width of at least 1,
     * and a lexicon only for a beam search, in a file that can be read.
     */
    static void check(Integer beam, Path lexicon) {
        if (beam != null && beam < 1) {
            throw new UserError("--beam must be at least 1, not " + beam);
        }
        if (lexicon != null) {
            if (beam == null) {
                throw new UserError("--lexicon restricts the beam search: give --beam W too (8 is a good width)");
            }
            UserFiles.input(lexicon, "--lexicon");
        }
    }

    /**
     * The decoding {@code --beam} and {@code --lexicon} ask for ({@link #check}ed), with the
     * lexicon's words spelled in {@code alphabet}: greedy when no beam is given.
     */
    static CtcDecoding of(Integer beam, Path lexicon, Alphabet alphabet) {
        check(beam, lexicon);
        return beam == null ? GREEDY : new CtcDecoding(beam, lexicon == null ? null : readLexicon(lexicon, alphabet));
    }

    /**
     * The words of a lexicon file: every word of every line, or of the text after a line's first
     * tab when it has one, so a {@code transcripts.tsv} (file, tab, words) gives its transcripts'
     * words as they are.
     */
    static Lexicon readLexicon(Path file, Alphabet alphabet) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw UserFiles.failure(file, e);
        }
        List<String> words = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String text = line.substring(line.indexOf('\t') + 1);
            for (String word : Alphabet.normalize(text).split(" ")) {
                if (word.isEmpty()) {
                    continue;
                }
                try {
                    alphabet.encode(word);
                } catch (InvalidInputException e) {
                    throw new UserError(file + ":" + (i + 1) + ": the word \"" + word + "\" cannot be spelled by this"
                            + " recognizer: " + e.getMessage());
                }
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            throw new UserError(file + ": no words in it; a lexicon lists the words the recognizer may say (one or more"
                    + " a line, or a transcripts.tsv)");
        }
        return Lexicon.of(alphabet, words);
    }

    boolean greedy() {
        return beam == 0;
    }

    /** One utterance's labels. */
    int[] decode(FrameLogits logits) {
        return greedy() ? CtcDecoder.greedy(logits)
                : CtcDecoder.beamSearch(logits, beam, LOG_THRESHOLD, lexicon).get(0).labels();
    }

    /** A transcriber of one stream, whose words are those {@link #decode} gives the whole utterance. */
    StreamingTranscriber transcriber(Alphabet alphabet) {
        if (greedy()) {
            return StreamingTranscriber.greedy(alphabet);
        }
        return lexicon == null ? new StreamingTranscriber(alphabet, beam, LOG_THRESHOLD)
                : StreamingTranscriber.of(lexicon, beam, LOG_THRESHOLD);
    }

    /** {@code greedy}, {@code beam W} or {@code beam W, lexicon of N words}. */
    @Override
    public String toString() {
        return greedy() ? "greedy" : "beam " + beam + (lexicon == null ? "" : ", lexicon of " + lexicon.words().size()
                + " words");
    }
}
