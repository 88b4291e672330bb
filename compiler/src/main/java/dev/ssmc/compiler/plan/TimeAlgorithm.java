package dev.ssmc.compiler.plan;

/** How the time coupling of a plan (its convolution or correlation) is computed. */
public sealed interface TimeAlgorithm permits TimeAlgorithm.Fft, TimeAlgorithm.Scan, TimeAlgorithm.Chunked {
    String describe();

    /** Zero-padded real FFT of {@code size} >= 2L-1 points; products in frequency. */
    record Fft(int size) implements TimeAlgorithm {
        @Override
        public String describe() {
            return "fft " + size;
        }
    }

    /** The recurrence {@code x_t = a x_(t-1) + v_t} on each state: no kernel at all, linear in L. */
    record Scan() implements TimeAlgorithm {
        @Override
        public String describe() {
            return "scan";
        }
    }

    /** Dense Toeplitz products within chunks of {@code chunk} samples, the recurrence across chunk boundaries. */
    record Chunked(int chunk) implements TimeAlgorithm {
        @Override
        public String describe() {
            return "chunked " + chunk;
        }
    }
}
