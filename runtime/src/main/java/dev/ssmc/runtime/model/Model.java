package dev.ssmc.runtime.model;

import dev.ssmc.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A network's body (its layers in order) and optional classifier head, run in float32, on inputs
 * of any length from one window of its resampling on ({@link Windows}: shortening steps drop an
 * incomplete last window; a body whose skip additions span resampling runs on its input padded
 * to whole windows, and its output is cut back).
 */
public final class Model {
    private final List<Layer> body;
    private final ClassifierHead head;
    private final Windows windows;

    public Model(List<Layer> body, ClassifierHead head) {
        this.body = List.copyOf(body);
        this.head = head;
        this.windows = Windows.of(this.body);
    }

    /** The input lengths the body takes and how it maps them. */
    public Windows windows() {
        return windows;
    }

    /** The features' length for an input of {@code length} samples (at least one window). */
    public int featureLength(int length) {
        checkLength(length);
        if (windows.padded()) {
            return windows.croppedLength(length);
        }
        int l = length;
        for (Layer layer : body) {
            l = layer.outLength(l);
        }
        return l;
    }

    private void checkLength(int length) {
        if (length < windows.window()) {
            throw new IllegalArgumentException("the input has " + length + " samples; this network needs at least "
                    + windows.window() + " (one window of its resampling)");
        }
    }

    /** What a forward pass on a tape padded and cut, for its backward pass. */
    private record Cut(int inputLength, int paddedFeatureLength) {
    }

    public List<Layer> body() {
        return body;
    }

    public boolean hasHead() {
        return head != null;
    }

    /** The body's output and the head's (null without one). */
    public record Outputs(Signal features, Tensor logits) {
    }

    public Outputs forward(Signal input) {
        int featureLength = featureLength(input.length());
        Signal x = input.padTo(windows.paddedLength(input.length()));
        for (Layer l : body) {
            x = l.apply(x);
        }
        x = x.cutTo(featureLength);
        return new Outputs(x, head == null ? null : head.apply(x));
    }

    /** The input fed in chunks through one stream: the concatenated outputs, and the head on all of them. */
    public Outputs stream(Signal input, int[] chunks) {
        List<Layer.Streamer> streams = new ArrayList<>();
        for (Layer l : body) {
            streams.add(l.streamer(input.batch()));
        }
        Signal features = null;
        int at = 0;
        for (int size : chunks) {
            if (size < 0 || at + size > input.length()) {
                throw new IllegalArgumentException("chunks " + java.util.Arrays.toString(chunks)
                        + " do not fit an input of " + input.length() + " samples");
            }
            Signal y = input.slice(at, at + size);
            at += size;
            for (Layer.Streamer s : streams) {
                y = s.process(y);
            }
            features = features == null ? y : features.concat(y);
        }
        return new Outputs(features, head == null || features == null ? null : head.apply(features));
    }

    /**
     * The gradients of {@code sum(features * gFeatures) + sum(logits * gLogits)} (eval mode): the
     * input's, and every parameter's in {@code grads}.
     */
    public Signal gradients(Signal input, Tensor gFeatures, Tensor gLogits, Grads grads) {
        Tape tape = Tape.eval();
        return backward(forward(input, tape), gFeatures, gLogits, tape, grads);
    }

    /** A forward pass recording on {@code tape} (a training or an eval tape) what {@link #backward} needs. */
    public Outputs forward(Signal input, Tape tape) {
        int featureLength = featureLength(input.length());
        Signal x = input.padTo(windows.paddedLength(input.length()));
        for (Layer l : body) {
            x = l.forward(x, tape);
        }
        tape.push(new Cut(input.length(), x.length()));
        x = x.cutTo(featureLength);
        return new Outputs(x, head == null ? null : head.apply(x));
    }

    /**
     * The backward pass of {@link #forward(Signal, Tape)}: from the gradients of the features and of
     * the logits (either may be null), the input's gradient; the parameters' go to {@code grads}.
     */
    public Signal backward(Outputs out, Tensor gFeatures, Tensor gLogits, Tape tape, Grads grads) {
        Signal x = out.features();
        float[] d = new float[x.x().length];
        if (gFeatures != null) {
            gFeatures.requireShape("the features' gradient", x.batch(), x.channels(), x.length());
            System.arraycopy(gFeatures.data(), 0, d, 0, d.length);
        }
        if (gLogits != null) {
            if (head == null) {
                throw new IllegalArgumentException("this network has no head to take a logits gradient");
            }
            float[] fromHead = head.backward(x, gLogits, grads);
            for (int i = 0; i < d.length; i++) {
                d[i] += fromHead[i];
            }
        }
        Cut cut = tape.pop();
        Signal dx = new Signal(x.batch(), x.channels(), x.length(), d).padTo(cut.paddedFeatureLength());
        for (int i = body.size() - 1; i >= 0; i--) {
            dx = body.get(i).backward(dx, tape, grads);
        }
        return dx.cutTo(cut.inputLength());
    }
}
