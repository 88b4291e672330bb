package dev.ssmc.gentests;

import dev.ssmc.gentests.support.Mutant;
import dev.ssmc.gentests.support.Pools;
import dev.ssmc.gentests.support.Structure;
import java.util.function.Predicate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * One property run over each pool of structures ({@link Pools}): random {@code .ssm} sources,
 * random imported reference configs and the fixtures, {@link #TRIES} tries each. A subclass states
 * the property for one try ({@link #check}) and, if it applies to some structures only, which
 * ({@link #applies}); jqwik runs the inherited properties for each subclass.
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

    @Property(tries = TRIES)
    void randomSources(@ForAll("sources") Structure s, @ForAll long seed) {
        check(s, seed, Mutant.NONE);
    }

    @Property(tries = TRIES)
    void importedConfigs(@ForAll("imported") Structure s, @ForAll long seed) {
        check(s, seed, Mutant.NONE);
    }

    @Property(tries = TRIES)
    void fixtures(@ForAll("fixtures") Structure s, @ForAll long seed) {
        check(s, seed, Mutant.NONE);
    }

    @Provide
    Arbitrary<Structure> sources() {
        return Pools.of(Pools.sources(), applies());
    }

    @Provide
    Arbitrary<Structure> imported() {
        return Pools.of(Pools.imported(), applies());
    }

    @Provide
    Arbitrary<Structure> fixtures() {
        return Pools.of(Pools.fixtures(), applies());
    }
}
