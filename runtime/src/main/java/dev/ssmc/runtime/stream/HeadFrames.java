package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.model.ClassifierHead;
import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.nn.Postact;
import java.util.Arrays;
import java.util.List;

/**
 * The classifier head on a stream: a running sum of the feature frames ({@link #accumulate}), and
 * at any moment the logits of all frames so far ({@link #logits}): their mean, then each linear
 * layer and its postact, as {@link ClassifierHead} computes them on the whole feature sequence. The running
 * sums are in double, so a long stream loses nothing to rounding (the layers' products are in float, as
 * there); the weights are shared between streams ({@link StreamWeights}); nothing is allocated after
 * construction. Checkpoint keys as for {@link ClassifierHead} ({@code key.weight}, {@code key.bias}).
 */
public final class HeadFrames {
    private final ClassifierHead.Linear[] layers;
    /** Each layer's weight as {@code [in][out]}. */
    private final float[][] weights;
    private final float[][] biases;
    private final int channels;
    private final int classes;
    private final double[] sums;
    private long frames;
    /** The input and pre-activation of the layer being computed. */
    private final float[] x;
    private final float[] y;
    /** Whether the layers' products take the Vector API path. */
    private final boolean vector = VectorSupport.enabled();

    /** @param layers the linear layers in order: the first takes the feature channels */
    public HeadFrames(List<ClassifierHead.Linear> layers, Params p) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a head needs at least one linear layer");
        }
        this.layers = layers.toArray(new ClassifierHead.Linear[0]);
        this.weights = new float[this.layers.length][];
        this.biases = new float[this.layers.length][];
        int width = this.layers[0].in();
        int widest = width;
        for (int i = 0; i < this.layers.length; i++) {
            ClassifierHead.Linear l = this.layers[i];
            if (l.in() != width) {
                throw new IllegalArgumentException("head layer " + l.key() + " takes " + l.in() + " features, gets " + width);
            }
            weights[i] = transposed(p, Params.join(l.key(), "weight"), l.in(), l.out());
            biases[i] = sized(p, Params.join(l.key(), "bias"), l.out());
            width = Postact.outChannels(l.after(), l.out());
            widest = Math.max(widest, l.out());
        }
        this.channels = this.layers[0].in();
        this.classes = width;
        this.sums = new double[channels];
        this.x = new float[widest];
        this.y = new float[widest];
    }

    /** The stored tensor {@code key}, checked to have {@code size} floats (the live array: read, not kept). */
    private static float[] checked(Params p, String key, int size) {
        float[] a = p.get(key);
        if (a.length != size) {
            throw new IllegalArgumentException(key + " has " + a.length + " floats, expected " + size);
        }
        return a;
    }

    /** A copy of the stored tensor {@code key}, shared between streams. */
    private static float[] sized(Params p, String key, int size) {
        return p.shared(key + " of a head", checked(p, key, size)::clone);
    }

    /** A linear layer's weight {@code [out][in]} as {@code [in][out]}, so that its products run along the outputs. */
    private static float[] transposed(Params p, String key, int in, int out) {
        float[] w = checked(p, key, in * out);
        return p.shared(key + " of a head as [in][out]", () -> {
            float[] t = new float[w.length];
            for (int o = 0; o < out; o++) {
                for (int k = 0; k < in; k++) {
                    t[k * out + o] = w[o * in + k];
                }
            }
            return t;
        });
    }

    /** Feature channels per frame. */
    public int channels() {
        return channels;
    }

    /** Logits written by {@link #logits}. */
    public int classes() {
        return classes;
    }

    /** Frames accumulated since construction or {@link #reset}. */
    public long frames() {
        return frames;
    }

    /** Adds {@code count} feature frames from {@code features[off ..]} (frame-major) to the running sums. */
    public void accumulate(float[] features, int off, int count) {
        Buffers.checkFrames("features", features, off, count, channels);
        for (int f = 0; f < count; f++) {
            int o = off + f * channels;
            for (int c = 0; c < channels; c++) {
                sums[c] += features[o + c];
            }
        }
        frames += count;
    }

    /**
     * Writes the logits of the mean of all frames so far to {@code out[0 .. classes)}.
     *
     * @throws IllegalStateException before any frame arrived (there is no mean of nothing)
     */
    public void logits(float[] out) {
        logits(out, 0);
    }

    /** {@link #logits(float[])} at {@code out[off ..]}. */
    public void logits(float[] out, int off) {
        if (frames == 0) {
            throw new IllegalStateException("no feature frames yet");
        }
        Buffers.checkFrames("out", out, off, 1, classes);
        for (int c = 0; c < channels; c++) {
            x[c] = (float) (sums[c] / frames);
        }
        int last = layers.length - 1;
        for (int i = 0; i <= last; i++) {
            ClassifierHead.Linear l = layers[i];
            float[] w = weights[i];
            float[] b = biases[i];
            int from = vector ? StreamVector.matVec(l.in(), l.out(), x, 0, w, y, 0) : 0;
            Arrays.fill(y, from, l.out(), 0f);
            for (int k = 0; k < l.in(); k++) {
                float v = x[k];
                int row = k * l.out();
                for (int o = from; o < l.out(); o++) {
                    y[o] += w[row + o] * v;
                }
            }
            for (int o = 0; o < l.out(); o++) {
                y[o] += b[o]; // after the products, as the whole-sequence head adds its bias
            }
            if (i == last) {
                postact(l, y, out, off);
            } else {
                postact(l, y, x, 0);
            }
        }
    }

    private static void postact(ClassifierHead.Linear l, float[] pre, float[] to, int off) {
        if (l.after() == dev.ssmc.runtime.nn.PostactKind.GLU) {
            int half = l.out() / 2;
            for (int o = 0; o < half; o++) {
                double gate = 1.0 / (1.0 + Math.exp(-(double) pre[half + o]));
                to[off + o] = (float) (pre[o] * gate);
            }
        } else {
            for (int o = 0; o < l.out(); o++) {
                to[off + o] = Postact.apply(l.after(), pre[o]);
            }
        }
    }

    /** Forgets every frame. */
    public void reset() {
        Arrays.fill(sums, 0);
        frames = 0;
    }

    /** Writes the running sums and their frame count (what {@link #reset} clears). */
    public void saveState(StateWriter out) {
        out.writeLong(frames);
        out.writeDoubles(sums);
    }

    /** Reads back what {@link #saveState} wrote. */
    public void restoreState(StateReader in) {
        long n = in.readLong();
        if (n < 0) {
            throw new InvalidInputException("the snapshot's head has a negative frame count, " + n);
        }
        in.readDoubles(sums, "head's running sums");
        frames = n;
    }

    /** Its linear layers, as {@link FrameNode#describe} says what a node is. */
    public String describe() {
        StringBuilder sb = new StringBuilder("head mean");
        for (ClassifierHead.Linear l : layers) {
            sb.append(" -> linear ").append(l.key()).append(' ').append(l.in()).append('>').append(l.out()).append(' ')
                    .append(l.after());
        }
        return sb.toString();
    }
}
