package dev.ssmc.compiler.ir;

import java.util.List;

/**
 * A per-frame head ({@code head frames -> linear 64 -> relu -> linear 17}) in the IR: not a
 * {@link Head}, but body nodes at the end of the body, each item of the head one node under the
 * checkpoint prefix {@code head.{i}} ({@code i} its place in the head): a linear layer is a
 * pointwise conv with bias ({@link ResampleMode#DOWNSAMPLING_WITH_BIAS} at ratio 1, weight
 * {@code [K, C, 1]}, bias {@code [K]}), an activation a standalone {@link ActLayer} without norm.
 * Every engine runs them as body nodes, so a network with a frame head has no classifier head and
 * its features are its per-frame outputs. The prefix is what marks them: no other structure of
 * the language makes keys under {@code head}.
 */
public final class FrameHead {
    /** The checkpoint prefix of a frame head's nodes. */
    public static final String PREFIX = "head";

    private FrameHead() {
    }

    /** The key of the head's item {@code i}. */
    public static String key(int item) {
        return PREFIX + "." + item;
    }

    /** Whether a body node is part of a frame head. */
    public static boolean holds(Node n) {
        String key = n instanceof Resample r ? r.key() : n instanceof ActLayer a ? a.normKey() : "";
        return key.startsWith(PREFIX + ".");
    }

    /** The frame head's nodes of a body, in order: empty without one. */
    public static List<Node> of(List<Node> body) {
        return body.stream().filter(FrameHead::holds).toList();
    }
}
