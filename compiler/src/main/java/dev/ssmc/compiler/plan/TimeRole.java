package dev.ssmc.compiler.plan;

import java.util.EnumSet;
import java.util.Set;

/**
 * The time axis a tensor carries. A block's convolution pairs three kinds of time: the input
 * side {@code t} ("upstream": the layer input u), the output side {@code s = t + l}
 * ("downstream": the layer output y, or its gradient g), and the lag {@code l} of the kernel.
 * Joining two of them is a convolution ({@code t} with {@code l} gives {@code s}), a correlation
 * ({@code s} with {@code l} gives {@code t}) or a cross-correlation ({@code t} with {@code s}
 * gives {@code l}).
 */
public enum TimeRole {
    NONE(' '),
    UP('t'),
    DOWN('s'),
    LAG('l');

    private final char letter;

    TimeRole(char letter) {
        this.letter = letter;
    }

    /** The index letter of this role's time axis. */
    public char letter() {
        return letter;
    }

    public boolean hasTime() {
        return this != NONE;
    }

    /** The role of a tensor that holds the time kinds in {@code roles}: one survives, two give the third, three cancel. */
    public static TimeRole of(Set<TimeRole> roles) {
        EnumSet<TimeRole> r = roles.isEmpty() ? EnumSet.noneOf(TimeRole.class) : EnumSet.copyOf(roles);
        r.remove(NONE);
        if (r.size() == 1) {
            return r.iterator().next();
        }
        if (r.size() == 2) {
            EnumSet<TimeRole> third = EnumSet.of(UP, DOWN, LAG);
            third.removeAll(r);
            return third.iterator().next();
        }
        return NONE;
    }

    public static boolean isTimeLetter(char c) {
        return c == 't' || c == 's' || c == 'l';
    }
}
