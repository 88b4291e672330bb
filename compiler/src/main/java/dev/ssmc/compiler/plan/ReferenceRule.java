package dev.ssmc.compiler.plan;

import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import java.util.List;

/**
 * The plan the reference implementation uses, costed with the same model, so that {@code explain}
 * can show what the search gains. The reference always convolves by FFT at exactly 2L points with
 * a kernel made in time (powers, then an FFT), and chooses an order only for s5 and neck, in the
 * forward pass, by a rule that ignores FFT cost: it builds the full kernel {@code K[d,c,l]} when
 * {@code 1/Cin + 1/Cout > 1/batch + 1/coefficients}, and otherwise projects the input to the
 * states first. Its backward passes follow from its forward order by automatic differentiation: a
 * correlation for the input gradient, a cross-correlation of input and output gradient for the
 * kernel's gradient.
 */
public final class ReferenceRule {
    private ReferenceRule() {
    }

    /** Whether the reference builds the full kernel (s5 and neck only). */
    public static boolean usesFullKernel(SsmLayer layer, int batch) {
        if (layer.mode() != SsmMode.S5 && layer.mode() != SsmMode.NECK) {
            return layer.mode() == SsmMode.FULL;
        }
        int coeffs = layer.mode() == SsmMode.S5 ? layer.totalStates() : layer.blocks();
        return 1.0 / layer.inChannels() + 1.0 / layer.ssmOutChannels() > 1.0 / batch + 1.0 / coeffs;
    }

    /** The reference's plan of a spec, or null when it has none for this pass. */
    public static Plan plan(SsmLayer layer, ContractionSpec spec, Profile profile) {
        Tree tree = tree(layer, spec);
        Costing c = new Costing(spec, new TimeAlgorithm.Fft(2 * spec.length()), profile);
        Costing.Option o = build(c, tree);
        if (o == null) {
            return null;
        }
        return new Plan(spec, c.algorithm, o.step(), o.cost());
    }

    /** The reference's order of a pass, as a tree over the spec's operands. */
    static Tree tree(SsmLayer layer, ContractionSpec spec) {
        List<Operand> ops = spec.operands();
        boolean full = usesFullKernel(layer, spec.size('b'));
        Tree kernel = kernelSide(layer, ops, full);
        Tree signal = leaf(ops, "u");
        Tree grad = leaf(ops, "g");
        return switch (spec.pass()) {
            case FORWARD, STREAM_STEP, STREAM_CHUNK -> full ? join(signal, kernel) : dwForward(ops, signal, kernel, "B", "C");
            case GRAD_INPUT -> full ? join(grad, kernel) : dwForward(ops, grad, kernel, "C", "B");
            default -> {
                // the gradient of the kernel is the cross-correlation of input and output gradient,
                // taken back through the kernel's construction
                Tree in = full || leaf(ops, "B") == null || spec.pass() == Pass.GRAD_B ? signal : join(signal, leaf(ops, "B"));
                Tree out = full || leaf(ops, "C") == null || spec.pass() == Pass.GRAD_C ? grad : join(grad, leaf(ops, "C"));
                Tree rest = kernelSide(layer, ops, full);
                yield rest == null ? join(in, out) : join(join(in, out), rest);
            }
        };
    }

    /** The kernel side: V (or lV) with the weights the reference folds into it. */
    private static Tree kernelSide(SsmLayer layer, List<Operand> ops, boolean full) {
        Tree k = null;
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).isKernel()) {
                k = new Tree.Leaf(i);
            }
        }
        Tree e = leaf(ops, "E");
        if (e != null) {
            k = join(k, e);
        }
        if (full) {
            for (String w : new String[] {"B", "C"}) {
                Tree t = leaf(ops, w);
                if (t != null) {
                    k = join(k, t);
                }
            }
        }
        return k;
    }

    /** Project with {@code first}, convolve with the kernel, project with {@code last}. */
    private static Tree dwForward(List<Operand> ops, Tree signal, Tree kernel, String first, String last) {
        Tree t = signal;
        Tree a = leaf(ops, first);
        if (a != null) {
            t = join(t, a);
        }
        t = join(t, kernel);
        Tree b = leaf(ops, last);
        return b == null ? t : join(t, b);
    }

    private static Tree leaf(List<Operand> ops, String name) {
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i).name().equals(name)) {
                return new Tree.Leaf(i);
            }
        }
        return null;
    }

    private static Tree join(Tree a, Tree b) {
        return a == null ? b : b == null ? a : new Tree.Join(a, b);
    }

    /** The reference's placement: kernels by powers in time, every coupling in frequency with an inverse FFT right after. */
    private static Costing.Option build(Costing c, Tree t) {
        if (t instanceof Tree.Leaf l) {
            return c.leafOptions(l.operand()).get(0); // time: signals as given, kernels by powers
        }
        Tree.Join j = (Tree.Join) t;
        Costing.Option a = build(c, j.left());
        Costing.Option b = build(c, j.right());
        if (a == null || b == null) {
            return null;
        }
        boolean coupled = a.step().role().hasTime() && b.step().role().hasTime() && a.step().role() != b.step().role();
        if (coupled) {
            a = c.deliverIn(a, Domain.FREQ);
            b = c.deliverIn(b, Domain.FREQ);
            Costing.Option joined = a == null || b == null ? null : c.join(a, b);
            return joined == null ? null : c.deliverIn(joined, Domain.TIME);
        }
        return c.join(a, b);
    }
}
