package dev.ssmc.compiler.exec;

import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.stream.StreamingNetwork;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.Arrays;

/**
 * Tensors through a generated network's streams ({@link StreamingNetwork#newStream()}): the
 * conversion between the engines' {@code [batch, channels, time]} tensors and the streams'
 * frame-major audio, and the loop over chunks.
 */
public final class NetworkStreams {
    private NetworkStreams() {
    }

    /** Frame-major {@code [time][channels]} of batch item {@code b} of {@code x[batch][channels][length]}. */
    public static float[] frames(float[] x, int b, int channels, int length) {
        float[] f = new float[channels * length];
        int base = b * channels * length;
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < length; t++) {
                f[t * channels + c] = x[base + c * length + t];
            }
        }
        return f;
    }

    /**
     * Writes frame-major {@code frames[time][channels]} into batch item {@code b} of
     * {@code x[batch][channels][length]}: the inverse of {@link #frames}.
     */
    public static void unframe(float[] frames, float[] x, int b, int channels, int length) {
        int base = b * channels * length;
        for (int t = 0; t < length; t++) {
            for (int c = 0; c < channels; c++) {
                x[base + c * length + t] = frames[t * channels + c];
            }
        }
    }

    /** Frames {@code [from, to)} of a frame-major signal as one sequence {@code [1][channels][time]}, in double. */
    public static double[][][] oneSequence(float[] frames, int channels, int from, int to) {
        double[][][] x = new double[1][channels][to - from];
        for (int t = from; t < to; t++) {
            for (int c = 0; c < channels; c++) {
                x[0][c][t - from] = frames[t * channels + c];
            }
        }
        return x;
    }

    /**
     * Every batch item of {@code input[batch, channels, time]} through a new stream of its own, fed
     * in chunks of {@code chunks[i]} frames: the feature frames each call produced, concatenated
     * ({@code [batch, featureChannels, frames]}), and for a classifier the logits after the last
     * chunk ({@code [batch, classes]}; null without a head, or when no feature frame came out).
     */
    public static Execution.Outputs stream(StreamingNetwork network, Tensor input, int[] chunks) {
        int batch = input.dim(0);
        int channels = input.dim(1);
        int length = input.dim(2);
        if (Arrays.stream(chunks).asLongStream().sum() != length || Arrays.stream(chunks).anyMatch(c -> c < 0)) {
            throw new IllegalArgumentException("chunks " + Arrays.toString(chunks) + " do not cover " + length + " frames");
        }
        float[][] features = new float[batch][];
        int produced = 0;
        int width = 0;
        int classes = 0;
        float[] logits = null;
        for (int b = 0; b < batch; b++) {
            NetworkStream s = network.newStream();
            width = s.featureChannels();
            classes = s.classes();
            float[] in = frames(input.data(), b, channels, length);
            float[] out = new float[0];
            float[] all = new float[0];
            int at = 0;
            int got = 0;
            for (int size : chunks) {
                int len = size * channels;
                int max = s.maxFeatures(len);
                if (out.length < max) {
                    out = new float[max];
                }
                int n = s.processFeatures(in, at * channels, len, out);
                if (got + n > all.length) {
                    all = Arrays.copyOf(all, Math.max(2 * all.length, got + n));
                }
                System.arraycopy(out, 0, all, got, n);
                got += n;
                at += size;
            }
            features[b] = Arrays.copyOf(all, got);
            produced = got / width;
            if (classes > 0) {
                float[] l = new float[classes];
                if (s.logits(l) > 0) {
                    logits = logits == null ? new float[batch * classes] : logits;
                    System.arraycopy(l, 0, logits, b * classes, classes);
                }
            }
        }
        float[] x = new float[batch * width * produced];
        for (int b = 0; b < batch; b++) {
            unframe(features[b], x, b, width, produced);
        }
        return new Execution.Outputs(Tensor.of(x, batch, width, produced),
                logits == null ? null : Tensor.of(logits, batch, classes));
    }
}
