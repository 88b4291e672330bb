package dev.ssmc.compiler.ir;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that a network's channels and time ratios fit together and records, for every node, the
 * channels and sample rate (relative to the network input) it sees.
 */
public final class ShapeInference {
    private final Map<Node, Rational> rateIn = new IdentityHashMap<>();
    private final List<Node> order = new ArrayList<>();

    private ShapeInference() {
    }

    /** The checked shapes of {@code network}; an {@link IrException} names the first node that does not fit. */
    public static NetworkShapes infer(Network network) {
        ShapeInference s = new ShapeInference();
        if (network.inChannels() < 1) {
            throw new IrException(network.origin(), "the input needs at least 1 channel, got " + network.inChannels());
        }
        if (network.body().isEmpty() && network.head().isEmpty()) {
            throw new IrException(network.origin(), "network '" + network.name() + "' has no layers");
        }
        Rational rate = Rational.ONE;
        int channels = s.walk(network.body(), network.inChannels(), rate, "the input");
        for (Node n : network.body()) {
            rate = rate.times(n.timeRatio());
        }
        int classes = 0;
        if (network.head().isPresent()) {
            Head head = network.head().get();
            int features = channels;
            for (Dense d : head.layers()) {
                if (d.in() != features) {
                    throw new IrException(head.origin(), "linear layer '" + d.key() + "' takes " + d.in()
                            + " features but receives " + features);
                }
                if (d.out() < 1) {
                    throw new IrException(head.origin(), "linear layer '" + d.key() + "' needs at least 1 output, got " + d.out());
                }
                new Activation(NormKind.NONE, d.after(), 0).validate(head.origin(), d.out());
                features = d.outFeatures();
            }
            classes = features;
        }
        return new NetworkShapes(network, List.copyOf(s.order), s.rateIn, channels, rate, classes);
    }

    private int walk(List<Node> nodes, int channels, Rational rate, String previous) {
        for (Node n : nodes) {
            n.validate();
            if (n.inChannels() != channels) {
                throw new IrException(n.origin(), n.origin().what() + " takes " + n.inChannels()
                        + " channels but " + previous + " gives " + channels);
            }
            order.add(n);
            rateIn.put(n, rate);
            if (n instanceof Residual r) {
                int bodyOut = walk(r.body(), channels, rate, "the block's input");
                Rational bodyRatio = Rational.ONE;
                for (Node b : r.body()) {
                    bodyRatio = bodyRatio.times(b.timeRatio());
                }
                String block = r.mask() ? "a mask" : "a residual block";
                String use = r.mask() ? "scale its input" : "be added to its input";
                if (!bodyRatio.isOne()) {
                    throw new IrException(r.origin(), "the body of " + block + " must keep the sample rate, but it changes it by "
                            + bodyRatio + "; its output could not " + use);
                }
                if (bodyOut != channels) {
                    throw new IrException(r.origin(), "the body of " + block + " must keep the channels so its output can "
                            + use + ", but it turns " + channels + " channels into " + bodyOut);
                }
            }
            channels = n.outChannels();
            rate = rate.times(n.timeRatio());
            previous = n.origin().what();
        }
        return channels;
    }
}
