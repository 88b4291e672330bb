package dev.ssmc.compiler.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.Examples;
import dev.ssmc.compiler.Ssmc;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checked network's shapes are those of the network it carries, so the compiler generates its
 * class from them without inferring them again, and the class is the one inferring would give.
 */
class CheckedShapesGenerationTest {

    @ParameterizedTest
    @ValueSource(strings = {"kws/kws.ssm", "kws/kws-trained.ssm", "denoise/denoise.ssm"})
    void theCheckedShapesGiveTheSameClass(String rel) {
        Frontend.Compilation c = Frontend.compile(Examples.example(rel));
        assertTrue(c.ok(), c::render);
        assertFalse(c.networks().isEmpty());
        for (Frontend.CheckedNetwork n : c.networks()) {
            assertSame(n.network(), n.shapes().network());
            NetworkShapes inferred = ShapeInference.infer(n.network());
            assertEquals(inferred.nodes(), n.shapes().nodes());
            for (Node node : inferred.nodes()) {
                assertEquals(inferred.rateIn().get(node), n.shapes().rateIn().get(node));
            }
            assertEquals(List.of(inferred.featureChannels(), inferred.outputRate(), inferred.classes()),
                    List.of(n.shapes().featureChannels(), n.shapes().outputRate(), n.shapes().classes()));
            assertEquals(NetworkGenerator.generate(n.network(), "p", Profile.defaults(), rel).toString(),
                    NetworkGenerator.generate(n.shapes(), "p", Profile.defaults(), rel).toString());
        }
    }

    /** A generated class says what made it, which version, and from which file (for readers and tools). */
    @Test
    void theClassIsMarkedGeneratedWithVersionAndSource() {
        Frontend.CheckedNetwork n = Frontend.compile(Examples.example("kws/kws.ssm")).networks().get(0);
        String source = NetworkGenerator.generate(n.shapes(), "p", Profile.defaults(), "kws.ssm").toString();
        int at = source.indexOf("@Generated(");
        assertTrue(at > 0, "no @Generated");
        assertEquals("@Generated(value = \"dev.ssmc.compiler.codegen.NetworkGenerator\", comments = \"ssmc " + Ssmc.VERSION
                + " from kws.ssm\") public final class KeywordSpotterNetwork",
                source.substring(at, source.indexOf(" implements", at)).replaceAll("\\s+", " ").replace("( ", "(")
                        .replace(" )", ")"));
        assertTrue(source.contains("import javax.annotation.processing.Generated;"));
    }
}
