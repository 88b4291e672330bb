package dev.ssmc.compiler.syntax.check;

/**
 * How much a {@code .ssm} file may ask for. Each bound is far past any audio network; together they
 * keep every count an {@code int}, the IR's exact rationals and the planned lengths in range, and
 * the lowering of a hostile file quick.
 */
final class Limits {
    static final int MAX_SIZE = 1 << 20;        // channels, states, blocks, features, batch
    static final int MAX_RATIO = 1 << 16;       // one resampling step
    static final long MAX_TOTAL_RATIO = 1L << 30; // product of every ratio: keeps IR rationals and lengths in range
    static final int MAX_EXPANDED = 10_000;     // statements after repetition
    static final int MAX_REPEAT = 4_096;        // values of one repetition

    private Limits() {
    }
}
