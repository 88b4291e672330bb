package dev.ssmc.compiler.plan;

/**
 * One operand of a block's contraction: a name, its indices (single letters; {@code t}, {@code s}
 * or {@code l} for time), and what it is.
 */
public record Operand(String name, String indices, Kind kind) {
    /** What an operand is; it decides how it is made and whether it is complex. */
    public enum Kind {
        /** A real signal: the layer's input u or the gradient g of its output. */
        SIGNAL,
        /** A real weight (B, C, E with dt folded in). */
        WEIGHT,
        /** The state kernel {@code V = exp(dtA * l)}: complex, its real part reaches real tensors. */
        KERNEL,
        /** The derivative kernel {@code l * exp(dtA * l)} of the dynamics gradient: complex, both parts needed. */
        LAG_KERNEL
    }

    public TimeRole role() {
        for (char c : indices.toCharArray()) {
            if (c == 't') {
                return TimeRole.UP;
            }
            if (c == 's') {
                return TimeRole.DOWN;
            }
            if (c == 'l') {
                return TimeRole.LAG;
            }
        }
        return TimeRole.NONE;
    }

    public boolean isKernel() {
        return kind == Kind.KERNEL || kind == Kind.LAG_KERNEL;
    }

    /** The operand's indices other than time. */
    public String stateIndices() {
        StringBuilder sb = new StringBuilder();
        for (char c : indices.toCharArray()) {
            if (!TimeRole.isTimeLetter(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name + "[" + indices + "]";
    }
}
