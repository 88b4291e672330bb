package dev.ssmc.gentests;

import static dev.ssmc.gentests.support.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssmc.gentests.support.GeneratedClasses;
import dev.ssmc.gentests.support.GeneratedNetwork;
import dev.ssmc.gentests.support.Mutant;
import dev.ssmc.gentests.support.Pools;
import dev.ssmc.gentests.support.RandomValues;
import dev.ssmc.gentests.support.References;
import dev.ssmc.gentests.support.Structure;
import dev.ssmc.runtime.model.Model;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Three executions agree on the full-sequence forward pass: the generated class, the plan engine
 * (the same plans run by the generic plan executor) and the oracle (double precision, direct
 * convolution), within the golden files' tolerance, on random weights and inputs, for random
 * {@code .ssm} networks, random imported reference configs and the fixtures. Norms with statistics
 * over time take part here. The tolerance adds the case's float32 noise floor ({@link
 * dev.ssmc.gentests.support.Close}), negligible but for rare ill-conditioned draws.
 */
class ForwardAgreementTest {
    static final int TRIES = 200;
    private static final int MAX_LENGTH = 32;

    @Property(tries = TRIES)
    void randomSourcesAgree(@ForAll("sources") Structure s, @ForAll long seed) {
        check(s, seed);
    }

    @Property(tries = TRIES)
    void importedConfigsAgree(@ForAll("imported") Structure s, @ForAll long seed) {
        check(s, seed);
    }

    @Property(tries = TRIES)
    void fixturesAgree(@ForAll("fixtures") Structure s, @ForAll long seed) {
        check(s, seed);
    }

    static void check(Structure s, long seed) {
        check(s, seed, Mutant.NONE);
    }

    /** The property on one try, with {@code mutant} in the generated network (see {@link Mutant}). */
    static void check(Structure s, long seed, Mutant mutant) {
        Random rnd = new Random(seed);
        int batch = 1 + rnd.nextInt(2);
        int length = s.randomLength(rnd, MAX_LENGTH);
        Map<String, float[]> w = RandomValues.weights(s.network(), rnd);
        float[] x = RandomValues.gaussian(rnd, batch * s.network().inChannels() * length);
        String ctx = "batch " + batch + ", length " + length + ", seed " + seed + ", " + s.describe();

        References.Outputs oracle = References.oracle(s.network(), w, x, batch, length);
        References.Outputs plan = References.planEngine(s.network(), w, x, batch, length);
        References.Noise noise = References.noise(s.network(), w, x, batch, length, rnd);
        GeneratedNetwork g = GeneratedClasses.of(s);
        Model.Outputs gen = g.of(mutant.weights(RandomValues.copy(w))).forward(x.clone(), batch, length);

        assertEquals(batch, gen.features().batch(), ctx);
        assertEquals(g.features(), gen.features().channels(), "FEATURES\n" + ctx);
        assertEquals(s.outputLength(length), gen.features().length(), "output length\n" + ctx);
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

    @Provide
    Arbitrary<Structure> sources() {
        return Pools.of(Pools.sources(), s -> true);
    }

    @Provide
    Arbitrary<Structure> imported() {
        return Pools.of(Pools.imported(), s -> true);
    }

    @Provide
    Arbitrary<Structure> fixtures() {
        return Pools.of(Pools.fixtures(), s -> true);
    }
}
