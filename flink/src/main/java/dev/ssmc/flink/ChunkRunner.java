package dev.ssmc.flink;

import dev.ssmc.runtime.stream.NetworkStream;
import java.util.Arrays;
import java.util.List;

/**
 * Runs chunks through a stream and turns what it wrote into a {@link ChunkOutput}: the operator
 * and the local reference it is checked against both use it, so that they can only differ in the
 * stream's state.
 */
public final class ChunkRunner {
    private final NetworkStream stream;
    private final List<String> labels;
    private float[] out = new float[0];

    public ChunkRunner(NetworkStream stream, List<String> labels) {
        this.stream = stream;
        this.labels = labels;
    }

    public NetworkStream stream() {
        return stream;
    }

    /** Feeds one chunk to the stream and says what came out. */
    public ChunkOutput run(String key, long sequence, float[] samples, boolean restored) {
        int need = stream.maxOutput(samples.length);
        if (out.length < need) {
            out = new float[need];
        }
        int n = stream.process(samples, 0, samples.length, out);
        if (stream.classes() == 0) {
            return new ChunkOutput(key, sequence, "", Arrays.copyOf(out, n), restored);
        }
        if (n == 0) {
            return new ChunkOutput(key, sequence, "", new float[0], restored);
        }
        float[] p = softmax(out, n);
        int top = 0;
        for (int i = 1; i < n; i++) {
            if (p[i] > p[top]) {
                top = i;
            }
        }
        return new ChunkOutput(key, sequence, top < labels.size() ? labels.get(top) : "class " + top, p, restored);
    }

    private static float[] softmax(float[] z, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, z[i]);
        }
        double[] e = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            e[i] = Math.exp(z[i] - max);
            sum += e[i];
        }
        float[] p = new float[n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) (e[i] / sum);
        }
        return p;
    }
}
