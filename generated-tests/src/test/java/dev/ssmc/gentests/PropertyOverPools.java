package dev.ssmc.gentests;

import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.gentests.support.Mutant;
import dev.ssmc.gentests.support.Pools;
import dev.ssmc.gentests.support.Structure;
import dev.ssmc.runtime.testing.Property;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * One property run over each pool of structures ({@link Pools}): random {@code .ssm} sources,
 * random imported reference configs and the fixtures, {@link #TRIES} tries each. A subclass states
 * the property for one try ({@link #check}) and, if it applies to some structures only, which
 * ({@link #applies}); JUnit runs the inherited properties for each subclass.
 */
abstract class PropertyOverPools {
    static final int TRIES = 200;

    /**
     * The property on one try: a structure and the seed of everything else drawn, with {@code
     * mutant} on the generated side ({@link Mutant#NONE} in the properties; {@code SensitivityTest}
     * passes others to show the check fails).
     */
    abstract void check(Structure s, long seed, Mutant mutant);

    /** The structures the property applies to. */
    Predicate<Structure> applies() {
        return s -> true;
    }

    /** One try: a structure, and the seed of its weights, inputs, lengths and chunk splits. */
    record Try(Structure structure, long seed) {
    }

    @Test
    void randomSources() {
        forAllTries(Pools.sources());
    }

    @Test
    void importedConfigs() {
        forAllTries(Pools.imported());
    }

    @Test
    void fixtures() {
        forAllTries(Pools.fixtures());
    }

    private void forAllTries(List<Structure> pool) {
        Property.forAll(TRIES, Pools.of(pool, applies()).zip(longs().all(), Try::new),
                t -> check(t.structure(), t.seed(), Mutant.NONE));
    }
}
