package dev.ssmc.compiler.exec;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.runtime.model.ActivationLayer;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.model.ClassifierHead;
import dev.ssmc.runtime.model.Layer;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.nn.ResampleKind;
import java.util.ArrayList;
import java.util.List;

/**
 * The IR of a network as the runtime's layers: what the plan engine runs, and what generated
 * code builds in Java. SSM blocks come from a factory (the plan executor's, or generated classes).
 */
public final class RuntimeModels {
    private RuntimeModels() {
    }

    /** A factory of SSM layers: the layer, its activations, the parameters. */
    public interface BlockFactory {
        Layer make(SsmLayer layer, BlockShape shape, ActivationLayer inputAct, ActivationLayer outputAct, Params params);
    }

    public static Model build(Network network, Weights weights, BlockFactory blocks) {
        Params params = key -> weights.tensor(key).data();
        List<Layer> body = layers(network.body(), params, blocks);
        ClassifierHead head = network.head().map(h -> new ClassifierHead(h.layers().stream().map(RuntimeModels::linear).toList(), params))
                .orElse(null);
        return new Model(body, head);
    }

    static ClassifierHead.Linear linear(Dense d) {
        return new ClassifierHead.Linear(d.key(), d.in(), d.out(), postact(d.after()));
    }

    public static BlockShape shape(SsmLayer l) {
        return new BlockShape(BlockMode.of(l.mode().spelling()), l.inChannels(), l.ssmOutChannels(), l.states(), l.blocks());
    }

    public static dev.ssmc.runtime.nn.NormKind norm(NormKind n) {
        return dev.ssmc.runtime.nn.NormKind.of(n.spelling());
    }

    public static PostactKind postact(Postact p) {
        return PostactKind.of(p.spelling());
    }

    public static ResampleKind resample(ResampleMode m) {
        return ResampleKind.of(m.spelling());
    }

    private static List<Layer> layers(List<Node> nodes, Params p, BlockFactory blocks) {
        List<Layer> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n instanceof SsmLayer s) {
                ActivationLayer in = s.mode() == SsmMode.DWS ? new ActivationLayer(norm(s.act().norm()),
                        postact(s.act().postact()), s.act().dropout(), s.inputNormKey(), s.inChannels(), p) : null;
                ActivationLayer outAct = s.activations() ? new ActivationLayer(norm(s.act().norm()),
                        postact(s.act().postact()), s.act().dropout(), s.outputNormKey(), s.ssmOutChannels(), p) : null;
                out.add(blocks.make(s, shape(s), in, outAct, p));
            } else if (n instanceof ActLayer a) {
                out.add(new ActivationLayer(norm(a.act().norm()), postact(a.act().postact()), a.act().dropout(), a.normKey(),
                        a.inChannels(), p));
            } else if (n instanceof Resample r) {
                out.add(new dev.ssmc.runtime.model.ResampleLayer(resample(r.mode()), r.ratio(), r.inChannels(), r.outChannels(),
                        r.key(), p));
            } else if (n instanceof Residual r) {
                int c = r.inChannels();
                List<Layer> body = layers(r.body(), p, blocks);
                ActivationLayer bodyNorm = new ActivationLayer(norm(r.norm()), PostactKind.IDENTITY, r.normKey(), c, p);
                ActivationLayer post = new ActivationLayer(dev.ssmc.runtime.nn.NormKind.NONE, postact(r.postact()), "", c, p);
                out.add(r.mask() ? dev.ssmc.runtime.model.ResidualLayer.mask(body, bodyNorm, post)
                        : new dev.ssmc.runtime.model.ResidualLayer(body, bodyNorm, post));
            } else {
                throw new IllegalStateException("no runtime layer for " + n);
            }
        }
        return out;
    }

}
