package dev.ssmc.runtime.train;

/**
 * One utterance's per-frame logits, viewed in an array it shares: frame {@code t}, class
 * {@code k} is {@code data[offset + t * frameStride + k * classStride]}. The strides let one
 * piece of code read a network's channel-major output and a stream's frame-major one alike (see
 * {@link LogitsLayout}).
 */
public record FrameLogits(float[] data, int offset, int frames, int classes, int frameStride, int classStride) {
    public FrameLogits {
        if (frames < 0 || classes < 1) {
            throw new IllegalArgumentException(frames + " frames of " + classes + " classes");
        }
        if (frames > 0 && (offset < 0 || (long) offset + (long) (frames - 1) * frameStride
                + (long) (classes - 1) * classStride >= data.length)) {
            throw new IllegalArgumentException(frames + " frames of " + classes + " classes at offset " + offset
                    + " (strides " + frameStride + ", " + classStride + ") do not fit in " + data.length + " logits");
        }
    }

    /** {@code frames} frames of {@code classes} classes side by side from {@code offset}, as a stream emits them. */
    public static FrameLogits frameMajor(float[] data, int offset, int frames, int classes) {
        return new FrameLogits(data, offset, frames, classes, classes, 1);
    }

    /** Where frame {@code t}, class {@code k} is in {@link #data()}. */
    public int index(int t, int k) {
        return offset + t * frameStride + k * classStride;
    }

    public float get(int t, int k) {
        return data[index(t, k)];
    }

    /** The first {@code n} frames (an item's own frames, before its padding). */
    public FrameLogits firstFrames(int n) {
        if (n < 0 || n > frames) {
            throw new IllegalArgumentException(n + " frames of an item of " + frames);
        }
        return new FrameLogits(data, offset, n, classes, frameStride, classStride);
    }

    /**
     * Writes frame {@code t}'s log-softmax over the classes to {@code out[outOffset ..
     * outOffset+classes)}: the logits less their log-sum-exp, taken after subtracting the largest
     * (so no logit overflows), in double.
     */
    void logSoftmax(int t, double[] out, int outOffset) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
            max = Math.max(max, get(t, k));
        }
        double sum = 0;
        for (int k = 0; k < classes; k++) {
            sum += Math.exp(get(t, k) - max);
        }
        double logSum = max + Math.log(sum);
        for (int k = 0; k < classes; k++) {
            out[outOffset + k] = get(t, k) - logSum;
        }
    }

    /** The class with the largest logit in frame {@code t}; the first of equal ones. */
    int argmax(int t) {
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (get(t, k) > get(t, best)) {
                best = k;
            }
        }
        return best;
    }
}
