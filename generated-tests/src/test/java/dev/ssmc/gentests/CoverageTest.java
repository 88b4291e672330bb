package dev.ssmc.gentests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.FrameHead;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.gentests.support.Pools;
import dev.ssmc.gentests.support.Structure;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What the properties run on covers the language: every SSM mode, norm, postact and resampling
 * mode, residual blocks, masks, encoder/decoders, classifier and frame heads, bare layers; the fixtures also hold
 * both examples. Read from the checked IR, so a fixture or generator that stops producing a
 * construct fails here rather than quietly testing less.
 */
class CoverageTest {
    @Test
    void fixturesCoverEveryConstruct() {
        Constructs.of(Pools.fixtures()).assertEverything();
        Set<String> names = new TreeSet<>();
        Pools.fixtures().forEach(s -> names.add(s.name()));
        assertTrue(names.containsAll(Set.of("KeywordSpotter", "Denoiser")), "both examples are fixtures: " + names);
    }

    @Test
    void randomPoolsCoverEveryConstruct() {
        List<Structure> random = new ArrayList<>(Pools.sources());
        random.addAll(Pools.imported());
        // `layer` norm ties the input length to a channel count: imported layer configs only
        Constructs.of(random).assertEverything();
        Constructs sources = Constructs.of(Pools.sources());
        assertEquals(EnumSet.allOf(ResampleMode.class), sources.resampling, "resampling modes written as .ssm");
    }

    /** The constructs a set of structures uses. */
    private static final class Constructs {
        final Set<SsmMode> modes = EnumSet.noneOf(SsmMode.class);
        final Set<NormKind> norms = EnumSet.noneOf(NormKind.class);
        final Set<Postact> postacts = EnumSet.noneOf(Postact.class);
        final Set<ResampleMode> resampling = EnumSet.noneOf(ResampleMode.class);
        final Set<String> shapes = new TreeSet<>();

        /** Every SSM mode, norm, postact, resampling mode and network shape. */
        void assertEverything() {
            assertEquals(EnumSet.allOf(SsmMode.class), modes, "SSM modes");
            assertEquals(EnumSet.allOf(NormKind.class), norms, "norms");
            assertEquals(EnumSet.allOf(Postact.class), postacts, "postacts");
            assertEquals(EnumSet.allOf(ResampleMode.class), resampling, "resampling modes");
            assertEquals(Set.of("residual block", "mask", "encoder/decoder", "head", "frame head", "bare layer",
                    "streaming-exact", "norms over time"), shapes, "network shapes");
        }

        static Constructs of(List<Structure> structures) {
            Constructs c = new Constructs();
            for (Structure s : structures) {
                c.norms.addAll(s.norms());
                c.shapes.add(s.causal() ? "streaming-exact" : "norms over time");
                s.network().head().ifPresent(h -> {
                    c.shapes.add("head");
                    for (Dense d : h.layers()) {
                        c.postacts.add(d.after());
                    }
                });
                if (!FrameHead.of(s.network().body()).isEmpty()) {
                    c.shapes.add("frame head");
                }
                if (s.network().body().size() == 1 && s.network().body().get(0) instanceof SsmLayer l && l.key().isEmpty()) {
                    c.shapes.add("bare layer");
                }
                for (Node n : s.shapes().nodes()) {
                    if (n instanceof SsmLayer l) {
                        c.modes.add(l.mode());
                        if (l.activations() || l.mode() == SsmMode.DWS) {
                            c.postacts.add(l.act().postact());
                        }
                    } else if (n instanceof ActLayer a) {
                        c.postacts.add(a.act().postact());
                    } else if (n instanceof Resample r) {
                        c.resampling.add(r.mode());
                    } else if (n instanceof Residual r) {
                        // a skip addition of a U-Net level has no norm key; a residual block has one
                        c.shapes.add(r.mask() ? "mask" : r.normKey().isEmpty() ? "encoder/decoder" : "residual block");
                        c.postacts.add(r.postact());
                    }
                }
            }
            return c;
        }
    }
}
