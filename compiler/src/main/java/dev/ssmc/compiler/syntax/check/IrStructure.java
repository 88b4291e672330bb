package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Head;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.Origin;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.SsmLayer;
import java.util.List;

/**
 * Compares networks by structure: two networks built different ways (from a reference config, from
 * {@code .ssm} source) are the same network when they are equal with every {@link Origin} blanked.
 */
public final class IrStructure {
    private static final Origin BLANK = Origin.of("");

    private IrStructure() {
    }

    /** The same network with every origin replaced by one blank origin. */
    public static Network withoutOrigins(Network n) {
        return new Network(n.name(), BLANK, n.inChannels(), n.sampleRate(), strip(n.body()),
                n.head().map(h -> new Head(BLANK, h.layers())), n.planning());
    }

    public static boolean sameStructure(Network a, Network b) {
        return withoutOrigins(a).equals(withoutOrigins(b));
    }

    private static List<Node> strip(List<Node> nodes) {
        return nodes.stream().map(IrStructure::strip).toList();
    }

    private static Node strip(Node n) {
        if (n instanceof SsmLayer l) {
            return l.rekeyed(BLANK, l.key());
        }
        if (n instanceof ActLayer a) {
            return new ActLayer(BLANK, a.normKey(), a.inChannels(), a.act());
        }
        if (n instanceof Resample r) {
            return new Resample(BLANK, r.key(), r.mode(), r.ratio(), r.inChannels(), r.outChannels());
        }
        Residual r = (Residual) n;
        return new Residual(BLANK, strip(r.body()), r.norm(), r.normKey(), r.postact(), r.mask());
    }
}
