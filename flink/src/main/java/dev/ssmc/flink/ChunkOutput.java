package dev.ssmc.flink;

/**
 * What the network made of one chunk: for a classifier, the most probable class's name in
 * {@code label} and every class's probability (the softmax of its logits over all the stream's
 * audio so far) in {@code values}, both empty before the stream has one feature frame; for any
 * other network, the output frames the chunk completed, frame-major, and an empty label.
 * {@code restored} marks the first chunk an operator ran on a stream whose state it took from a
 * checkpoint or savepoint.
 */
public record ChunkOutput(String key, long sequence, String label, float[] values, boolean restored) {
    /** The values themselves (a classifier's probabilities; an audio chunk's first eight samples), for logs. */
    @Override
    public String toString() {
        float[] shown = java.util.Arrays.copyOf(values, Math.min(values.length, label.isEmpty() ? 8 : values.length));
        return key + " #" + sequence + (label.isEmpty() ? "" : " " + label) + " " + java.util.Arrays.toString(shown)
                + (shown.length < values.length ? " (" + values.length + " values)" : "") + (restored ? " restored" : "");
    }
}
