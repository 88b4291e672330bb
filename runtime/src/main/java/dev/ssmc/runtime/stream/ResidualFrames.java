package dev.ssmc.runtime.stream;

import java.util.List;

/**
 * {@code post(x + norm(body(x)))} on frames: a residual block, or with an identity norm and post,
 * a skip addition around a U-Net level; or a mask ({@link #mask}), {@code x * post(norm(body(x)))}
 * with the sigmoid as its post; the streaming twin of {@link dev.ssmc.runtime.model.ResidualLayer}.
 * A body that pools emits later than it reads, so the input frames whose body output has not
 * arrived wait in a preallocated ring (FIFO) and are combined with it as the body catches up; a
 * call emits as many frames as the body did.
 *
 * <p>The ring holds at most {@code max_m (m - body.emittedAfter(m))} waiting frames over one
 * period of the body (exact: the body's buffering repeats with its period) plus one call's input;
 * it is sized at the first call and grows only when a larger call arrives. The body must keep the
 * frame rate ({@code emittedAfter(period) == period}) and the channels.
 */
public final class ResidualFrames implements FrameNode {
    private final FrameChain body;
    private final ActivationFrames bodyNorm;
    private final ActivationFrames post;
    private final int channels;
    private final boolean mask;
    private final int maxWaiting;
    /** Waiting input frames, a ring of {@code capacity} frames starting at {@code head}. */
    private float[] ring = new float[0];
    private int capacity;
    private int head;
    private int waiting;
    private int reserved;
    /** The body's most output frames for a call of {@code reserved} frames (enough for any smaller call). */
    private int bodyFrames;

    /**
     * @param body     the body, input and output channels those of the block
     * @param bodyNorm the norm on the body's output (its postact the identity, as the model builds it)
     * @param post     the postact after the addition (its norm none, as the model builds it)
     */
    public ResidualFrames(FrameChain body, ActivationFrames bodyNorm, ActivationFrames post) {
        this(body, bodyNorm, post, false);
    }

    private ResidualFrames(FrameChain body, ActivationFrames bodyNorm, ActivationFrames post, boolean mask) {
        this.mask = mask;
        this.body = body;
        this.bodyNorm = bodyNorm;
        this.post = post;
        this.channels = body.inChannels();
        if (body.outChannels() != channels || bodyNorm.inChannels() != channels || bodyNorm.outChannels() != channels
                || post.inChannels() != channels) {
            throw new IllegalArgumentException("a residual block keeps its " + channels + " channels: body "
                    + body.inChannels() + " -> " + body.outChannels() + ", norm " + bodyNorm.inChannels() + " -> "
                    + bodyNorm.outChannels() + ", post on " + post.inChannels());
        }
        int p = body.period();
        if (body.emittedAfter(p) != p) {
            throw new IllegalArgumentException("a residual body must keep the frame rate: it emits "
                    + body.emittedAfter(p) + " frames per " + p);
        }
        long most = 0;
        for (int m = 0; m < p; m++) {
            most = Math.max(most, m - body.emittedAfter(m));
        }
        this.maxWaiting = Buffers.frames(most);
    }

    /** A block around a body of the given nodes. */
    public ResidualFrames(List<? extends FrameNode> body, ActivationFrames bodyNorm, ActivationFrames post) {
        this(new FrameChain(body), bodyNorm, post);
    }

    /** {@code x * gain(norm(body(x)))}: a mask whose {@code gain} (a sigmoid) scales every input frame. */
    public static ResidualFrames mask(FrameChain body, ActivationFrames bodyNorm, ActivationFrames gain) {
        return new ResidualFrames(body, bodyNorm, gain, true);
    }

    @Override
    public int inChannels() {
        return channels;
    }

    @Override
    public int outChannels() {
        return post.outChannels();
    }

    @Override
    public int maxOutFrames(int inFrames) {
        return body.maxOutFrames(inFrames);
    }

    @Override
    public long emittedAfter(long consumed) {
        return body.emittedAfter(consumed);
    }

    @Override
    public int period() {
        return body.period();
    }

    @Override
    public void reserve(int frames) {
        if (frames <= reserved) {
            return;
        }
        // the thread's scratch arrays, as process takes them
        int most = body.maxOutFrames(frames);
        Scratch scratch = Scratch.ofThread();
        int mark = scratch.depth();
        scratch.take((long) most * channels);
        body.reserve(frames);
        scratch.take((long) most * channels);
        bodyNorm.reserve(most);
        post.reserve(most);
        scratch.release(mark);
        bodyFrames = most;
        int need = Buffers.frames((long) maxWaiting + frames);
        if (need > capacity) {
            float[] grown = new float[Math.multiplyExact(need, channels)];
            copyOut(0, waiting, grown, 0); // keep the waiting frames, oldest first
            ring = grown;
            capacity = need;
            head = 0;
        }
        reserved = frames;
    }

    @Override
    public void reset() {
        body.reset();
        head = 0;
        waiting = 0;
    }

    @Override
    public void saveState(StateWriter out) {
        body.saveState(out);
        out.writeInt(waiting);
        int first = Math.min(waiting, capacity - head);
        out.writeFloats(ring, head * channels, first * channels);
        out.writeFloats(ring, 0, (waiting - first) * channels);
    }

    @Override
    public void restoreState(StateReader in) {
        body.restoreState(in);
        int count = in.readInt(maxWaiting, "residual block's waiting frames");
        head = 0;
        waiting = 0;
        reserve(1); // room for maxWaiting frames, the most that wait between calls
        in.readFloats(ring, 0, count * channels);
        waiting = count;
    }

    @Override
    public String describe() {
        return (mask ? "mask " : "residual ") + body.describe() + " norm " + bodyNorm.describe() + " post " + post.describe();
    }

    @Override
    public int process(float[] in, int inOff, int frames, float[] out, int outOff) {
        Buffers.checkFrames("in", in, inOff, frames, channels);
        Buffers.checkFrames("out", out, outOff, maxOutFrames(frames), outChannels());
        reserve(frames);
        push(in, inOff, frames);
        long size = (long) bodyFrames * channels;
        Scratch scratch = Scratch.ofThread();
        int mark = scratch.depth();
        try {
            float[] h = scratch.take(size); // the body's output frames
            int m = body.process(in, inOff, frames, h, 0);
            if (m == 0) {
                return 0;
            }
            float[] sum = scratch.take(size); // their norm, then plus the waiting input
            bodyNorm.process(h, 0, m, sum, 0);
            if (mask) {
                int n = post.process(sum, 0, m, out, outOff);
                takeWaiting(m, out, outOff, true);
                return n;
            }
            takeWaiting(m, sum, 0, false);
            return post.process(sum, 0, m, out, outOff);
        } finally {
            scratch.release(mark);
        }
    }

    /** Appends frames to the ring (room is reserved: at most maxWaiting wait before a call). */
    private void push(float[] x, int xo, int frames) {
        if (waiting + frames > capacity) {
            throw new IllegalStateException("the residual ring overflowed: " + waiting + " waiting + " + frames
                    + " > " + capacity + " (the body emits later than its period says)");
        }
        int tail = head + waiting;
        if (tail >= capacity) {
            tail -= capacity;
        }
        int first = Math.min(frames, capacity - tail);
        System.arraycopy(x, xo, ring, tail * channels, first * channels);
        System.arraycopy(x, xo + first * channels, ring, 0, (frames - first) * channels);
        waiting += frames;
    }

    /**
     * {@code y[yo ..] += } (or, {@code times}, {@code *=}) the oldest {@code m} waiting frames,
     * which leave the ring.
     */
    private void takeWaiting(int m, float[] y, int yo, boolean times) {
        if (m > waiting) {
            throw new IllegalStateException("the residual body emitted more frames than it consumed");
        }
        int first = Math.min(m, capacity - head);
        combine(ring, head * channels, y, yo, first * channels, times);
        combine(ring, 0, y, yo + first * channels, (m - first) * channels, times);
        head += m;
        if (head >= capacity) {
            head -= capacity;
        }
        waiting -= m;
    }

    private static void combine(float[] x, int xo, float[] y, int yo, int n, boolean times) {
        if (times) {
            for (int i = 0; i < n; i++) {
                y[yo + i] *= x[xo + i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                y[yo + i] += x[xo + i];
            }
        }
    }

    /** Copies {@code count} waiting frames from the {@code skip}-th oldest into {@code y[yo ..]} in order. */
    private void copyOut(int skip, int count, float[] y, int yo) {
        for (int f = 0; f < count; f++) {
            int slot = (head + skip + f) % capacity;
            System.arraycopy(ring, slot * channels, y, yo + f * channels, channels);
        }
    }
}
