package dev.ssmc.flink;

/**
 * One record of the job's input: the next samples of one audio stream. {@code key} names the
 * stream (a microphone, a call), {@code sequence} counts its chunks from 0 so that the operator
 * can put chunks that arrive out of order back in order and drop a chunk it has already seen,
 * and {@code samples} are frame-major (for one channel, plain samples), of any length.
 */
public record AudioChunk(String key, long sequence, float[] samples) {
}
