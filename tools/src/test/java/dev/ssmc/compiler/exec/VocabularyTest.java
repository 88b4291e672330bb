package dev.ssmc.compiler.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.nn.ResampleKind;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The compiler's IR and the runtime name norms, activations and resampling kinds each in their own
 * enum (the runtime depends on nothing of the compiler's); the compiler maps one to the other by
 * the reference's spelling. These enums must therefore correspond one to one, spelling for
 * spelling, and agree on what each kind is: a kind added on one side only fails here, not in a
 * user's build.
 */
class VocabularyTest {
    private static <E extends Enum<E>> Set<String> spellings(Class<E> type, Function<E, String> spelling) {
        return new TreeSet<>(Arrays.stream(type.getEnumConstants()).map(spelling).toList());
    }

    @Test
    void normsCorrespondOneToOne() {
        assertEquals(spellings(NormKind.class, NormKind::spelling),
                spellings(dev.ssmc.runtime.nn.NormKind.class, dev.ssmc.runtime.nn.NormKind::spelling));
        for (NormKind n : NormKind.values()) {
            assertEquals(n.spelling(), RuntimeModels.norm(n).spelling());
        }
    }

    @Test
    void activationsCorrespondOneToOneAndAgreeOnWhichHalvesTheChannels() {
        assertEquals(spellings(Postact.class, Postact::spelling), spellings(PostactKind.class, PostactKind::spelling));
        for (Postact p : Postact.values()) {
            PostactKind k = RuntimeModels.postact(p);
            assertEquals(p.spelling(), k.spelling());
            assertEquals(p.outFeatures(8) == 8, k.isElementwise(), p.spelling());
        }
    }

    @Test
    void resamplingKindsCorrespondOneToOneAndAgreeOnWeightsBiasAndDirection() {
        assertEquals(spellings(ResampleMode.class, ResampleMode::spelling),
                spellings(ResampleKind.class, ResampleKind::spelling));
        for (ResampleMode m : ResampleMode.values()) {
            ResampleKind k = RuntimeModels.resample(m);
            assertEquals(m.spelling(), k.spelling());
            assertEquals(m.hasWeight(), k.hasWeight(), m.spelling());
            assertEquals(m.hasBias(), k.hasBias(), m.spelling());
            assertEquals(m.direction() == ResampleMode.Direction.UP, k.isUpsampling(), m.spelling());
        }
    }
}
