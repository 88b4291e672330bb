package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Head;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.syntax.Ast;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One network as it is being lowered, shared by the classes that lower its statements: the
 * channels that flow out of what has been lowered so far (where the next node starts), the body
 * and head built, and the counters that number checkpoint keys the way the reference does.
 */
final class NetworkState {
    private final Activation defaults;
    private final List<Node> body = new ArrayList<>();
    private int flow;
    private Optional<Head> head = Optional.empty();
    private Ast.HeadDecl headDecl;
    private int stages;
    private int layers;
    private int outputs;

    NetworkState(int inChannels, Activation defaults) {
        this.flow = inChannels;
        this.defaults = defaults;
    }

    /** The network's default norm, postact and dropout, from its {@code norm}, {@code act} and {@code dropout}. */
    Activation defaults() {
        return defaults;
    }

    /** The channels of the signal at the point reached, which the next node takes. */
    int flow() {
        return flow;
    }

    /**
     * Moves the point reached to a node's output. A node with errors moves it too, to the channels it
     * meant, so that the nodes after it are checked against what the user wrote rather than failing
     * in turn.
     */
    void flowTo(int channels) {
        flow = channels;
    }

    /** The body built so far, in order; the lowering appends to it. */
    List<Node> body() {
        return body;
    }

    Optional<Head> head() {
        return head;
    }

    void setHead(Head h) {
        head = Optional.of(h);
    }

    /** The {@code head} statement once it has been read (nothing may follow it), else null. */
    Ast.HeadDecl headDecl() {
        return headDecl;
    }

    void setHeadDecl(Ast.HeadDecl h) {
        headDecl = h;
    }

    /** The index of the next {@code stage}: the reference's {@code backbone.{i}}. */
    int nextStage() {
        return stages++;
    }

    /** The key of the next layer of a plain chain: the reference's {@code layers.{i}}. */
    String nextLayerKey() {
        return "layers." + layers++;
    }

    /** The index of the next layer of an {@code output} block: the reference's {@code last_ssms.{i}}. */
    int nextOutput() {
        return outputs++;
    }

    /**
     * A network that is one plain layer is a layer file: its tensors have no prefix, so the layer's
     * key {@code layers.0} becomes the empty one.
     */
    void keyAsLayerFile() {
        if (head.isEmpty() && body.size() == 1 && body.get(0) instanceof SsmLayer l
                && l.key().equals("layers.0")) {
            body.set(0, l.rekeyed(l.origin(), ""));
        }
    }
}
