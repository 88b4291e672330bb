package dev.ssmc.gentests;

import static dev.ssmc.gentests.support.Close.assertClose;

import dev.ssmc.gentests.support.GeneratedClasses;
import dev.ssmc.gentests.support.GeneratedNetwork;
import dev.ssmc.gentests.support.Mutant;
import dev.ssmc.gentests.support.Pools;
import dev.ssmc.gentests.support.RandomValues;
import dev.ssmc.gentests.support.References;
import dev.ssmc.gentests.support.StreamDriver;
import dev.ssmc.gentests.support.Structure;
import dev.ssmc.runtime.model.Model;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A generated network fed its input in random chunks (many of one sample, some empty, some
 * long) gives its full-sequence output, features and logits, for every streaming driver
 * ({@link StreamDriver}: the runtime model's {@code stream}, and the generated {@code newStream()}
 * through {@code processFeatures} with {@code reset} between sequences and through {@code
 * process}). Networks with norms over time ({@code layer}, {@code group},
 * {@code instance}) are left out: streamed, they normalize each chunk, by design. The golden
 * tolerance plus the case's float32 noise floor ({@link dev.ssmc.gentests.support.Close}).
 */
class StreamingTest {
    static final int TRIES = 200;
    private static final int MAX_LENGTH = 48;

    @Property(tries = TRIES)
    void randomSourcesStreamAsTheyRunWhole(@ForAll("sources") Structure s, @ForAll long seed) {
        check(s, seed);
    }

    @Property(tries = TRIES)
    void importedConfigsStreamAsTheyRunWhole(@ForAll("imported") Structure s, @ForAll long seed) {
        check(s, seed);
    }

    @Property(tries = TRIES)
    void fixturesStreamAsTheyRunWhole(@ForAll("fixtures") Structure s, @ForAll long seed) {
        check(s, seed);
    }

    static void check(Structure s, long seed) {
        check(s, seed, Mutant.NONE);
    }

    /** The property on one try, with {@code mutant} in the network that streams (see {@link Mutant}). */
    static void check(Structure s, long seed, Mutant mutant) {
        Random rnd = new Random(seed);
        int batch = 1 + rnd.nextInt(2);
        int length = s.randomLength(rnd, MAX_LENGTH);
        Map<String, float[]> w = RandomValues.weights(s.network(), rnd);
        float[] x = RandomValues.gaussian(rnd, batch * s.network().inChannels() * length);
        int[] chunks = RandomValues.chunks(rnd, length);
        References.Noise noise = References.noise(s.network(), w, x, batch, length, rnd);
        GeneratedNetwork.Instance net = GeneratedClasses.of(s).of(RandomValues.copy(w));
        Model.Outputs full = net.forward(x.clone(), batch, length);
        GeneratedNetwork.Instance streaming = mutant == Mutant.NONE ? net
                : GeneratedClasses.of(s).of(mutant.weights(RandomValues.copy(w)));
        for (StreamDriver d : StreamDriver.all()) {
            String ctx = d.name() + " in chunks " + Arrays.toString(chunks) + ", batch " + batch + ", seed " + seed + ", "
                    + s.describe();
            References.Outputs streamed = d.run(streaming, x.clone(), batch, length, chunks);
            if (streamed.features() != null || full.logits() == null) { // a classifier's process gives logits only
                assertClose(full.features().x(), streamed.features(), noise.features(),
                        "streamed features vs full sequence", ctx);
            }
            assertClose(full.logits() == null ? null : full.logits().data(), streamed.logits(), noise.logits(),
                    "streamed logits vs full sequence", ctx);
        }
    }

    @Provide
    Arbitrary<Structure> sources() {
        return Pools.of(Pools.sources(), Structure::causal);
    }

    @Provide
    Arbitrary<Structure> imported() {
        return Pools.of(Pools.imported(), Structure::causal);
    }

    @Provide
    Arbitrary<Structure> fixtures() {
        return Pools.of(Pools.fixtures(), Structure::causal);
    }
}
