package dev.ssmc.gentests.support;

import dev.ssmc.compiler.exec.NetworkStreams;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.stream.NetworkStream;
import java.util.Arrays;
import java.util.List;

/**
 * A way to feed a generated network its input chunk by chunk. The streaming properties run every
 * driver of {@link #all} on the same chunks and compare what each gives with the full-sequence
 * forward pass.
 */
public interface StreamDriver {
    String name();

    /**
     * The features and (with a head) logits of {@code input[batch][IN_CHANNELS][length]} fed in
     * {@code chunks}. A driver may give no features (null) for a network with a head, never
     * anything else.
     */
    References.Outputs run(GeneratedNetwork.Instance net, float[] input, int batch, int length, int[] chunks);

    /** The runtime model's streaming, {@code model().stream(input, chunks)}. */
    StreamDriver MODEL_STREAM = new StreamDriver() {
        @Override
        public String name() {
            return "model().stream";
        }

        @Override
        public References.Outputs run(GeneratedNetwork.Instance net, float[] input, int batch, int length, int[] chunks) {
            Model.Outputs o = net.model().stream(new Signal(batch, net.network().inChannels(), length, input), chunks);
            return new References.Outputs(o.features() == null ? null : o.features().x(),
                    o.logits() == null ? null : o.logits().data());
        }
    };

    /**
     * The generated allocation-free stream as engines use it, on the Vector API path ({@code
     * vector}) or the scalar one: one {@code newStream(vector)} for the whole batch, {@code reset()}
     * between elements, the feature frames of {@code processFeatures} per chunk, then {@code
     * logits}. Both paths run in every JVM, so each try compares them (through the full sequence's
     * output).
     */
    static StreamDriver newStreamFeatures(boolean vector) {
        return new StreamDriver() {
            @Override
            public String name() {
                return "newStream(" + (vector ? "vector" : "scalar") + ").processFeatures, reset between elements";
            }

            @Override
            public References.Outputs run(GeneratedNetwork.Instance net, float[] input, int batch, int length, int[] chunks) {
                NetworkStream s = net.streaming().newStream(vector);
                Frames features = new Frames(batch);
                float[] logits = s.classes() == 0 ? null : new float[batch * s.classes()];
                for (int b = 0; b < batch; b++) {
                    if (b > 0) {
                        s.reset();
                    }
                    float[] in = NetworkStreams.frames(input, b, s.inChannels(), length);
                    int at = 0;
                    for (int size : chunks) {
                        int len = size * s.inChannels();
                        float[] out = new float[s.maxFeatures(len)];
                        features.add(b, out, s.processFeatures(in, at, len, out));
                        at += len;
                    }
                    if (logits != null) {
                        float[] l = new float[s.classes()];
                        if (s.logits(l) != s.classes()) {
                            throw new AssertionError("a classifier's stream gave no logits after " + length + " frames");
                        }
                        System.arraycopy(l, 0, logits, b * s.classes(), s.classes());
                    }
                }
                return new References.Outputs(features.channelMajor(s.featureChannels()), logits);
            }
        };
    }

    /**
     * The generated stream as an application uses it: a {@code newStream()} per sequence (on the
     * path chosen at start-up), every chunk through {@code process} at an offset into the whole
     * input. Its output is the output frames (no head) or the logits so far (a classifier: the last
     * call's, so no features).
     */
    StreamDriver NEW_STREAM_PROCESS = new StreamDriver() {
        @Override
        public String name() {
            return "newStream().process";
        }

        @Override
        public References.Outputs run(GeneratedNetwork.Instance net, float[] input, int batch, int length, int[] chunks) {
            Frames features = new Frames(batch);
            float[] logits = null;
            int classes = 0;
            for (int b = 0; b < batch; b++) {
                NetworkStream s = net.streaming().newStream();
                classes = s.classes();
                float[] in = NetworkStreams.frames(input, b, s.inChannels(), length);
                float[] out = new float[s.maxOutput(in.length)];
                float[] last = null;
                int at = 0;
                for (int size : chunks) {
                    int len = size * s.inChannels();
                    int n = s.process(in, at, len, out);
                    if (classes == 0) {
                        features.add(b, out, n);
                    } else if (n == classes) {
                        last = Arrays.copyOf(out, n);
                    } else if (n != 0) {
                        throw new AssertionError("a classifier's process wrote " + n + " floats, not " + classes + " or 0");
                    }
                    at += len;
                }
                if (classes > 0) {
                    if (last == null) {
                        throw new AssertionError("a classifier's process gave no logits after " + length + " frames");
                    }
                    logits = logits == null ? new float[batch * classes] : logits;
                    System.arraycopy(last, 0, logits, b * classes, classes);
                }
            }
            return new References.Outputs(classes == 0 ? features.channelMajor(net.network().features()) : null, logits);
        }
    };

    static List<StreamDriver> all() {
        return List.of(MODEL_STREAM, newStreamFeatures(true), newStreamFeatures(false), NEW_STREAM_PROCESS);
    }

    /** Frame-major output per batch element, gathered call by call, back to {@code [batch][channels][frames]}. */
    final class Frames {
        private final float[][] data;
        private final int[] size;

        Frames(int batch) {
            data = new float[batch][0];
            size = new int[batch];
        }

        void add(int b, float[] out, int n) {
            if (size[b] + n > data[b].length) {
                data[b] = Arrays.copyOf(data[b], Math.max(2 * data[b].length, size[b] + n));
            }
            System.arraycopy(out, 0, data[b], size[b], n);
            size[b] += n;
        }

        /** Every element's frames as {@code [batch][channels][frames]}; elements must have as many. */
        float[] channelMajor(int channels) {
            int frames = size[0] / channels;
            float[] x = new float[data.length * channels * frames];
            for (int b = 0; b < data.length; b++) {
                if (size[b] != frames * channels) {
                    throw new AssertionError("element " + b + " streamed " + size[b] + " floats, element 0 " + size[0]);
                }
                NetworkStreams.unframe(data[b], x, b, channels, frames);
            }
            return x;
        }
    }
}
