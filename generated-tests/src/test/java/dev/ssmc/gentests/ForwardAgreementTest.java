package dev.ssmc.gentests;

import static dev.ssmc.gentests.support.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssmc.gentests.support.Case;
import dev.ssmc.gentests.support.GeneratedClasses;
import dev.ssmc.gentests.support.GeneratedNetwork;
import dev.ssmc.gentests.support.Mutant;
import dev.ssmc.gentests.support.RandomValues;
import dev.ssmc.gentests.support.References;
import dev.ssmc.gentests.support.Structure;
import dev.ssmc.runtime.model.Model;

/**
 * Three executions agree on the full-sequence forward pass: the generated class, the plan engine
 * (the same plans run by the generic plan executor) and the oracle (double precision, direct
 * convolution), within the golden files' tolerance, on random weights and inputs, for random
 * {@code .ssm} networks, random imported reference configs and the fixtures. Norms with statistics
 * over time take part here. The tolerance adds the case's float32 noise floor ({@link
 * dev.ssmc.gentests.support.Close}), negligible but for rare ill-conditioned draws.
 */
class ForwardAgreementTest extends PropertyOverPools {
    private static final int MAX_LENGTH = 32;

    /** With {@code mutant} in the generated network (see {@link Mutant}). */
    @Override
    void check(Structure s, long seed, Mutant mutant) {
        Case c = Case.draw(s, seed, 1, 2, MAX_LENGTH);
        int batch = c.batch();
        String ctx = c.context("");
        References.Outputs oracle = References.oracle(c);
        References.Outputs plan = References.planEngine(c);
        References.Noise noise = References.noise(c);
        GeneratedNetwork g = GeneratedClasses.of(s);
        Model.Outputs gen = g.of(mutant.weights(RandomValues.copy(c.weights()))).forward(c.input().clone(), batch,
                c.length());

        assertEquals(batch, gen.features().batch(), ctx);
        assertEquals(g.features(), gen.features().channels(), "FEATURES\n" + ctx);
        assertEquals(s.outputLength(c.length()), gen.features().length(), "output length\n" + ctx);
        assertClose(oracle.features(), plan.features(), noise.features(), "plan engine features vs oracle", ctx);
        assertClose(oracle.features(), gen.features().x(), noise.features(), "generated features vs oracle", ctx);
        assertClose(plan.features(), gen.features().x(), noise.features(), "generated features vs plan engine", ctx);
        if (oracle.logits() == null) {
            assertEquals(0, g.classes(), "CLASSES without a head\n" + ctx);
            assertEquals(null, gen.logits(), "logits without a head\n" + ctx);
        } else {
            assertEquals(batch * g.classes(), gen.logits().size(), "logits of CLASSES per element\n" + ctx);
            assertClose(oracle.logits(), plan.logits(), noise.logits(), "plan engine logits vs oracle", ctx);
            assertClose(oracle.logits(), gen.logits().data(), noise.logits(), "generated logits vs oracle", ctx);
            assertClose(plan.logits(), gen.logits().data(), noise.logits(), "generated logits vs plan engine", ctx);
        }
    }
}
