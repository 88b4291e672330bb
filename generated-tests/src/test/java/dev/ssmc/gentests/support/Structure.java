package dev.ssmc.gentests.support;

import dev.ssmc.compiler.RandomLengths;
import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Rational;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.syntax.check.Frontend;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One network structure under test: where it comes from, its {@code .ssm} source, its checked IR.
 * Weights and inputs are drawn per try; a structure's generated class is compiled once.
 *
 * @param id     unique among all structures of a run (it names the generated class's package)
 * @param family the pool it belongs to: a fixture, a random source, an imported reference config
 */
public record Structure(String id, String family, String source, Network network, NetworkShapes shapes) {

    /** Compiles {@code source}, which must hold exactly one network; a front-end error is a test failure with the rendered diagnostics. */
    public static Structure compile(String id, String family, String file, String source) {
        List<Structure> all = compileAll(id, family, file, source);
        if (all.size() != 1) {
            throw new AssertionError(file + " holds " + all.size() + " networks, not one");
        }
        return all.get(0);
    }

    /**
     * Every network of {@code source}; a file of several networks gives ids {@code idPrefix.Name}.
     * A front-end error is a test failure with the rendered diagnostics.
     */
    public static List<Structure> compileAll(String idPrefix, String family, String file, String source) {
        Frontend.Compilation c = Frontend.compile(file, source);
        if (!c.ok() || c.networks().isEmpty()) {
            throw new AssertionError(file + " (" + family + " " + idPrefix + ") does not compile:\n" + c.render()
                    + "\n--- source ---\n" + source);
        }
        List<Structure> out = new ArrayList<>();
        for (Frontend.CheckedNetwork n : c.networks()) {
            String id = c.networks().size() == 1 ? idPrefix : idPrefix + "." + n.network().name();
            out.add(new Structure(id, family, source, n.network(), ShapeInference.infer(n.network())));
        }
        return out;
    }

    public String name() {
        return network.name();
    }

    /** Every norm the network applies somewhere (in layers, activations, residual blocks). */
    public Set<NormKind> norms() {
        Set<NormKind> out = EnumSet.noneOf(NormKind.class);
        for (Node n : shapes.nodes()) {
            if (n instanceof SsmLayer l && (l.activations() || l.mode() == SsmMode.DWS)) {
                out.add(l.act().norm());
            } else if (n instanceof ActLayer a) {
                out.add(a.act().norm());
            } else if (n instanceof Residual r) {
                out.add(r.norm());
            }
        }
        return out;
    }

    /** Whether every norm depends on the current time step only, so streaming must equal the full sequence. */
    public boolean causal() {
        return norms().stream().allMatch(NormKind::causal);
    }

    /** One window of the network's resampling: the shortest input, and what plan lengths are multiples of. */
    public int window() {
        return shapes.minimumLength();
    }

    /**
     * The one input length a network with a {@code layer} norm runs at (that norm normalizes over
     * time, so the length it sees must equal its channel count), or 0 when any multiple works.
     */
    public int fixedLength() {
        List<Integer> lengths = new ArrayList<>();
        for (Node n : shapes.nodes()) {
            Rational rate = shapes.rateIn().get(n);
            if (n instanceof SsmLayer l) {
                if (l.mode() == SsmMode.DWS && l.act().norm() == NormKind.LAYER) {
                    lengths.add(inputLength(l.inChannels(), rate));
                }
                if (l.activations() && l.act().norm() == NormKind.LAYER) {
                    lengths.add(inputLength(l.ssmOutChannels(), rate));
                }
            } else if (n instanceof ActLayer a && a.act().norm() == NormKind.LAYER) {
                lengths.add(inputLength(a.inChannels(), rate));
            } else if (n instanceof Residual r && r.norm() == NormKind.LAYER) {
                lengths.add(inputLength(r.inChannels(), rate));
            }
        }
        if (lengths.stream().distinct().count() > 1) {
            throw new IllegalStateException(id + ": its layer norms need different input lengths " + lengths);
        }
        return lengths.isEmpty() ? 0 : lengths.get(0);
    }

    private int inputLength(int channels, Rational rate) {
        long len = Rational.of(channels, 1).times(rate.inverse()).applyTo(1);
        if (len <= 0) {
            throw new IllegalStateException(id + ": a layer norm over " + channels + " channels at rate " + rate
                    + " needs a fractional input length");
        }
        return (int) len;
    }

    /**
     * A random input length of at most about {@code maxSamples} (at least one window; any length,
     * half of the time a whole number of windows), or the fixed length a {@code layer} norm asks for.
     */
    public int randomLength(Random rnd, int maxSamples) {
        int fixed = fixedLength();
        return fixed > 0 ? fixed : RandomLengths.draw(network, rnd, maxSamples);
    }

    /** What a stream fed {@code length} samples gives of the body's output: see {@link NetworkShapes#streamedLength}. */
    public int streamedLength(int length) {
        return shapes.streamedLength(length);
    }

    /** The body's output length for an input of {@code length} samples. */
    public int outputLength(int length) {
        return shapes.outputLength(length);
    }

    /** What a failure message shows to reproduce the case: the structure and its source. */
    public String describe() {
        return family + " " + id + " (network " + network.name() + "):\n" + source.strip() + "\n";
    }

    @Override
    public String toString() {
        return family + " " + id + " (" + network.name() + ")";
    }
}
