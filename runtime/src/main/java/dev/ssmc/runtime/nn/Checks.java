package dev.ssmc.runtime.nn;

import dev.ssmc.runtime.tensor.ShapeException;

/** Argument checks shared by the ops: sizes first, so a wrong call fails before any array is written. */
final class Checks {
    private Checks() {
    }

    /** {@code value >= 1}. */
    static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    /** {@code array} holds at least {@code needed} floats (null is fine when nothing is needed). */
    static void size(String name, float[] array, long needed) {
        if (array == null) {
            if (needed == 0) {
                return;
            }
            throw new ShapeException(name + " is null but needs " + needed + " floats");
        }
        if (array.length < needed) {
            throw new ShapeException(name + " has " + array.length + " floats but needs " + needed);
        }
    }

    /** {@code array} is null or holds at least {@code needed} floats. */
    static void sizeOrNull(String name, float[] array, long needed) {
        if (array != null && array.length < needed) {
            throw new ShapeException(name + " has " + array.length + " floats but needs " + needed);
        }
    }

    /** {@code b*c*t} as a long (shapes are checked before the int index arithmetic relies on them). */
    static long volume(int b, int c, int t) {
        long v = (long) b * c * t;
        if (v > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("signal of " + b + "x" + c + "x" + t + " floats does not fit an array");
        }
        return v;
    }
}
