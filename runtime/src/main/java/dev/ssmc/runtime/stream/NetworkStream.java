package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.io.InvalidInputException;

/**
 * One live stream through a whole network: it owns the stream's state (SSM states, partial
 * pooling windows, frames a skip connection waits for, the classifier's running sums) and turns
 * input audio, fed in calls of any size, into what the network computes on the whole sequence.
 * What generated networks return from {@code newStream()} (see {@link StreamingNetwork}).
 *
 * <p><b>Layout.</b> Audio is frame-major: a frame is one time step of all channels, so
 * {@code in[off + f * inChannels() + c]} is channel {@code c} of frame {@code f}; for one channel
 * the input is plain samples. Lengths ({@code len}) count floats, a whole number of frames.
 *
 * <p><b>Results.</b> Any split of a sequence into calls, one frame at a time included, gives the
 * network's whole-sequence output, up to float32 rounding (norms whose statistics span time,
 * {@code layer}, {@code group} and {@code instance}, are applied to each call's frames, as the
 * reference streams them). Pooling steps emit once they have a whole window, so a call may
 * produce fewer frames than it consumes, or none, and a later call catches up.
 *
 * <p><b>Allocation.</b> After the first call of a given {@code len} (or {@link #reserve}), calls
 * of at most that length allocate nothing, also after {@link #reset}. The frames a call passes
 * between its layers are scratch arrays of the calling thread, shared by every stream it runs, so
 * a thread allocates them once, on its first call of that size (or reserve); a stream holds its
 * state. The Vector API path gets there once the JIT has compiled it (the interpreter allocates a
 * vector object per operation).
 *
 * <p><b>Threads.</b> A stream is single-threaded: one call at a time, from any thread (a server's
 * workers may take turns with it). A network object is shared freely: its streams share its
 * weights.
 */
public interface NetworkStream {
    /** Channels of each input frame: {@code len} must be a multiple of this. */
    int inChannels();

    /** Channels of each frame the body emits (the features of a classifier, the output audio of a sequence network). */
    int featureChannels();

    /** Classes of the classifier head, or 0 for a network without a head. */
    int classes();

    /**
     * Feeds {@code len} floats ({@code len / inChannels()} frames) from {@code in[off ..]} and
     * writes what this call produced to {@code out} from index 0:
     * <ul>
     * <li>a network without a head (a denoiser, any sequence network): the output frames this call
     *     completed, frame-major, {@code featureChannels()} floats each;
     * <li>a classifier (a mean head): the logits of all frames so far ({@code classes()} floats),
     *     that is of the mean of every feature frame since the stream began (or was reset), once
     *     there is at least one; before the first feature frame, nothing.
     * </ul>
     * {@code len == 0} is allowed (a classifier then repeats its current logits).
     *
     * @return how many floats were written to {@code out}: a multiple of {@code featureChannels()}
     *     without a head; {@code classes()} or 0 for a classifier
     * @throws IllegalArgumentException when {@code off} or {@code len} is negative or runs past
     *     {@code in}, when {@code len} is not a multiple of {@code inChannels()}, or when {@code out}
     *     has fewer than {@link #maxOutput maxOutput(len)} floats
     */
    int process(float[] in, int off, int len, float[] out);

    /**
     * How many floats {@link #process} may write for a call of {@code len} floats, in any state of
     * the stream: the size {@code out} must have.
     *
     * @throws IllegalArgumentException when {@code len} is negative or not a multiple of {@code inChannels()}
     */
    int maxOutput(int len);

    /**
     * As {@link #process}, but writes the body's output frames this call completed (frame-major,
     * {@code featureChannels()} floats each) whatever the network: a classifier's features before
     * its head, which still takes them into its running mean. Returns the floats written.
     *
     * @throws IllegalArgumentException as {@link #process}, with {@link #maxFeatures} for the size of {@code features}
     */
    int processFeatures(float[] in, int off, int len, float[] features);

    /** How many floats {@link #processFeatures} may write for a call of {@code len} floats. */
    int maxFeatures(int len);

    /**
     * Writes the logits of all feature frames so far to {@code out[0 .. classes())}: what a
     * classifier's {@link #process} last returned, or would return now.
     *
     * @return {@code classes()}, or 0 (nothing written) before the first feature frame and for a network without a head
     * @throws IllegalArgumentException when {@code out} has fewer than {@code classes()} floats
     */
    int logits(float[] out);

    /**
     * Sizes every buffer for calls of up to {@code len} floats, so that even the first such call
     * allocates nothing (optional: a call sizes what it needs itself).
     */
    void reserve(int len);

    /** Back to the start of a new sequence: zero states, no buffered frames, no frames in the mean; buffers are kept. */
    void reset();

    /**
     * The stream's whole state as bytes: every SSM state, partial resampling window, frame a skip
     * connection waits for and the classifier's running sums, after a header with the format
     * version and the network's fingerprint (its name, a digest of each layer's structure and of
     * each stored tensor). {@link #restore} of these bytes, into this stream or another of the same
     * network and weights (in another process, after a restart), continues the sequence exactly
     * where this one is: the outputs are those of an uninterrupted stream, to the bit. Allocates
     * the array it returns.
     */
    byte[] snapshot();

    /**
     * Replaces this stream's state with a {@link #snapshot}'s.
     *
     * @throws InvalidInputException when the bytes are not an intact snapshot, are of another
     *     format version, or of another network, structure or weights, with a message naming what
     *     differs; the stream is then left as it was when the header does not match, and reset
     *     when the state itself does not fit
     */
    void restore(byte[] snapshot);
}
