package dev.ssmc.runtime.stream;

/**
 * One node of a streaming network: it consumes audio frames of ONE sequence and emits the output
 * frames the input so far determines, allocating nothing once it has seen a call of the size it
 * is given (see {@link #reserve}).
 *
 * <p>Frames are frame-major: frame {@code f}, channel {@code c} of a buffer is at
 * {@code buf[off + f * channels + c]}, so one time step of all channels is contiguous (what a
 * sample-by-sample loop touches). A node may hold input back: a pooling node waits for whole
 * windows, a residual block waits for its body; so one call's output count is not its input
 * count. {@link #emittedAfter} states exactly how many frames come out for how many went in, and
 * {@link #maxOutFrames} bounds a single call, for sizing output buffers.
 *
 * <p>Implementations are single-threaded and stateful; {@link #reset} returns one to the state it
 * was built in (zero SSM states, no partial windows or waiting frames) and keeps its buffers.
 */
public interface FrameNode {
    /** Channels of every input frame. */
    int inChannels();

    /** Channels of every output frame. */
    int outChannels();

    /**
     * Consumes {@code frames} input frames from {@code in[inOff ..]}, writes the output frames they
     * complete to {@code out[outOff ..]} and returns how many it wrote. {@code out} must have room
     * for {@link #maxOutFrames maxOutFrames(frames)} frames from {@code outOff}, and the output
     * range must not overlap the input range. {@code frames == 0} is allowed (and emits nothing).
     * Allocates nothing when a call of at least {@code frames} frames was reserved or seen before.
     */
    int process(float[] in, int inOff, int frames, float[] out, int outOff);

    /** An upper bound of what one {@link #process} call with {@code inFrames} input frames emits, in any state. */
    int maxOutFrames(int inFrames);

    /**
     * How many output frames a freshly reset node has emitted in total after consuming
     * {@code consumed} frames, however they were split into calls (every node here emits as soon
     * as it can, so this does not depend on the split). Used to size the frames a residual block
     * keeps waiting.
     */
    long emittedAfter(long consumed);

    /**
     * The input frames after which the node's buffering is back where it started: whenever it has
     * consumed a multiple of this, it holds no partial window, so
     * {@code emittedAfter(k * period + m) == emittedAfter(k * period) + emittedAfter(m)}.
     * 1 for nodes that hold nothing back.
     */
    int period();

    /**
     * Sizes internal buffers, and the calling thread's scratch arrays ({@link Scratch}), for calls
     * of up to {@code frames} input frames, so that such calls allocate nothing. Optional:
     * {@link #process} reserves what it needs itself, but a chain reserves for all its nodes up
     * front, because a node behind a pooling node sees varying call sizes even when the chain's
     * input arrives in steady chunks.
     */
    default void reserve(int frames) {
    }

    /** Back to the state after construction: zero SSM states, no buffered frames; buffers are kept. */
    void reset();

    /**
     * Writes the node's state, exactly what {@link #reset} clears (SSM states, a partial window,
     * waiting frames), so that {@link #restoreState} on a node built the same way continues the
     * sequence where this one is. Scratch buffers are not state: a call overwrites them.
     */
    void saveState(StateWriter out);

    /**
     * Reads back what {@link #saveState} wrote, replacing this node's state.
     *
     * @throws IllegalArgumentException when the bytes do not fit this node (another shape, too few
     *     bytes); the node's state is then undefined, and its stream resets it
     */
    void restoreState(StateReader in);

    /**
     * What the node is, on one line: its kind, checkpoint key, channels and shapes (not its weights,
     * nor its state). A snapshot carries a digest of each layer's description, so that a snapshot
     * restores only into a stream of the same structure.
     */
    String describe();
}
