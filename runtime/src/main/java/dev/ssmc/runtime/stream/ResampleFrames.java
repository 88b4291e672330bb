package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.nn.ResampleKind;
import dev.ssmc.runtime.nn.Resampling;
import java.util.Arrays;

/**
 * Temporal resampling by an integer ratio {@code r} on frames, every reference mode (see
 * {@link Resampling}); the streaming twin of {@link dev.ssmc.runtime.model.ResampleLayer}, built
 * from the same arguments and checkpoint keys ({@code key.weight}, {@code key.bias}).
 *
 * <p>Shortening modes emit one frame per whole window of {@code r} input frames and keep the
 * partial window between calls in a preallocated per-channel array: the window's running sum
 * (average), its partial convolution (the strided convs: each arriving frame adds its tap at once,
 * so the work is spread evenly over the window's frames instead of arriving in a burst at its end),
 * or the output frame being filled (downshaping); subsampling keeps only its phase. Lengthening
 * modes emit {@code r} frames per input frame and hold nothing. Ratio 1 copies frames through for
 * the modes without a weight and is a pointwise conv for the others. A sequence whose length is not a multiple of {@code r} leaves its
 * last partial window unemitted, as the whole-sequence shortening modes drop it.
 */
public final class ResampleFrames implements FrameNode {
    private final String key;
    private final ResampleKind kind;
    private final int ratio;
    private final int cin;
    private final int cout;
    private final boolean shortening;
    /**
     * The weight rearranged so the inner loop runs over output channels with unit stride:
     * {@code [k][c][d]} for the strided convs (down and up), {@code [k][c]} for downsampling_dw.
     */
    private final float[] taps;
    private final float[] bias;
    /** The partial window: sums (average, convs) or the output frame being filled (downshaping). */
    private final float[] window;
    /** Input frames of the current window already consumed, {@code 0 .. r-1}. */
    private int phase;
    /** Whether a strided conv's whole windows take the Vector API's matrix-vector product. */
    private final boolean vector = VectorSupport.enabled();

    /** @param key the checkpoint prefix of the conv's weight and bias */
    public ResampleFrames(ResampleKind kind, int ratio, int cin, int cout, String key, Params p) {
        Resampling.checkChannels(kind, ratio, cin, cout);
        this.key = key;
        this.kind = kind;
        this.ratio = ratio;
        this.cin = cin;
        this.cout = cout;
        this.shortening = !kind.isUpsampling() && (ratio > 1 || kind.hasWeight());
        boolean weighted = kind.hasWeight();
        float[] w = weighted ? p.get(Params.join(key, "weight")) : null;
        if (w != null && w.length != Resampling.weightSize(kind, ratio, cin, cout)) {
            throw new IllegalArgumentException(key + ".weight has " + w.length + " floats, expected "
                    + Resampling.weightSize(kind, ratio, cin, cout));
        }
        float[] b = kind.hasBias() ? p.get(Params.join(key, "bias")) : null;
        if (b != null && b.length != cout) {
            throw new IllegalArgumentException(key + ".bias has " + b.length + " floats, expected " + cout);
        }
        String name = key + " resampled " + kind + " " + ratio + " " + cin + ">" + cout;
        this.bias = b == null ? null : p.shared(name + " bias", b::clone);
        this.taps = w == null ? null : p.shared(name + " taps", () -> rearrange(kind, ratio, cin, cout, w));
        this.window = new float[shortening ? cout : 0];
    }

    private static float[] rearrange(ResampleKind kind, int r, int cin, int cout, float[] w) {
        float[] t = new float[w.length];
        for (int k = 0; k < r; k++) {
            for (int c = 0; c < cin; c++) {
                if (kind == ResampleKind.DOWNSAMPLING_DW) {
                    t[k * cin + c] = w[c * r + k]; // weight[c][k]
                    continue;
                }
                for (int d = 0; d < cout; d++) {
                    t[(k * cin + c) * cout + d] = kind.isUpsampling()
                            ? w[(c * cout + d) * r + k]   // weight[cin][cout][r]
                            : w[(d * cin + c) * r + k];   // weight[cout][cin][r]
                }
            }
        }
        return t;
    }

    public ResampleKind kind() {
        return kind;
    }

    public int ratio() {
        return ratio;
    }

    @Override
    public int inChannels() {
        return cin;
    }

    @Override
    public int outChannels() {
        return cout;
    }

    @Override
    public int maxOutFrames(int inFrames) {
        if (shortening) {
            return Buffers.frames(((long) inFrames + ratio - 1) / ratio); // a partial window may complete first
        }
        return Buffers.frames((long) inFrames * ratio);
    }

    @Override
    public long emittedAfter(long consumed) {
        return shortening ? consumed / ratio : consumed * ratio;
    }

    @Override
    public int period() {
        return shortening ? ratio : 1;
    }

    @Override
    public void reset() {
        phase = 0;
        Arrays.fill(window, 0f);
    }

    @Override
    public void saveState(StateWriter out) {
        out.writeInt(phase);
        out.writeFloats(window);
    }

    @Override
    public void restoreState(StateReader in) {
        phase = in.readInt(Math.max(0, ratio - 1), key + "'s phase in its window");
        in.readFloats(window, key + "'s partial window");
    }

    @Override
    public String describe() {
        return "resample " + key + " " + kind + " " + ratio + " " + cin + ">" + cout;
    }

    @Override
    public int process(float[] in, int inOff, int frames, float[] out, int outOff) {
        Buffers.checkFrames("in", in, inOff, frames, cin);
        Buffers.checkFrames("out", out, outOff, maxOutFrames(frames), cout);
        if (ratio == 1 && taps == null) {
            System.arraycopy(in, inOff, out, outOff, frames * cin);
            return frames;
        }
        if (!shortening) {
            for (int f = 0; f < frames; f++) {
                lengthen(in, inOff + f * cin, out, outOff + f * ratio * cout);
            }
            return frames * ratio;
        }
        int emitted = 0;
        boolean conv = kind == ResampleKind.DOWNSAMPLING || kind == ResampleKind.DOWNSAMPLING_WITH_BIAS;
        boolean reshape = kind == ResampleKind.DOWNSHAPING;
        for (int f = 0; f < frames; ) {
            int o = outOff + emitted * cout;
            if ((conv || reshape) && phase == 0 && frames - f >= ratio) {
                if (conv) {
                    convolveWindow(in, inOff + f * cin, out, o);
                } else {
                    reshapeWindow(in, inOff + f * cin, out, o);
                }
                f += ratio;
                emitted++;
            } else {
                emitted += shorten(in, inOff + f * cin, out, o) ? 1 : 0;
                f++;
            }
        }
        return emitted;
    }

    /**
     * A strided conv's output frame from a whole window of input at once: {@code y[d] = bias[d] +
     * sum_i taps[i][d] x[i]} over the window's {@code r * cin} values, which lie contiguous
     * frame-major as {@code taps}' rows do. One matrix-vector product with the output in registers,
     * where frame by frame ({@link #shorten}) stores and reloads the partial sums every frame: the
     * keyword spotter's first conv was 45% of its stream's time that way.
     */
    private void convolveWindow(float[] x, int xo, float[] y, int yo) {
        int rows = ratio * cin;
        int from = vector ? StreamVector.matVec(rows, cout, x, xo, taps, y, yo) : 0;
        if (from < cout) {
            Arrays.fill(y, yo + from, yo + cout, 0f);
            for (int i = 0; i < rows; i++) {
                float v = x[xo + i];
                int t = i * cout;
                for (int d = from; d < cout; d++) {
                    y[yo + d] += taps[t + d] * v;
                }
            }
        }
        if (bias != null) {
            for (int d = 0; d < cout; d++) {
                y[yo + d] += bias[d];
            }
        }
    }

    /**
     * Downshaping's output frame from a whole window at once: input frame {@code k}, channel
     * {@code c} becomes output channel {@code c*r + k}, as {@link #shorten} places it frame by
     * frame; one input channel needs a copy only (the keyword spotter's first node, every sample).
     */
    private void reshapeWindow(float[] x, int xo, float[] y, int yo) {
        if (cin == 1) {
            System.arraycopy(x, xo, y, yo, ratio);
            return;
        }
        for (int k = 0; k < ratio; k++) {
            for (int c = 0; c < cin; c++) {
                y[yo + c * ratio + k] = x[xo + k * cin + c];
            }
        }
    }

    /** Adds one input frame to the window; at the window's last frame writes the output frame and returns true. */
    private boolean shorten(float[] x, int xo, float[] y, int yo) {
        int k = phase;
        boolean last = k == ratio - 1;
        phase = last ? 0 : k + 1;
        switch (kind) {
            case SUBSAMPLING -> {
                if (last) {
                    System.arraycopy(x, xo, y, yo, cin); // keeps frames r-1, 2r-1, ...
                }
            }
            case AVERAGE -> {
                for (int c = 0; c < cin; c++) {
                    window[c] += x[xo + c];
                }
                if (last) {
                    float inv = 1f / ratio;
                    for (int c = 0; c < cin; c++) {
                        y[yo + c] = window[c] * inv;
                    }
                }
            }
            case DOWNSAMPLING, DOWNSAMPLING_WITH_BIAS -> {
                int t = k * cin * cout;
                for (int c = 0; c < cin; c++) {
                    float v = x[xo + c];
                    int tc = t + c * cout;
                    for (int d = 0; d < cout; d++) {
                        window[d] += taps[tc + d] * v;
                    }
                }
                if (last) {
                    for (int d = 0; d < cout; d++) {
                        y[yo + d] = bias == null ? window[d] : window[d] + bias[d];
                    }
                }
            }
            case DOWNSAMPLING_DW -> {
                int t = k * cin;
                for (int c = 0; c < cin; c++) {
                    window[c] += taps[t + c] * x[xo + c];
                }
                if (last) {
                    System.arraycopy(window, 0, y, yo, cin);
                }
            }
            case DOWNSHAPING -> {
                for (int c = 0; c < cin; c++) {
                    window[c * ratio + k] = x[xo + c]; // output channel c*r + k
                }
                if (last) {
                    System.arraycopy(window, 0, y, yo, cout);
                }
            }
            default -> throw new AssertionError(kind);
        }
        if (last && kind != ResampleKind.DOWNSHAPING) {
            Arrays.fill(window, 0f); // the next window sums from zero
        }
        return last;
    }

    /** Writes the {@code r} output frames of one input frame. */
    private void lengthen(float[] x, int xo, float[] y, int yo) {
        switch (kind) {
            case REPEAT -> {
                for (int k = 0; k < ratio; k++) {
                    System.arraycopy(x, xo, y, yo + k * cout, cin);
                }
            }
            case UPSAMPLING, UPSAMPLING_WITH_BIAS -> {
                for (int k = 0; k < ratio; k++) {
                    int o = yo + k * cout;
                    if (bias == null) {
                        Arrays.fill(y, o, o + cout, 0f);
                    } else {
                        System.arraycopy(bias, 0, y, o, cout);
                    }
                    int t = k * cin * cout;
                    for (int c = 0; c < cin; c++) {
                        float v = x[xo + c];
                        int tc = t + c * cout;
                        for (int d = 0; d < cout; d++) {
                            y[o + d] += taps[tc + d] * v;
                        }
                    }
                }
            }
            case UPSHAPING -> {
                for (int k = 0; k < ratio; k++) {
                    int o = yo + k * cout;
                    for (int c = 0; c < cout; c++) {
                        y[o + c] = x[xo + c * ratio + k]; // input channel c*r + k
                    }
                }
            }
            default -> throw new AssertionError(kind);
        }
    }
}
