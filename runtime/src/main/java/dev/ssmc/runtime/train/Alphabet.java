package dev.ssmc.runtime.train;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The output symbols of a speech recognizer that spells: class {@value #BLANK} is CTC's blank,
 * and classes 1, 2, ... are characters, a space first (words are separated by it), then every
 * other character in code point order (so an apostrophe comes before the letters).
 *
 * <p>An alphabet is made from training transcripts ({@link #of(Iterable)}): the space and every
 * character they use, which must be letters or apostrophes. Nothing in it is specific to a
 * vocabulary, so a recognizer trained on digits spells "oh" and "seven" like any other word.
 * {@link #symbols()} and {@link #fromSymbols(String)} store and restore it (with a trained network,
 * whose output classes it names).
 *
 * <p>Text is {@link #normalize normalized} before it is encoded: lower case, surrounding
 * whitespace removed, every run of whitespace one space. Instances are immutable.
 */
public final class Alphabet {
    /** The class of CTC's blank symbol. */
    public static final int BLANK = 0;
    /** The apostrophe, the one character besides letters and the space that transcripts may use. */
    public static final char APOSTROPHE = '\'';

    private final String symbols;

    private Alphabet(String symbols) {
        this.symbols = symbols;
    }

    /**
     * The alphabet of these transcripts: the space, then every character they use (after
     * {@link #normalize}) in code point order.
     *
     * @throws InvalidInputException if a transcript uses a character that is not a letter, an
     *     apostrophe or whitespace; the message names the transcript and the character
     */
    public static Alphabet of(Iterable<String> transcripts) {
        TreeSet<Character> seen = new TreeSet<>();
        seen.add(' ');
        for (String transcript : transcripts) {
            String text = requireSpellable(transcript);
            for (int i = 0; i < text.length(); i++) {
                seen.add(text.charAt(i));
            }
        }
        StringBuilder b = new StringBuilder();
        seen.forEach(b::append);
        return new Alphabet(b.toString());
    }

    /**
     * {@code transcript} {@link #normalize normalized}, if it uses only letters, apostrophes and
     * whitespace: what any alphabet made by {@link #of} can be asked to spell.
     *
     * @throws InvalidInputException naming the first other character and its column
     */
    public static String requireSpellable(String transcript) {
        String text = normalize(transcript);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!isSpellable(c)) {
                throw new InvalidInputException(describe(c) + " at column " + (i + 1) + " of \"" + text
                        + "\" is not a letter, an apostrophe or a space (spell numbers and symbols out in words)");
            }
        }
        return text;
    }

    /**
     * The alphabet whose classes 1, 2, ... are the characters of {@code symbols} (as
     * {@link #symbols()} gave them).
     *
     * @throws InvalidInputException if {@code symbols} does not start with a space, repeats a
     *     character, or has one that is not a letter or an apostrophe
     */
    public static Alphabet fromSymbols(String symbols) {
        if (symbols.isEmpty() || symbols.charAt(0) != ' ') {
            throw new InvalidInputException("an alphabet's symbols start with the space, not \"" + symbols + "\"");
        }
        for (int i = 0; i < symbols.length(); i++) {
            char c = symbols.charAt(i);
            if (i > 0 && (c == ' ' || !isSpellable(c))) {
                throw new InvalidInputException(describe(c) + " in \"" + symbols
                        + "\" is not a letter or an apostrophe");
            }
            if (symbols.indexOf(c) != i) {
                throw new InvalidInputException(describe(c) + " is twice in \"" + symbols + "\"");
            }
        }
        return new Alphabet(symbols);
    }

    /** Lower case, no surrounding whitespace, every run of whitespace one space. */
    public static String normalize(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }

    private static boolean isSpellable(char c) {
        return c == ' ' || c == APOSTROPHE || Character.isLetter(c);
    }

    private static String describe(char c) {
        return String.format(Locale.ROOT, "character '%c' (U+%04X)", c, (int) c);
    }

    /** The characters of classes 1, 2, ..., in class order (the blank, class 0, has none). */
    public String symbols() {
        return symbols;
    }

    /** The number of classes, the blank included: what a recognizer's output layer must have. */
    public int classes() {
        return symbols.length() + 1;
    }

    /** The class of the space. */
    public int space() {
        return 1;
    }

    /** The character of class {@code label} (not the blank). */
    public char symbol(int label) {
        if (label <= BLANK || label >= classes()) {
            throw new IllegalArgumentException("label " + label + " is not a character of this alphabet (1.."
                    + (classes() - 1) + "; 0 is the blank)");
        }
        return symbols.charAt(label - 1);
    }

    /**
     * The labels that spell {@code text} after {@link #normalize}: an empty array for an empty
     * transcript.
     *
     * @throws InvalidInputException if the text uses a character outside the alphabet; the
     *     message names it, its column and the alphabet
     */
    public int[] encode(String text) {
        String normal = normalize(text);
        int[] labels = new int[normal.length()];
        for (int i = 0; i < labels.length; i++) {
            int k = symbols.indexOf(normal.charAt(i));
            if (k < 0) {
                throw new InvalidInputException(describe(normal.charAt(i)) + " at column " + (i + 1) + " of \""
                        + normal + "\" is not in the alphabet \"" + symbols + "\"");
            }
            labels[i] = k + 1;
        }
        return labels;
    }

    /** The text {@code labels} spell; they must not contain the blank (decoders remove it). */
    public String decode(int[] labels) {
        StringBuilder b = new StringBuilder(labels.length);
        for (int label : labels) {
            b.append(symbol(label));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Alphabet a && symbols.equals(a.symbols);
    }

    @Override
    public int hashCode() {
        return symbols.hashCode();
    }

    @Override
    public String toString() {
        return "Alphabet[blank + \"" + symbols + "\"]";
    }
}
