package dev.ssmc.compiler.ir;

import java.util.List;
import java.util.Map;

/**
 * The result of shape inference.
 *
 * @param nodes          every node, depth first, in execution order (a residual before its body)
 * @param featureChannels the channels of the body's output
 * @param outputRate     the body output's sample rate relative to the input
 * @param classes        the head's output size, 0 without a head
 */
public record NetworkShapes(Network network, List<Node> nodes, Map<Node, Rational> rateIn, int featureChannels,
                            Rational outputRate, int classes) {

    /** The rate a node's input runs at, in Hz: the input's rate times the node's share of it; 0 when no rate is stated. */
    public double rateHz(Node n) {
        Rational r = rateIn.get(n);
        return (double) network.sampleRate() * r.num() / r.den();
    }

    /**
     * The length of the body's output for an input of {@code length} samples, the reference's way:
     * a shortening node keeps {@code floor(T / r)} frames and drops an incomplete last window. A
     * body whose skip additions span resampling ({@link #padsToWholeWindows}) runs on its input
     * padded with zeros to whole windows; its output is cut back to {@code floor(length * rate)}.
     * An {@link IrException} when the input is shorter than one window.
     */
    public int outputLength(int length) {
        checkLength(length, "input");
        if (padsToWholeWindows()) {
            return (int) ((long) length * outputRate.num() / outputRate.den());
        }
        int l = length;
        for (Node n : network.body()) {
            l = (int) ((long) l * n.timeRatio().num() / n.timeRatio().den());
        }
        return l;
    }

    /**
     * The output a stream has given after {@code length} samples: {@link #outputLength}, except that
     * where skip additions span resampling a stream gives the output of whole windows only (the
     * full-sequence pass pads the last window with zeros; a stream waits for its samples). A
     * window is that of the skip block, at the rate the block runs at: the nodes after it take
     * what it has given as any node does (a downsampling step by 3 after a block of windows of 2
     * gives 7 frames of 22 samples, not the 6 of 18, the last whole window of both).
     */
    public int streamedLength(int length) {
        if (!padsToWholeWindows()) {
            return outputLength(length);
        }
        long l = length;
        for (Node n : network.body()) {
            if (n instanceof Residual r && spansResampling(r.body(), true)) {
                long window = requiredMultiple(r.body());
                l = l / window * window;
            } else {
                l = l * n.timeRatio().num() / n.timeRatio().den();
            }
        }
        return (int) l;
    }

    /** The length the body runs on for an input of {@code length} samples: padded to whole windows where it must be. */
    public int paddedLength(int length) {
        return padsToWholeWindows() ? wholeWindows(length) : length;
    }

    /** {@code length} rounded up to whole windows of the network's resampling ({@link #minimumLength()}). */
    public int wholeWindows(int length) {
        long window = requiredMultiple(network.body());
        return (int) ((length + window - 1) / window * window);
    }

    /** Whether a skip addition spans resampling, so the body needs whole windows (see {@link #outputLength}). */
    public boolean padsToWholeWindows() {
        return spansResampling(network.body(), false);
    }

    /** The shortest input: one window of the body's resampling. */
    public int minimumLength() {
        return (int) requiredMultiple(network.body());
    }

    /** An {@link IrException} when {@code samples} (a length named by {@code what}) is shorter than one window. */
    public void checkLength(int samples, String what) {
        if (samples < minimumLength()) {
            throw new IrException(network.origin(), "an " + what + " of " + samples + " samples is shorter than one window of "
                    + network.name() + "'s resampling (" + minimumLength() + " samples)");
        }
    }

    /**
     * Checks that {@code samples} (a length or chunk, named by {@code what}) passes every
     * resampling node whole: what a plan, which fixes one shape, needs.
     */
    public void checkDivisible(int samples, String what) {
        wholeLengthAfter(network.body(), samples, what);
    }

    private void wholeLengthAfter(List<Node> nodes, int length, String what) {
        int l = length;
        for (Node n : nodes) {
            if (n instanceof Residual r) {
                wholeLengthAfter(r.body(), l, what);
            }
            long next = n.timeRatio().applyTo(l);
            if (next < 0) {
                throw new IrException(n.origin(), "a " + what + " of " + length + " samples reaches this node as " + l
                        + " samples, which " + n.origin().what() + " cannot divide by " + n.timeRatio().inverse()
                        + "; use a multiple of " + requiredMultiple(network.body()));
            }
            l = (int) next;
        }
    }

    private static boolean spansResampling(List<Node> nodes, boolean insideSkip) {
        for (Node n : nodes) {
            if (n instanceof Residual r ? spansResampling(r.body(), true) : insideSkip && !n.timeRatio().equals(Rational.ONE)) {
                return true;
            }
        }
        return false;
    }

    /** The smallest input length every resampling node divides evenly. */
    public static long requiredMultiple(List<Node> nodes) {
        return requiredMultiple(nodes, Rational.ONE);
    }

    private static long requiredMultiple(List<Node> nodes, Rational rate) {
        long multiple = 1;
        for (Node n : nodes) {
            if (n instanceof Residual r) {
                multiple = lcm(multiple, requiredMultiple(r.body(), rate));
            }
            rate = rate.times(n.timeRatio());
            // length * rate is whole exactly when rate.den divides length (rate is in lowest terms)
            multiple = lcm(multiple, rate.den());
        }
        return multiple;
    }

    private static long lcm(long a, long b) {
        return a / Rational.gcd(a, b) * b;
    }
}
