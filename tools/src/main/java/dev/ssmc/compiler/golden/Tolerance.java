package dev.ssmc.compiler.golden;

import dev.ssmc.runtime.io.InvalidInputException;

/**
 * How close a computed tensor must be to the reference's: every element within
 * {@code relative * max|ref| + absolute()}.
 *
 * <p>The absolute floor is a hundredth of the relative tolerance ({@code 1e-6} at the default
 * {@code 1e-4}), not a fixed number: it only keeps a reference that is all (or nearly) zero from
 * demanding exact zeros, and it must shrink with the tolerance, or a {@code 1e-6} check of a
 * tensor whose largest value is near 1 would let errors of twice that through. Scaled like this,
 * the floor widens the relative tolerance by {@code 1e-2 / max|ref|} of itself, at most doubling
 * it while {@code max|ref| >= 1e-2}, whatever the tolerance.
 *
 * @param relative the allowed error as a fraction of the reference's largest magnitude
 */
public record Tolerance(double relative) {
    /** The floor as a fraction of the relative tolerance. */
    public static final double FLOOR_PER_RELATIVE = 1e-2;
    /** The tolerance {@code centaurus-reference.md} gives for the golden files, {@code ssmc golden}'s default. */
    public static final Tolerance DEFAULT = new Tolerance(1e-4);

    public Tolerance {
        if (!(relative > 0) || Double.isInfinite(relative)) {
            throw new InvalidInputException("a tolerance must be positive and finite, got " + relative);
        }
    }

    /** The absolute floor: what an all-zero reference allows. */
    public double absolute() {
        return FLOOR_PER_RELATIVE * relative;
    }

    /** The largest allowed {@code |x - ref|} for a reference whose largest magnitude is {@code maxAbs}. */
    public double bound(double maxAbs) {
        return relative * maxAbs + absolute();
    }
}
