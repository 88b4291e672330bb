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

    /** The length of the body's output for an input of {@code length} samples, or an error naming the node that cannot divide it. */
    public int outputLength(int length) {
        return lengthAfter(network.body(), length, Rational.ONE, "length");
    }

    /** Checks that {@code samples} (a length or chunk, named by {@code what}) passes every resampling node whole. */
    public void checkDivisible(int samples, String what) {
        lengthAfter(network.body(), samples, Rational.ONE, what);
    }

    private int lengthAfter(List<Node> nodes, int length, Rational rate, String what) {
        int l = length;
        for (Node n : nodes) {
            if (n instanceof Residual r) {
                lengthAfter(r.body(), l, rate, what);
            }
            long next = n.timeRatio().applyTo(l);
            if (next < 0) {
                throw new IrException(n.origin(), "a " + what + " of " + length + " samples reaches this node as " + l
                        + " samples, which " + n.origin().what() + " cannot divide by " + n.timeRatio().inverse()
                        + "; use a multiple of " + requiredMultiple(network.body()));
            }
            l = (int) next;
        }
        return l;
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
