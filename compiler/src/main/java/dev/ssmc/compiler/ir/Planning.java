package dev.ssmc.compiler.ir;

/**
 * The shapes a network is planned for: a training block of {@code batch} sequences of
 * {@code length} samples, and a streaming chunk of {@code chunk} samples.
 */
public record Planning(int batch, int length, int chunk) {
    /** One second of 16 kHz audio in batches of 16, streamed sample by sample. */
    public static final Planning DEFAULT = new Planning(16, 16000, 1);
}
