package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.syntax.Ast;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The checks that need a whole network: how much it resamples in all, and that its checkpoint keys are distinct. */
final class NetworkChecks {
    private NetworkChecks() {
    }

    /**
     * Rejects resampling so extreme that the IR's exact rationals or the planned lengths would
     * overflow; run before shape inference, which computes with them.
     */
    static boolean totalRatioInRange(FileContext ctx, List<Node> body) {
        BigInteger product = BigInteger.ONE;
        for (Node n : flatten(body)) {
            if (n instanceof Resample r) {
                product = product.multiply(BigInteger.valueOf(r.ratio()));
                if (product.compareTo(BigInteger.valueOf(Limits.MAX_TOTAL_RATIO)) > 0) {
                    ctx.error(r.origin(), "the resampling ratios of this network multiply to more than 2^30",
                            "no audio network needs this much resampling; check the ratios");
                    return false;
                }
            }
        }
        return true;
    }

    /** Two tensors with one key would load the same checkpoint entry; only a second encoder/decoder can cause it. */
    static void checkKeys(FileContext ctx, Ast.NetworkDecl decl, Network network) {
        Set<String> seen = new HashSet<>();
        for (ParamSpec p : network.parameters()) {
            if (!seen.add(p.key())) {
                ctx.error(decl.name().pos(), "two tensors of network `" + decl.name().text()
                        + "` would share the checkpoint key `" + p.key() + "`",
                        "a network has at most one encoder/decoder; write other layers as a chain or stages");
                return;
            }
        }
    }

    /** Every node, residual bodies included, depth first. */
    private static List<Node> flatten(List<Node> nodes) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            out.add(n);
            if (n instanceof Residual r) {
                out.addAll(flatten(r.body()));
            }
        }
        return out;
    }
}
