package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.model.Discretization;
import dev.ssmc.runtime.model.Params;

/**
 * An SSM layer on frames: the streaming twin of {@link dev.ssmc.runtime.model.SsmBlockLayer},
 * built from the same arguments. A subclass supplies the SSM itself as a {@link #step} per frame
 * (advancing its own state); this class runs the mixer exactly as the model layer does: for dws
 * the input activation, the pointwise conv {@code W[Cout][Cin']} ({@code key.mixer.1.weight},
 * {@code Cin'} the input activation's output channels) and the output activation when activations
 * are on; for s5, neck and full the output activation when they are on.
 *
 * <p>One call's frames go through the SSM first and then through the mixer together, so the
 * activations whose norms span time see the call's frames as the model's streamer sees a chunk.
 * Emits every frame at once (no delay). {@link RecurrentSsmFrames} is the general recurrent
 * implementation and the reference for specialized (generated) subclasses.
 */
public abstract class SsmFrames implements FrameNode {
    protected final BlockShape shape;
    protected final String key;
    private final ActivationFrames inputAct;
    private final ActivationFrames outputAct;
    /** dws: the pointwise conv as {@code [Cin'][Cout]}, so the per-frame loop runs over output channels; else null. */
    private final float[] pointwise;
    private final int mixedChannels;
    /** Whether the pointwise conv takes the Vector API path. */
    private final boolean vectorMix;
    private final int outChannels;
    /** SSM output frames of a call (when a mixer follows). */
    private float[] z = new float[0];
    /** dws: the input activation's frames. */
    private float[] a = new float[0];
    /** dws with an output activation: the pointwise conv's frames. */
    private float[] m = new float[0];
    private int reserved;
    /** Frames since the state was last flushed ({@link #flushTinyState}): part of the state. */
    private int framesSinceFlush;

    /**
     * @param inputAct  dws: the activation before the pointwise conv ({@code Cin} channels); null otherwise
     * @param outputAct the output activation ({@code Cout} channels), or null when activations are off
     */
    protected SsmFrames(BlockShape shape, String key, ActivationFrames inputAct, ActivationFrames outputAct,
                        Params params) {
        this(shape, key, inputAct, outputAct, params, VectorSupport.enabled());
    }

    /**
     * As above, with the pointwise conv's path chosen ({@code vector} needs the Vector API module):
     * for subclasses whose own step has both paths, to run one of them throughout.
     */
    protected SsmFrames(BlockShape shape, String key, ActivationFrames inputAct, ActivationFrames outputAct, Params params,
              boolean vector) {
        this.vectorMix = vector;
        this.shape = shape;
        this.key = key;
        this.inputAct = inputAct;
        this.outputAct = outputAct;
        boolean dws = shape.mode() == BlockMode.DWS;
        if (dws != (inputAct != null)) {
            throw new IllegalArgumentException("an input activation is " + (dws ? "required" : "only allowed") + " for dws");
        }
        if (dws && inputAct.inChannels() != shape.inChannels()) {
            throw new IllegalArgumentException("the input activation has " + inputAct.inChannels() + " channels, the SSM "
                    + shape.inChannels());
        }
        if (outputAct != null && outputAct.inChannels() != shape.outChannels()) {
            throw new IllegalArgumentException("the output activation has " + outputAct.inChannels() + " channels, the layer "
                    + shape.outChannels());
        }
        this.mixedChannels = dws ? inputAct.outChannels() : 0;
        if (dws) {
            int cout = shape.outChannels();
            String wKey = Params.join(key, "mixer.1.weight");
            float[] w = params.get(wKey);
            if (w.length != cout * mixedChannels) {
                throw new IllegalArgumentException(wKey + " has " + w.length + " floats, expected " + cout * mixedChannels);
            }
            int cin = mixedChannels;
            pointwise = params.shared(wKey + " as [c][d]", () -> {
                float[] t = new float[w.length];
                for (int d = 0; d < cout; d++) {
                    for (int c = 0; c < cin; c++) {
                        t[c * cout + d] = w[d * cin + c];
                    }
                }
                return t;
            });
        } else {
            pointwise = null;
        }
        this.outChannels = outputAct != null ? outputAct.outChannels() : shape.outChannels();
    }

    public final BlockShape shape() {
        return shape;
    }

    /**
     * The discretized operands of the block at {@code key} ({@code A}, {@code log_dt}, {@code B},
     * {@code C}, {@code E} under it, each checked against the reference's size for {@code shape}):
     * what a specialized step precomputes its multipliers and weights from.
     */
    protected static Discretization discretization(BlockShape shape, String key, Params params) {
        return Discretization.of(shape, RecurrentSsmFrames.localParams(shape, key, params));
    }

    /**
     * Advances the SSM by one frame: reads {@code inChannels()} floats from {@code in[inOff ..]},
     * writes the SSM's output frame ({@code shape.ssmChannels()} floats: {@code Cin} for dws,
     * {@code Cout} otherwise) to {@code out[outOff ..]}, overwriting it. Must not allocate.
     */
    protected abstract void step(float[] in, int inOff, float[] out, int outOff);

    /** Zeroes the SSM's state. */
    protected abstract void resetState();

    /**
     * Sets every state part smaller in magnitude than {@link #TINY} to zero (with
     * {@link #flushTiny}), after the call that completes {@link #FLUSH_EVERY} frames. Must not allocate.
     */
    protected abstract void flushTinyState();

    /**
     * Frames between two flushes of the state: often enough that a state spends next to no time
     * subnormal, seldom enough that a stream fed one frame per call does not pay a pass over its
     * whole state per frame (flushing after every call made a dws block's one-frame calls 50% slower).
     */
    static final int FLUSH_EVERY = 64;

    /**
     * Below this magnitude ({@code 2^-100}) a state part is flushed to zero, every
     * {@link #FLUSH_EVERY} frames. A state whose input has stopped (a channel a ReLU keeps at zero,
     * silence) decays towards zero and, in float, ends in the subnormal range, where a state can
     * stop decaying (its update rounds to nothing) and where every multiplication costs a microcode
     * assist on x86: a trained keyword spotter's stream slowed from 28 to 51 µs per 8 ms chunk over
     * eight minutes of input as its dws states went subnormal one by one. At {@code 2^-100} the
     * products with the step's multipliers stay normal, and what is dropped is {@code 2^-77} of
     * float32's resolution of any output of magnitude one (the whole-sequence passes underflow the
     * same decays to zero too, only later).
     */
    protected static final float TINY = 0x1p-100f;

    /** Zeroes the values of {@code state} smaller in magnitude than {@link #TINY} (NaN stays). */
    protected static void flushTiny(float[] state, boolean vector) {
        int from = vector ? StreamVector.flushTiny(state, TINY) : 0;
        for (int i = from; i < state.length; i++) {
            float v = state[i];
            state[i] = Math.abs(v) < TINY ? 0f : v;
        }
    }

    /** Writes the SSM's state (its state arrays) for {@link #saveState}. */
    protected abstract void saveSsmState(StateWriter out);

    /** Reads back what {@link #saveSsmState} wrote. */
    protected abstract void restoreSsmState(StateReader in);

    /**
     * The SSM over {@code frames} consecutive frames (frame-major in and out). This default calls
     * {@link #step} per frame; a subclass may override it (to keep its state in registers across
     * frames, say) as long as the result is the same.
     */
    protected void steps(float[] in, int inOff, int frames, float[] out, int outOff) {
        int cin = shape.inChannels();
        int cz = shape.ssmChannels();
        for (int f = 0; f < frames; f++) {
            step(in, inOff + f * cin, out, outOff + f * cz);
        }
    }

    @Override
    public final int inChannels() {
        return shape.inChannels();
    }

    @Override
    public final int outChannels() {
        return outChannels;
    }

    @Override
    public final int maxOutFrames(int inFrames) {
        return inFrames;
    }

    @Override
    public final long emittedAfter(long consumed) {
        return consumed;
    }

    @Override
    public final int period() {
        return 1;
    }

    @Override
    public void reserve(int frames) {
        if (frames <= reserved) {
            return;
        }
        if (inputAct != null || outputAct != null) {
            z = Buffers.atLeast(z, (long) frames * shape.ssmChannels());
        }
        if (inputAct != null) {
            a = Buffers.atLeast(a, (long) frames * mixedChannels);
            inputAct.reserve(frames);
            if (outputAct != null) {
                m = Buffers.atLeast(m, (long) frames * shape.outChannels());
            }
        }
        if (outputAct != null) {
            outputAct.reserve(frames);
        }
        reserved = frames;
    }

    @Override
    public final void reset() {
        resetState();
        framesSinceFlush = 0;
    }

    /**
     * The SSM's state and the frames since it was last flushed (a restored stream flushes when the
     * uninterrupted one would, so that it continues to the bit); the mixer's activations hold none
     * between calls.
     */
    @Override
    public final void saveState(StateWriter out) {
        out.writeInt(framesSinceFlush);
        saveSsmState(out);
    }

    @Override
    public final void restoreState(StateReader in) {
        framesSinceFlush = in.readInt(FLUSH_EVERY - 1, key + "'s frames since its state was flushed");
        restoreSsmState(in);
    }

    @Override
    public final String describe() {
        return "ssm " + key + " " + shape.mode() + " " + shape.inChannels() + ">" + shape.outChannels() + " states "
                + shape.states() + " blocks " + shape.blocks() + (inputAct == null ? "" : " in " + inputAct.describe())
                + (outputAct == null ? "" : " out " + outputAct.describe());
    }

    @Override
    public final int process(float[] in, int inOff, int frames, float[] out, int outOff) {
        Buffers.checkFrames("in", in, inOff, frames, shape.inChannels());
        Buffers.checkFrames("out", out, outOff, frames, outChannels);
        if (frames == 0) {
            return 0;
        }
        reserve(frames);
        if (inputAct != null) {
            steps(in, inOff, frames, z, 0);
            inputAct.process(z, 0, frames, a, 0);
            if (outputAct == null) {
                mix(frames, out, outOff);
            } else {
                mix(frames, m, 0);
                outputAct.process(m, 0, frames, out, outOff);
            }
        } else if (outputAct != null) {
            steps(in, inOff, frames, z, 0);
            outputAct.process(z, 0, frames, out, outOff);
        } else {
            steps(in, inOff, frames, out, outOff); // no mixer: the SSM writes the output itself
        }
        framesSinceFlush += frames;
        if (framesSinceFlush >= FLUSH_EVERY) {
            flushTinyState();
            framesSinceFlush = 0;
        }
        return frames;
    }

    /** dws's pointwise conv of the input activation's frames into {@code y[yo ..]}, frame by frame. */
    private void mix(int frames, float[] y, int yo) {
        int cin = mixedChannels;
        int cout = shape.outChannels();
        for (int f = 0; f < frames; f++) {
            int o = yo + f * cout;
            int i = f * cin;
            int from = vectorMix ? StreamVector.matVec(cin, cout, a, i, pointwise, y, o) : 0;
            if (from == cout) {
                continue;
            }
            java.util.Arrays.fill(y, o + from, o + cout, 0f);
            for (int c = 0; c < cin; c++) {
                float v = a[i + c];
                int wc = c * cout;
                for (int d = from; d < cout; d++) { // unit stride over d: the JIT can vectorize it
                    y[o + d] += pointwise[wc + d] * v;
                }
            }
        }
    }
}
