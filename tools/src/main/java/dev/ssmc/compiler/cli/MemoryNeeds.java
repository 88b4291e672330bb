package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.exec.RuntimeModels;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Rational;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.syntax.check.Summary;
import dev.ssmc.runtime.model.SsmCarry;
import java.util.Locale;

/**
 * What a command will allocate, at least, checked against the heap before it allocates: a network
 * or a batch too large for memory is refused at once, in one line that says how much it needs and
 * how much there is, instead of an OutOfMemoryError minutes later. The figures are lower bounds
 * (what must be held, not every temporary), so a refusal is never wrong; what slips past them
 * still ends as one line ({@link #ranOut()}).
 */
final class MemoryNeeds {
    /**
     * Floats a training step holds per float of the node outputs of its batch: the tape keeps each
     * node's input, normalized and activated values for the backward pass, the SSM blocks' plans
     * their intermediates, and the backward pass makes gradients of the same sizes. Measured with
     * {@code ssmc bench FILE --pass train} under the smallest -Xmx that runs it (batch 32, 1 s): the
     * keyword spotter of examples/kws needs about 3.7 times its node outputs, networks without
     * norms or activations more than 4.5 times; 3 keeps the estimate below what is really needed.
     */
    private static final int TRAINING_COPIES = 3;

    private MemoryNeeds() {
    }

    /** A network's own memory: its stored tensors and the per-state copies its SSM blocks prepare. */
    static long network(Network network) {
        return saturated(networkBytes(network));
    }

    /**
     * A training step on {@code batch} sequences of {@code length} samples, with the network: its
     * gradients and AdamW's two moments are three more copies of the stored tensors.
     */
    static long training(Network network, long batch, long length) {
        return saturated(networkBytes(network) + 3.0 * Float.BYTES * storedFloats(network)
                + TRAINING_COPIES * activationBytes(network, batch, length));
    }

    /** A forward pass (evaluation) on {@code batch} sequences of {@code length} samples, with the network. */
    static long forward(Network network, long batch, long length) {
        return saturated(networkBytes(network) + activationBytes(network, batch, length));
    }

    /** {@code count} streams of the network, each with its own state (one complex value per SSM state). */
    static long streams(Network network, long count) {
        double states = 0;
        for (Node n : ShapeInference.infer(network).nodes()) {
            if (n instanceof SsmLayer l) {
                states += RuntimeModels.shape(l).stateCount();
            }
        }
        return saturated(networkBytes(network) + count * states * 2 * Double.BYTES);
    }

    /**
     * Refuses, before anything is allocated, work that needs more than the heap has free.
     *
     * @param what  what needs the memory, e.g. "training network Kws at batch 32 x length 16000"
     * @param less  how to ask for less, e.g. "use a smaller --batch"
     */
    static void require(long bytes, String what, String less) {
        long free = freeHeap();
        if (bytes > free) {
            throw new UserError(what + " needs at least " + size(bytes) + " of memory, but the Java heap has "
                    + size(free) + " free; " + less + ", or give Java more heap with SSMC_JAVA_OPTS=-Xmx<size>");
        }
    }

    /** {@code network Kws (36,400 parameters)}: what {@link #require} says needs the memory. */
    static String describe(Network network) {
        long parameters = Summary.facts(network, ShapeInference.infer(network)).parameters();
        return String.format(Locale.ROOT, "network %s (%,d parameters)", network.name(), parameters);
    }

    /** The error for an OutOfMemoryError that the estimates let through. */
    static UserError ranOut() {
        return new UserError("ran out of memory: the Java heap has " + size(Runtime.getRuntime().maxMemory())
                + "; ask for less (a smaller network, batch, length or count), or give Java more heap with"
                + " SSMC_JAVA_OPTS=-Xmx<size>");
    }

    private static double networkBytes(Network network) {
        double bytes = Float.BYTES * storedFloats(network);
        for (Node n : ShapeInference.infer(network).nodes()) {
            if (n instanceof SsmLayer l) {
                bytes += SsmCarry.bytes(RuntimeModels.shape(l));
            }
        }
        return bytes;
    }

    private static double storedFloats(Network network) {
        double floats = 0;
        for (ParamSpec p : network.parameters()) {
            floats += p.elements();
        }
        return floats;
    }

    /** The input and every node's output, for a batch: what the tensors a pass makes add up to, at least. */
    private static double activationBytes(Network network, long batch, long length) {
        NetworkShapes shapes = ShapeInference.infer(network);
        double floats = (double) network.inChannels() * length;
        for (Node n : shapes.nodes()) {
            Rational out = shapes.rateIn().get(n).times(n.timeRatio());
            floats += (double) n.outChannels() * length * out.num() / out.den();
        }
        return floats * batch * Float.BYTES;
    }

    private static long freeHeap() {
        Runtime r = Runtime.getRuntime();
        return r.maxMemory() - (r.totalMemory() - r.freeMemory());
    }

    /** Bytes as a long; sizes past it (networks of 2^20 channels and states) are "more than any heap". */
    private static long saturated(double bytes) {
        return bytes >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) bytes;
    }

    /** {@code 1.5 GB}, {@code 320 MB}: enough digits to compare the two figures of a message. */
    static String size(long bytes) {
        double gb = bytes / 1e9;
        return gb >= 1 ? String.format(Locale.ROOT, "%,.1f GB", gb) : String.format(Locale.ROOT, "%,.0f MB", bytes / 1e6);
    }
}
