package dev.ssmc.runtime.train;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * The words a recognizer may say, as a trie over an {@link Alphabet}'s labels: what a
 * {@link PrefixBeamSearch} is restricted to when it is given one. A recognizer that spells can
 * misspell ("siv" for "six"); searching only among labellings made of known words, separated by
 * single spaces, turns a near miss into the known word its frames make most probable. That is
 * what classic recognizers do with their word lists and grammars; nothing in it is specific to a
 * vocabulary, since the words come from a file (usually the training transcripts).
 *
 * <p>Node 0 is the root: the start of a word (at the start of an utterance or after a space).
 * Immutable.
 */
public final class Lexicon {
    /** No such node: the label cannot follow. */
    public static final int NONE = -1;
    /** The root: no letter of the current word yet. */
    public static final int ROOT = 0;

    private final Alphabet alphabet;
    private final Set<String> words;
    /** {@code children[node * classes + label]}: the node after {@code label}, or {@link #NONE}. */
    private final int[] children;
    private final boolean[] wordEnd;

    private Lexicon(Alphabet alphabet, Set<String> words, int[] children, boolean[] wordEnd) {
        this.alphabet = alphabet;
        this.words = words;
        this.children = children;
        this.wordEnd = wordEnd;
    }

    /**
     * The lexicon of these words, {@link Alphabet#normalize normalized}; repeats count once.
     *
     * @throws InvalidInputException if there is no word, or one holds a space (after normalizing)
     *     or a character outside the alphabet; the message names the word
     */
    public static Lexicon of(Alphabet alphabet, Iterable<String> words) {
        TreeSet<String> set = new TreeSet<>();
        for (String w : words) {
            String word = Alphabet.normalize(w);
            if (word.isEmpty()) {
                continue;
            }
            if (word.indexOf(' ') >= 0) {
                throw new InvalidInputException("\"" + word + "\" is more than one word");
            }
            try {
                alphabet.encode(word);
            } catch (InvalidInputException e) {
                throw new InvalidInputException("the word \"" + word + "\": " + e.getMessage());
            }
            set.add(word);
        }
        if (set.isEmpty()) {
            throw new InvalidInputException("a lexicon needs at least one word");
        }
        int classes = alphabet.classes();
        int nodes = 1 + set.stream().mapToInt(String::length).sum(); // at most: one per letter
        int[] children = new int[nodes * classes];
        Arrays.fill(children, NONE);
        boolean[] wordEnd = new boolean[nodes];
        int made = 1;
        for (String word : set) {
            int node = ROOT;
            for (int label : alphabet.encode(word)) {
                int k = node * classes + label;
                if (children[k] == NONE) {
                    children[k] = made++;
                }
                node = children[k];
            }
            wordEnd[node] = true;
        }
        return new Lexicon(alphabet, Set.copyOf(set), Arrays.copyOf(children, made * classes),
                Arrays.copyOf(wordEnd, made));
    }

    public Alphabet alphabet() {
        return alphabet;
    }

    /** The words, normalized. */
    public Set<String> words() {
        return words;
    }

    /**
     * The node a word reaches with {@code label} after {@code node}, or {@link #NONE} if no word
     * goes on so. The space ends a word: it leads back to the {@link #ROOT} from the end of a
     * word, and from nowhere else (no space before the first word or after another space).
     */
    public int next(int node, int label) {
        if (label == alphabet.space()) {
            return node != ROOT && wordEnd[node] ? ROOT : NONE;
        }
        return children[node * alphabet.classes() + label];
    }

    /**
     * Whether an utterance may end at {@code node}: at the end of a word, or at the root (nothing
     * said yet, or a space after the last word).
     */
    public boolean complete(int node) {
        return node == ROOT || wordEnd[node];
    }

    @Override
    public String toString() {
        return "Lexicon[" + words.size() + " words]";
    }
}
