package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.nn.Norm;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.Postact;
import dev.ssmc.runtime.nn.PostactKind;

/**
 * {@code act(F)} on frames: a norm in eval mode, then a postact; the streaming twin of
 * {@link dev.ssmc.runtime.model.ActivationLayer}, built from the same arguments.
 *
 * <p>Causal norms work frame by frame: {@code batch} with its running statistics (folded at
 * construction into a per-channel scale and shift), {@code layer-feature} and {@code rms} over the
 * channels of each frame (the identity on one channel), {@code none}. The norms whose statistics
 * span time, {@code layer} (over time, weight indexed by time), {@code group} (4 channel groups)
 * and {@code instance} (per channel), take them over the frames of each {@link #process} call, as
 * the reference's streaming and {@link dev.ssmc.runtime.model.ActivationLayer#streamer} do: a
 * stream with them is exact only when the calls match the chunks the network was evaluated on
 * ({@code layer} also needs every call to be at most its {@code F} frames long). {@code glu}
 * halves the channels ({@code a * sigmoid(b)} of the frame's two halves).
 *
 * <p>The parameters are copied at construction (or shared with the other streams of the network,
 * see {@link StreamWeights}); rebuild the node after a training step.
 * Stateless between calls: no frame is held back.
 */
public final class ActivationFrames implements FrameNode {
    private final String key;
    private final NormKind norm;
    private final PostactKind postact;
    private final int channels;
    private final int outChannels;
    /** batch: running mean; layer-feature: unused. */
    private final float[] mean;
    /** batch: r * weight; layer-feature, rms, group, instance: weight per channel; layer: per time step. */
    private final float[] scale;
    /** batch: bias; layer-feature, group, instance: bias per channel; layer: per time step; rms: null. */
    private final float[] shift;
    /** Channel groups of the time-spanning norms (channels for layer and instance, 4 for group); else 0. */
    private final int groups;
    /** Whether batch norm's frames take the Vector API path (the same roundings, so the same bits). */
    private final boolean vector = VectorSupport.enabled();
    private final double[] groupMean;
    private final float[] groupR;

    /** @param key the norm's checkpoint prefix, as for {@link dev.ssmc.runtime.model.ActivationLayer} */
    public ActivationFrames(NormKind norm, PostactKind postact, String key, int channels, Params p) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1, got " + channels);
        }
        this.key = key;
        this.postact = postact;
        this.channels = channels;
        this.outChannels = Postact.outChannels(postact, channels);
        NormKind kind = Norm.isIdentity(norm, channels) ? NormKind.NONE : norm;
        this.norm = kind;
        float[][] msh = kind == NormKind.NONE ? new float[3][]
                : p.shared(key + " " + kind + " norm of " + channels, () -> normWeights(kind, key, channels, p));
        this.mean = msh[0];
        this.scale = msh[1];
        this.shift = msh[2];
        this.groups = switch (kind) {
            case LAYER, INSTANCE -> channels;
            case GROUP -> Norm.groups(kind, channels);
            default -> 0;
        };
        this.groupMean = new double[groups];
        this.groupR = new float[groups];
    }

    /** {@code {mean, scale, shift}} (see the fields) of a norm, copied from the stored tensors. */
    private static float[][] normWeights(NormKind kind, String key, int channels, Params p) {
        float[] mean;
        float[] scale;
        float[] shift;
        String weightKey = Params.join(key, kind == NormKind.RMS ? "rms_norm.weight" : "weight");
        String biasKey = Params.join(key, "bias");
        switch (kind) {
            case BATCH -> {
                float[] w = exact(p, weightKey, channels);
                float[] b = exact(p, biasKey, channels);
                float[] rm = exact(p, Params.join(key, "running_mean"), channels);
                float[] rv = exact(p, Params.join(key, "running_var"), channels);
                mean = rm.clone();
                scale = new float[channels];
                shift = b.clone();
                for (int c = 0; c < channels; c++) {
                    // the same float rounding as Norm's eval batch norm: r in double, then r * w in float
                    float r = (float) (1.0 / Math.sqrt((double) rv[c] + Norm.EPS));
                    scale[c] = r * w[c];
                }
            }
            case LAYER_FEATURE, GROUP, INSTANCE -> {
                mean = null;
                scale = exact(p, weightKey, channels).clone();
                shift = exact(p, biasKey, channels).clone();
            }
            case RMS -> {
                mean = null;
                scale = exact(p, weightKey, channels).clone();
                shift = null;
            }
            case LAYER -> {
                mean = null;
                scale = p.get(weightKey).clone(); // indexed by time: its length is the norm's F
                shift = p.get(biasKey).clone();
                if (shift.length != scale.length) {
                    throw new IllegalArgumentException("layer norm " + key + ": weight and bias differ in length");
                }
            }
            default -> {
                mean = null;
                scale = null;
                shift = null;
            }
        }
        return new float[][] {mean, scale, shift};
    }

    private static float[] exact(Params p, String key, int size) {
        float[] a = p.get(key);
        if (a.length != size) {
            throw new IllegalArgumentException(key + " has " + a.length + " floats, expected " + size);
        }
        return a;
    }

    public NormKind norm() {
        return norm;
    }

    public PostactKind postact() {
        return postact;
    }

    @Override
    public int inChannels() {
        return channels;
    }

    @Override
    public int outChannels() {
        return outChannels;
    }

    @Override
    public int maxOutFrames(int inFrames) {
        return inFrames;
    }

    @Override
    public long emittedAfter(long consumed) {
        return consumed;
    }

    @Override
    public int period() {
        return 1;
    }

    @Override
    public void reserve(int frames) {
        if (postact == PostactKind.GLU) { // as process takes it
            Scratch scratch = Scratch.ofThread();
            int mark = scratch.depth();
            scratch.take((long) frames * channels);
            scratch.release(mark);
        }
    }

    @Override
    public void reset() {
        // stateless between calls
    }

    @Override
    public void saveState(StateWriter out) {
        // stateless between calls: the statistics of the norms that span time are each call's own
    }

    @Override
    public void restoreState(StateReader in) {
        // stateless between calls
    }

    @Override
    public String describe() {
        return "activation " + key + " " + norm + " " + postact + " " + channels + ">" + outChannels;
    }

    @Override
    public int process(float[] in, int inOff, int frames, float[] out, int outOff) {
        Buffers.checkFrames("in", in, inOff, frames, channels);
        Buffers.checkFrames("out", out, outOff, frames, outChannels);
        if (frames == 0) {
            return 0;
        }
        if (norm == NormKind.LAYER && frames > scale.length) {
            throw new IllegalArgumentException("layer norm over time has " + scale.length + " weights, but a call brought "
                    + frames + " frames");
        }
        if (norm == NormKind.BATCH && postact == PostactKind.RELU) {
            batch(in, inOff, frames, out, outOff, true); // the relu in the same pass
            return frames;
        }
        if (postact != PostactKind.GLU) {
            normalize(in, inOff, frames, out, outOff); // straight to the output
            if (postact != PostactKind.IDENTITY) {
                Postact.inPlace(postact, out, outOff, frames * channels);
            }
            return frames;
        }
        // glu halves the channels: the normalized frames go to scratch first
        Scratch scratch = Scratch.ofThread();
        int mark = scratch.depth();
        try {
            float[] normed = scratch.take((long) frames * channels);
            normalize(in, inOff, frames, normed, 0);
            glu(normed, frames, out, outOff);
        } finally {
            scratch.release(mark);
        }
        return frames;
    }

    /** The norm of {@code frames} frames from {@code x[xo..]} into {@code y[yo..]} (which must not overlap). */
    private void normalize(float[] x, int xo, int frames, float[] y, int yo) {
        switch (norm) {
            case NONE -> System.arraycopy(x, xo, y, yo, frames * channels);
            case BATCH -> batch(x, xo, frames, y, yo, false);
            case LAYER_FEATURE -> feature(false, x, xo, frames, y, yo);
            case RMS -> feature(true, x, xo, frames, y, yo);
            case LAYER, GROUP, INSTANCE -> overTime(x, xo, frames, y, yo);
            default -> throw new AssertionError(norm);
        }
    }

    private void batch(float[] x, int xo, int frames, float[] y, int yo, boolean relu) {
        int cs = channels;
        int from = vector ? StreamVector.batchNorm(frames, cs, x, xo, mean, scale, shift, relu, y, yo) : 0;
        for (int f = 0; f < frames; f++) {
            int i = xo + f * cs;
            int o = yo + f * cs;
            for (int c = from; c < cs; c++) {
                float v = (x[i + c] - mean[c]) * scale[c] + shift[c];
                y[o + c] = relu ? Math.max(v, 0f) : v;
            }
        }
    }

    /** layer-feature ({@code rms == false}) or rms over the channels of every frame, with Norm's float arithmetic. */
    private void feature(boolean rms, float[] x, int xo, int frames, float[] y, int yo) {
        int cs = channels;
        double eps = rms ? Norm.RMS_EPS : Norm.EPS;
        for (int f = 0; f < frames; f++) {
            int i = xo + f * cs;
            int o = yo + f * cs;
            // in double, as Norm does: the deviations from a float mean of nearly equal channels
            // would be a few ulps of x, magnified by 1/sigma
            double mu = 0;
            if (!rms) {
                for (int c = 0; c < cs; c++) {
                    mu += x[i + c];
                }
                mu /= cs;
            }
            double ss = 0;
            for (int c = 0; c < cs; c++) {
                double d = x[i + c] - mu;
                ss += d * d;
            }
            double r = 1.0 / Math.sqrt(ss / cs + eps);
            if (rms) {
                for (int c = 0; c < cs; c++) {
                    y[o + c] = (float) (x[i + c] * r * scale[c]);
                }
            } else {
                for (int c = 0; c < cs; c++) {
                    y[o + c] = (float) ((x[i + c] - mu) * r * scale[c] + shift[c]);
                }
            }
        }
    }

    /**
     * layer, group and instance: statistics of each group of {@code channels / groups} consecutive
     * channels over all frames of the call, in double with two passes (as Norm does over a chunk).
     */
    private void overTime(float[] x, int xo, int frames, float[] y, int yo) {
        int cs = channels;
        int per = cs / groups;
        long count = (long) per * frames;
        for (int g = 0; g < groups; g++) {
            double s = 0;
            for (int f = 0; f < frames; f++) {
                int i = xo + f * cs + g * per;
                for (int k = 0; k < per; k++) {
                    s += x[i + k];
                }
            }
            double mu = s / count; // in double, as Norm: see feature()
            double ss = 0;
            for (int f = 0; f < frames; f++) {
                int i = xo + f * cs + g * per;
                for (int k = 0; k < per; k++) {
                    double d = x[i + k] - mu;
                    ss += d * d;
                }
            }
            groupMean[g] = mu;
            groupR[g] = (float) (1.0 / Math.sqrt(ss / count + Norm.EPS));
        }
        if (norm == NormKind.LAYER) {
            // per channel statistics, affine indexed by the frame's place in the call
            for (int f = 0; f < frames; f++) {
                int i = xo + f * cs;
                int o = yo + f * cs;
                float w = scale[f];
                float b = shift[f];
                for (int c = 0; c < cs; c++) {
                    y[o + c] = (float) ((x[i + c] - groupMean[c]) * groupR[c] * w + b);
                }
            }
        } else {
            for (int f = 0; f < frames; f++) {
                int i = xo + f * cs;
                int o = yo + f * cs;
                for (int c = 0; c < cs; c++) {
                    int g = c / per;
                    y[o + c] = (float) ((x[i + c] - groupMean[g]) * ((double) groupR[g] * scale[c]) + shift[c]);
                }
            }
        }
    }

    /** {@code a * sigmoid(b)} of each normalized frame's halves {@code a | b}, in double as Postact does. */
    private void glu(float[] normed, int frames, float[] out, int outOff) {
        int half = outChannels;
        for (int f = 0; f < frames; f++) {
            int i = f * channels;
            int o = outOff + f * half;
            for (int c = 0; c < half; c++) {
                double gate = 1.0 / (1.0 + Math.exp(-(double) normed[i + half + c]));
                out[o + c] = (float) (normed[i + c] * gate);
            }
        }
    }
}
