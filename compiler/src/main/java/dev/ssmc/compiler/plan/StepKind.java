package dev.ssmc.compiler.plan;

/** The kinds of work a plan does; each runs at its own calibrated speed. */
public enum StepKind {
    /** A contraction with a summed index, run as a matrix product. */
    GEMM,
    /** A product without summation (Hadamard, broadcast) or a reduction: memory-bound. */
    ELEMENTWISE,
    /** A real FFT or inverse FFT. */
    FFT,
    /** A recurrence over time. */
    SCAN,
    /** Making a kernel: powers of the state multipliers, or their closed-form spectrum. */
    KERNEL,
    /** Moving a tensor to another index order (counted in elements, not flops). */
    LAYOUT
}
