package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.Objects;

/**
 * A {@link NetworkStream} over a body of frame nodes and, for a classifier, its head: the call
 * checks, the classifier's running logits and the buffers between body and head. Generated
 * networks' {@code Stream} classes extend it with the constructor that builds their nodes; a
 * hand-built {@link FrameChain} can use it as it is.
 *
 * <p>A classifier computes its logits (the head's small MLP) only in calls that brought new
 * feature frames; other calls copy the last ones.
 */
public class ChainStream implements NetworkStream {
    private final FrameNode body;
    private final HeadFrames head;
    private final int inChannels;
    private final int channels;
    private final int classes;
    /** Classifier: the feature frames of a call, on their way to the head. */
    private float[] features = new float[0];
    /** Classifier: the logits of the first {@link #logitsFrames} feature frames. */
    private final float[] logits;
    private long logitsFrames;
    /** Whose state this is, for snapshots: the network's fingerprint; the layers' structure is made at the first snapshot. */
    private final NetworkFingerprint fingerprint;
    private StreamSnapshots.Identity identity;
    private StateWriter snapshotBuffer;

    /**
     * A stream of a hand-built chain: its snapshots carry the structure of its layers but no
     * weights' digests (see {@link #ChainStream(FrameNode, HeadFrames, NetworkFingerprint)}).
     *
     * @param body the network's body, input frames to output (feature) frames
     * @param head the classifier head on the body's frames, or null for a network without one
     */
    public ChainStream(FrameNode body, HeadFrames head) {
        this(body, head, NetworkFingerprint.named(""));
    }

    /**
     * @param body        the network's body, input frames to output (feature) frames
     * @param head        the classifier head on the body's frames, or null for a network without one
     * @param fingerprint the network's name and weights, which a snapshot must match to be restored
     */
    public ChainStream(FrameNode body, HeadFrames head, NetworkFingerprint fingerprint) {
        this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
        this.body = Objects.requireNonNull(body, "body");
        this.head = head;
        this.inChannels = body.inChannels();
        this.channels = body.outChannels();
        if (head != null && head.channels() != channels) {
            throw new IllegalArgumentException("the head takes " + head.channels() + " features, the body gives " + channels);
        }
        this.classes = head == null ? 0 : head.classes();
        this.logits = new float[classes];
    }

    @Override
    public final int inChannels() {
        return inChannels;
    }

    @Override
    public final int featureChannels() {
        return channels;
    }

    @Override
    public final int classes() {
        return classes;
    }

    @Override
    public final int process(float[] in, int off, int len, float[] out) {
        int frames = frames(in, off, len);
        if (head == null) {
            fits("out", out, len, maxFeatures(len), "maxOutput");
            return body.process(in, off, frames, out, 0) * channels;
        }
        fits("out", out, len, classes, "maxOutput");
        feed(in, off, frames);
        return logits(out);
    }

    @Override
    public final int maxOutput(int len) {
        if (head == null) {
            return maxFeatures(len);
        }
        checkLength(len);
        return classes;
    }

    @Override
    public final int processFeatures(float[] in, int off, int len, float[] features) {
        int frames = frames(in, off, len);
        fits("features", features, len, maxFeatures(len), "maxFeatures");
        int got = body.process(in, off, frames, features, 0);
        if (head != null) {
            head.accumulate(features, 0, got);
        }
        return got * channels;
    }

    @Override
    public final int maxFeatures(int len) {
        long floats = (long) body.maxOutFrames(checkLength(len)) * channels;
        if (floats > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a call of " + len + " floats may produce " + floats
                    + " output floats, more than an array holds");
        }
        return (int) floats;
    }

    @Override
    public final int logits(float[] out) {
        Objects.requireNonNull(out, "out");
        if (head == null || head.frames() == 0) {
            return 0;
        }
        if (out.length < classes) {
            throw new IllegalArgumentException("out has " + out.length + " floats, the logits are " + classes);
        }
        if (logitsFrames != head.frames()) {
            head.logits(logits);
            logitsFrames = head.frames();
        }
        System.arraycopy(logits, 0, out, 0, classes);
        return classes;
    }

    @Override
    public final void reserve(int len) {
        int frames = checkLength(len);
        body.reserve(frames);
        if (head != null) {
            features = Buffers.atLeast(features, maxFeatures(len));
        }
    }

    @Override
    public final void reset() {
        body.reset();
        if (head != null) {
            head.reset();
        }
        logitsFrames = 0;
    }

    @Override
    public final byte[] snapshot() {
        StreamSnapshots.Identity id = identity();
        if (snapshotBuffer == null) {
            snapshotBuffer = new StateWriter();
        }
        StateWriter out = snapshotBuffer;
        out.clear();
        StreamSnapshots.writeHeader(out, id);
        body.saveState(out);
        if (head != null) {
            head.saveState(out);
        }
        StreamSnapshots.seal(out);
        return out.toByteArray();
    }

    @Override
    public final void restore(byte[] snapshot) {
        StateReader in = StreamSnapshots.open(snapshot, identity());
        try {
            body.restoreState(in);
            if (head != null) {
                head.restoreState(in);
            }
            if (in.remaining() != 0) {
                throw new InvalidInputException("the snapshot holds " + in.remaining()
                        + " bytes more than this stream's state");
            }
        } catch (RuntimeException e) {
            reset(); // never half a state
            throw e;
        }
        logitsFrames = 0; // the logits are recomputed from the restored sums
    }

    private StreamSnapshots.Identity identity() {
        if (identity == null) {
            identity = StreamSnapshots.Identity.of(fingerprint, body, head);
        }
        return identity;
    }

    /** A classifier call: the body's frames into the head's running sums. */
    private void feed(float[] in, int off, int frames) {
        int need = maxFeatures(frames * inChannels);
        if (features.length < need) {
            features = new float[need];
        }
        int got = body.process(in, off, frames, features, 0);
        head.accumulate(features, 0, got);
    }

    /** Checks a call's input range; its frames. */
    private int frames(float[] in, int off, int len) {
        Objects.requireNonNull(in, "in");
        if (off < 0 || len < 0 || off > in.length - len) {
            throw new IllegalArgumentException("off " + off + " and len " + len + " do not fit an input array of "
                    + in.length + " floats");
        }
        return checkLength(len);
    }

    /** Checks a length; its frames. */
    private int checkLength(int len) {
        if (len < 0) {
            throw new IllegalArgumentException("len must not be negative, got " + len);
        }
        if (len % inChannels != 0) {
            throw new IllegalArgumentException("len " + len + " is not a multiple of the " + inChannels
                    + " input channels (a call takes whole frames, frame-major)");
        }
        return len / inChannels;
    }

    private static void fits(String name, float[] a, int len, int need, String method) {
        Objects.requireNonNull(a, name);
        if (a.length < need) {
            throw new IllegalArgumentException(name + " has " + a.length + " floats, but a call of len " + len + " may write "
                    + need + " (" + method + "(" + len + "))");
        }
    }
}
