package dev.ssmc.compiler.plan;

import dev.ssmc.compiler.ir.SsmLayer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contraction specs of an SSM block (see the "contraction view" of the design): the
 * operands of each mode, and for each pass which of them meet. Index letters: {@code b} batch,
 * {@code c} input channel, {@code d} output channel, {@code n} state, {@code j} block,
 * {@code m} state within a block; {@code t}, {@code s}, {@code l} time (see {@link TimeRole}).
 */
public final class Specs {
    private Specs() {
    }

    /** The operands of a block's forward contraction, in the design's order. */
    static List<Operand> forwardOperands(SsmLayer layer) {
        return switch (layer.mode()) {
            case DWS -> List.of(signal("u", "bct"), weight("E", "cn"), kernel("V", "cnl"));
            case S5 -> List.of(signal("u", "bct"), weight("B", "nc"), kernel("V", "nl"), weight("C", "dn"));
            case NECK -> List.of(signal("u", "bct"), weight("B", "jc"), weight("E", "jm"), kernel("V", "jml"),
                    weight("C", "dj"));
            case FULL -> List.of(signal("u", "bct"), weight("E", "dcn"), kernel("V", "dcnl"));
        };
    }

    /** The SSM output's indices (before the mixer): dws keeps the input channels. */
    static String forwardOutput(SsmLayer layer) {
        return layer.mode() == dev.ssmc.compiler.ir.SsmMode.DWS ? "bcs" : "bds";
    }

    /** The sizes of every index for a batch and a length. */
    public static Map<Character, Integer> sizes(SsmLayer layer, int batch, int length) {
        Map<Character, Integer> s = new LinkedHashMap<>();
        s.put('b', batch);
        s.put('c', layer.inChannels());
        s.put('d', layer.ssmOutChannels());
        switch (layer.mode()) {
            case S5 -> s.put('n', layer.totalStates());
            case NECK -> {
                s.put('j', layer.blocks());
                s.put('m', layer.states());
            }
            default -> s.put('n', layer.states());
        }
        s.put('t', length);
        s.put('s', length);
        s.put('l', length);
        return s;
    }

    /** The passes a block has: forward, every gradient, and the two streaming forms. */
    public static List<Pass> passes(SsmLayer layer) {
        List<Pass> p = new ArrayList<>(List.of(Pass.FORWARD, Pass.GRAD_INPUT));
        for (Operand o : forwardOperands(layer)) {
            if (o.kind() == Operand.Kind.WEIGHT) {
                p.add(switch (o.name()) {
                    case "B" -> Pass.GRAD_B;
                    case "C" -> Pass.GRAD_C;
                    default -> Pass.GRAD_E;
                });
            }
        }
        p.add(Pass.GRAD_DYNAMICS);
        p.add(Pass.STREAM_STEP);
        p.add(Pass.STREAM_CHUNK);
        return p;
    }

    /**
     * The spec of one pass. Training passes use {@code batch} and {@code length}; the streaming
     * step has length 1 and the chunk length {@code chunk}, both for one stream (batch 1) and
     * carrying the state.
     */
    public static ContractionSpec of(SsmLayer layer, String block, Pass pass, int batch, int length, int chunk) {
        List<Operand> fwd = forwardOperands(layer);
        String out = forwardOutput(layer);
        Operand u = fwd.get(0);
        Operand g = signal("g", out);
        return switch (pass) {
            case FORWARD -> new ContractionSpec(block, pass, fwd, out, sizes(layer, batch, length), false);
            case STREAM_STEP -> new ContractionSpec(block, pass, fwd, out, sizes(layer, 1, 1), true);
            case STREAM_CHUNK -> new ContractionSpec(block, pass, fwd, out, sizes(layer, 1, chunk), true);
            case GRAD_INPUT -> new ContractionSpec(block, pass, replace(fwd, u, g), u.indices(),
                    sizes(layer, batch, length), false);
            case GRAD_B, GRAD_C, GRAD_E -> {
                String name = pass == Pass.GRAD_B ? "B" : pass == Pass.GRAD_C ? "C" : "E";
                Operand w = fwd.stream().filter(o -> o.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("a " + layer.mode().spelling() + " block has no " + name));
                List<Operand> ops = new ArrayList<>(fwd);
                ops.remove(w);
                ops.add(g);
                yield new ContractionSpec(block, pass, ops, w.indices(), sizes(layer, batch, length), false);
            }
            case GRAD_DYNAMICS -> {
                Operand v = fwd.stream().filter(Operand::isKernel).findFirst().orElseThrow();
                List<Operand> ops = new ArrayList<>(replace(fwd, v, new Operand("lV", v.indices(), Operand.Kind.LAG_KERNEL)));
                ops.add(g);
                yield new ContractionSpec(block, pass, ops, v.stateIndices(), sizes(layer, batch, length), false);
            }
        };
    }

    private static List<Operand> replace(List<Operand> ops, Operand from, Operand to) {
        List<Operand> out = new ArrayList<>(ops);
        out.set(out.indexOf(from), to);
        return out;
    }

    private static Operand signal(String name, String indices) {
        return new Operand(name, indices, Operand.Kind.SIGNAL);
    }

    private static Operand weight(String name, String indices) {
        return new Operand(name, indices, Operand.Kind.WEIGHT);
    }

    private static Operand kernel(String name, String indices) {
        return new Operand(name, indices, Operand.Kind.KERNEL);
    }
}
