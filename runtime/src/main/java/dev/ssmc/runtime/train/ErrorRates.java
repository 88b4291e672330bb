package dev.ssmc.runtime.train;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Word and character error rates of a recognizer over a set of utterances, as corpus-level
 * rates: the edits of every utterance summed, divided by the summed reference lengths (so a long
 * utterance weighs more than a short one, as in the usual scoring tools, rather than a mean of
 * per-utterance rates).
 *
 * <p>An utterance's edits are a minimum-cost alignment of hypothesis to reference with unit
 * costs (Levenshtein): {@code substitutions + deletions + insertions} is the edit distance. Among
 * the alignments of that cost, the one counted prefers a substitution to a deletion, and a
 * deletion to an insertion, at each step back from the end (the counts of each kind can differ
 * between equally cheap alignments; their sum cannot).
 *
 * <p>Both texts are {@link Alphabet#normalize normalized} first. Words are the space-separated
 * parts; characters are those of the normalized text, spaces included (so a missed word boundary
 * is a character error).
 *
 * <p>Not thread-safe: one accumulator per evaluation pass.
 */
public final class ErrorRates {
    /**
     * The edits of one or more utterances at one level (words or characters).
     *
     * @param referenceLength the number of reference words (or characters) they were counted over
     */
    public record Edits(long substitutions, long deletions, long insertions, long referenceLength) {
        public static final Edits NONE = new Edits(0, 0, 0, 0);

        /** Substitutions, deletions and insertions: the edit distance. */
        public long errors() {
            return substitutions + deletions + insertions;
        }

        /**
         * {@link #errors()} per reference unit; 0 when there is neither reference nor error, and
         * infinite for errors against an empty reference (every word is inserted).
         */
        public double rate() {
            if (referenceLength == 0) {
                return errors() == 0 ? 0 : Double.POSITIVE_INFINITY;
            }
            return (double) errors() / referenceLength;
        }

        public Edits plus(Edits o) {
            return new Edits(substitutions + o.substitutions, deletions + o.deletions, insertions + o.insertions,
                    referenceLength + o.referenceLength);
        }
    }

    private Edits words = Edits.NONE;
    private Edits characters = Edits.NONE;
    private int items;

    /** Counts one utterance: what was said and what was recognized. */
    public void add(String reference, String hypothesis) {
        words = words.plus(wordEdits(reference, hypothesis));
        characters = characters.plus(characterEdits(reference, hypothesis));
        items++;
    }

    /** The utterances counted so far. */
    public int items() {
        return items;
    }

    public Edits words() {
        return words;
    }

    public Edits characters() {
        return characters;
    }

    /** The corpus-level word error rate (see the class comment). */
    public double wordErrorRate() {
        return words.rate();
    }

    /** The corpus-level character error rate (see the class comment). */
    public double characterErrorRate() {
        return characters.rate();
    }

    /** {@code wer=X cer=Y over N items}, rates as fractions with four decimals. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "wer=%.4f cer=%.4f over %d items", wordErrorRate(), characterErrorRate(),
                items);
    }

    /** The word edits that turn {@code reference} into {@code hypothesis}. */
    public static Edits wordEdits(String reference, String hypothesis) {
        Map<String, Integer> ids = new HashMap<>();
        return edits(wordIds(Alphabet.normalize(reference), ids), wordIds(Alphabet.normalize(hypothesis), ids));
    }

    /** The character edits that turn {@code reference} into {@code hypothesis}. */
    public static Edits characterEdits(String reference, String hypothesis) {
        return edits(Alphabet.normalize(reference).chars().toArray(), Alphabet.normalize(hypothesis).chars().toArray());
    }

    /** The words of a normalized text as numbers, equal words equal numbers (shared through {@code ids}). */
    private static int[] wordIds(String normal, Map<String, Integer> ids) {
        if (normal.isEmpty()) {
            return new int[0];
        }
        String[] words = normal.split(" ");
        int[] out = new int[words.length];
        for (int i = 0; i < words.length; i++) {
            out[i] = ids.computeIfAbsent(words[i], w -> ids.size());
        }
        return out;
    }

    /** The Levenshtein alignment's counts, with the tie-breaking of the class comment. */
    static Edits edits(int[] ref, int[] hyp) {
        int n = ref.length;
        int m = hyp.length;
        // cost[i][j]: edits turning ref[0..i) into hyp[0..j)
        int[][] cost = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            cost[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            cost[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int diagonal = cost[i - 1][j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : 1);
                cost[i][j] = Math.min(diagonal, Math.min(cost[i - 1][j], cost[i][j - 1]) + 1);
            }
        }
        long substitutions = 0;
        long deletions = 0;
        long insertions = 0;
        int i = n;
        int j = m;
        while (i > 0 || j > 0) {
            if (i > 0 && j > 0 && cost[i][j] == cost[i - 1][j - 1] + (ref[i - 1] == hyp[j - 1] ? 0 : 1)) {
                if (ref[i - 1] != hyp[j - 1]) {
                    substitutions++;
                }
                i--;
                j--;
            } else if (i > 0 && cost[i][j] == cost[i - 1][j] + 1) {
                deletions++;
                i--;
            } else {
                insertions++;
                j--;
            }
        }
        return new Edits(substitutions, deletions, insertions, n);
    }
}
