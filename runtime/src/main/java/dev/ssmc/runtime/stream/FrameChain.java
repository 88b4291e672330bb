package dev.ssmc.runtime.stream;

import java.util.List;

/**
 * Nodes in order, each feeding the next: a network body on frames, or the body of a
 * {@link ResidualFrames}. The frames between nodes live in two of the thread's {@link Scratch}
 * arrays used in turn (a node's input and output never share one), sized from the nodes'
 * {@link FrameNode#maxOutFrames}; every node is told the largest call it can then receive
 * ({@link FrameNode#reserve}), so a node behind a pooling node does not allocate when its call
 * sizes vary.
 */
public final class FrameChain implements FrameNode {
    private final FrameNode[] nodes;
    private final int period;
    private int reserved;
    /** The floats of the two scratch arrays for a call of {@code reserved} frames (enough for any smaller call). */
    private long evenSize;
    private long oddSize;

    /** @param nodes at least one node; each one's input channels must be its predecessor's output channels */
    public FrameChain(List<? extends FrameNode> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a chain needs at least one node");
        }
        this.nodes = nodes.toArray(new FrameNode[0]);
        long p = 1;
        for (int i = 0; i < this.nodes.length; i++) {
            FrameNode node = this.nodes[i];
            if (i > 0 && node.inChannels() != this.nodes[i - 1].outChannels()) {
                throw new IllegalArgumentException("node " + i + " (" + node.getClass().getSimpleName() + ") takes "
                        + node.inChannels() + " channels but its predecessor gives " + this.nodes[i - 1].outChannels());
            }
            // Whenever the chain's input is a multiple of the product of the periods, every node's
            // input is a multiple of its own period (upsampling only multiplies counts).
            p = Math.multiplyExact(p, node.period());
        }
        this.period = Math.toIntExact(p);
    }

    /** A chain of the given nodes. */
    public static FrameChain of(FrameNode... nodes) {
        return new FrameChain(List.of(nodes));
    }

    /** The nodes, in order. */
    public List<FrameNode> nodes() {
        return List.of(nodes);
    }

    @Override
    public int inChannels() {
        return nodes[0].inChannels();
    }

    @Override
    public int outChannels() {
        return nodes[nodes.length - 1].outChannels();
    }

    @Override
    public int maxOutFrames(int inFrames) {
        int f = inFrames;
        for (FrameNode node : nodes) {
            f = node.maxOutFrames(f);
        }
        return f;
    }

    @Override
    public long emittedAfter(long consumed) {
        long f = consumed;
        for (FrameNode node : nodes) {
            f = node.emittedAfter(f);
        }
        return f;
    }

    @Override
    public int period() {
        return period;
    }

    @Override
    public void reserve(int frames) {
        if (frames <= reserved) {
            return;
        }
        // as process takes them: the chain's two arrays, then each node's own (deeper) ones
        evenSize = bufferSize(frames, 0);
        oddSize = bufferSize(frames, 1);
        Scratch scratch = Scratch.ofThread();
        int mark = scratch.depth();
        scratch.take(evenSize);
        scratch.take(oddSize);
        int f = frames;
        for (FrameNode node : nodes) {
            node.reserve(f);
            f = node.maxOutFrames(f);
        }
        scratch.release(mark);
        reserved = frames;
    }

    /**
     * The floats of the scratch array {@code parity} (0: even, 1: odd) for a call of {@code frames}
     * frames: node {@code i} writes array {@code i % 2}, the last node the caller's output.
     */
    private long bufferSize(int frames, int parity) {
        long size = 0;
        int f = frames;
        for (int i = 0; i < nodes.length - 1; i++) {
            f = nodes[i].maxOutFrames(f);
            if (i % 2 == parity) {
                size = Math.max(size, (long) f * nodes[i].outChannels());
            }
        }
        return size;
    }

    @Override
    public void reset() {
        for (FrameNode node : nodes) {
            node.reset();
        }
    }

    @Override
    public void saveState(StateWriter out) {
        for (FrameNode node : nodes) {
            node.saveState(out);
        }
    }

    @Override
    public void restoreState(StateReader in) {
        for (FrameNode node : nodes) {
            node.restoreState(in);
        }
    }

    /** The nodes' descriptions in order, {@code [a; b; ...]}. */
    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < nodes.length; i++) {
            sb.append(i == 0 ? "" : "; ").append(nodes[i].describe());
        }
        return sb.append(']').toString();
    }

    @Override
    public int process(float[] in, int inOff, int frames, float[] out, int outOff) {
        Buffers.checkFrames("in", in, inOff, frames, inChannels());
        Buffers.checkFrames("out", out, outOff, maxOutFrames(frames), outChannels());
        reserve(frames);
        Scratch scratch = Scratch.ofThread();
        int mark = scratch.depth();
        try {
            float[] even = scratch.take(evenSize);
            float[] odd = scratch.take(oddSize);
            float[] src = in;
            int srcOff = inOff;
            int f = frames;
            int last = nodes.length - 1;
            for (int i = 0; i < last; i++) {
                float[] dst = (i & 1) == 0 ? even : odd;
                f = nodes[i].process(src, srcOff, f, dst, 0);
                src = dst;
                srcOff = 0;
            }
            return nodes[last].process(src, srcOff, f, out, outOff);
        } finally {
            scratch.release(mark);
        }
    }
}
