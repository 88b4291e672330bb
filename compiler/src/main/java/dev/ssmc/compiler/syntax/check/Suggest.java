package dev.ssmc.compiler.syntax.check;

import java.util.Locale;
import java.util.Optional;

/**
 * "Did you mean" for names: the closest candidate by edit distance, where swapping two adjacent
 * letters counts as one edit (the commonest typo: {@code rleu} for {@code relu}).
 */
public final class Suggest {
    private Suggest() {
    }

    /** The closest candidate if it is close enough to be a likely typo of {@code text}. */
    public static Optional<String> closest(String text, String... candidates) {
        String t = text.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            if (c.equals(text)) {
                continue;
            }
            int d = distance(t, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        int allowed = best.length() <= 3 ? 1 : best.length() <= 6 ? 2 : 3;
        return bestDistance <= allowed ? Optional.of(best) : Optional.empty();
    }

    /** The hint "did you mean `c`?" when a candidate {@code c} is a likely typo of {@code text}. */
    static Optional<String> didYouMean(String text, String... candidates) {
        return closest(text, candidates).map(c -> "did you mean `" + c + "`?");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
