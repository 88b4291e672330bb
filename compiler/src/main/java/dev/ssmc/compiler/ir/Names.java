package dev.ssmc.compiler.ir;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** Reference spellings of enum constants, lookup by spelling, and "did you mean" suggestions. */
public final class Names {
    private Names() {
    }

    /** A spelled constant: the name the reference and the language use for it. */
    public interface Spelled {
        String spelling();
    }

    /** The constant spelled {@code text}, if any. */
    public static <E extends Enum<E> & Spelled> Optional<E> lookup(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (e.spelling().equals(text)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * The constant whose Java name is {@code name}, if any: {@link Enum#valueOf} without its
     * {@code IllegalArgumentException}, which a caller would have to tell from a bug's.
     */
    public static <E extends Enum<E>> Optional<E> named(Class<E> type, String name) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The constant spelled {@code text}, or an {@link InvalidInputException} listing the choices. */
    public static <E extends Enum<E> & Spelled> E parse(Class<E> type, String what, String text) {
        return lookup(type, text).orElseThrow(() -> new InvalidInputException(
                "unknown " + what + " '" + text + "'" + suggestion(text, spellings(type))
                        + "; choose one of " + String.join(", ", spellings(type))));
    }

    public static <E extends Enum<E> & Spelled> String[] spellings(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Spelled::spelling).toArray(String[]::new);
    }

    /** {@code " (did you mean 'x'?)"} for the closest candidate within a small edit distance, else "". */
    public static String suggestion(String text, String... candidates) {
        return closest(text, candidates).map(c -> " (did you mean '" + c + "'?)").orElse("");
    }

    /** The candidate closest to {@code text} if it is close enough to be a likely typo. */
    public static Optional<String> closest(String text, String... candidates) {
        String t = text.toLowerCase(Locale.ROOT);
        return Arrays.stream(candidates)
                .filter(c -> !c.equals(text))
                .min(Comparator.comparingInt(c -> editDistance(t, c.toLowerCase(Locale.ROOT))))
                .filter(c -> editDistance(t, c.toLowerCase(Locale.ROOT)) <= Math.min(3, Math.max(1, (c.length() + 1) / 3)));
    }

    /**
     * Edit distance counting insertions, deletions, substitutions and swaps of adjacent letters
     * (optimal string alignment): "nekc" is one step from "neck", as a typist would count it.
     */
    public static int editDistance(String a, String b) {
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
                d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
