package dev.ssmc.gentests;

import static dev.ssmc.gentests.support.Close.assertClose;

import dev.ssmc.compiler.RandomLengths;
import dev.ssmc.gentests.support.Case;
import dev.ssmc.gentests.support.GeneratedClasses;
import dev.ssmc.gentests.support.GeneratedNetwork;
import dev.ssmc.gentests.support.Mutant;
import dev.ssmc.gentests.support.RandomValues;
import dev.ssmc.gentests.support.References;
import dev.ssmc.gentests.support.StreamDriver;
import dev.ssmc.gentests.support.Structure;
import dev.ssmc.runtime.model.Model;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A generated network fed its input of any length in random chunks (many of one sample, some
 * empty, some long) gives its full-sequence output, features and logits (where skip additions
 * span resampling, the output of whole windows: the full pass pads the last one with zeros, a
 * stream waits for its samples), for every streaming driver
 * ({@link StreamDriver}: the runtime model's {@code stream}, and the generated {@code newStream()}
 * through {@code processFeatures} with {@code reset} between sequences and through {@code
 * process}). Networks with norms over time ({@code layer}, {@code group},
 * {@code instance}) are left out: streamed, they normalize each chunk, by design. The golden
 * tolerance plus the case's float32 noise floor ({@link dev.ssmc.gentests.support.Close}).
 */
class StreamingTest extends PropertyOverPools {
    private static final int MAX_LENGTH = 48;

    /** Networks with norms over time stream differently by design. */
    @Override
    Predicate<Structure> applies() {
        return Structure::causal;
    }

    /** With {@code mutant} in the network that streams (see {@link Mutant}). */
    @Override
    void check(Structure s, long seed, Mutant mutant) {
        Case c = Case.draw(s, seed, 1, 2, MAX_LENGTH);
        int batch = c.batch();
        int length = c.length();
        Map<String, float[]> w = c.weights();
        float[] x = c.input();
        int[] chunks = RandomValues.chunks(c.rnd(), length);
        References.Noise noise = References.noise(c);
        GeneratedNetwork.Instance net = GeneratedClasses.of(s).of(RandomValues.copy(w));
        Model.Outputs full = net.forward(x.clone(), batch, length);
        // a stream gives the full output, but where skip additions span resampling that of whole windows only
        float[] fullFeatures = RandomLengths.streamedPart(full.features().tensor(), s.shapes(), length).data();
        boolean whole = s.streamedLength(length) == full.features().length();
        float[] fullLogits = full.logits() == null || !whole ? null : full.logits().data();
        GeneratedNetwork.Instance streaming = mutant == Mutant.NONE ? net
                : GeneratedClasses.of(s).of(mutant.weights(RandomValues.copy(w)));
        for (StreamDriver d : StreamDriver.all()) {
            String ctx = c.context(d.name() + " in chunks " + Arrays.toString(chunks));
            References.Outputs streamed = d.run(streaming, x.clone(), batch, length, chunks);
            if (streamed.features() != null || full.logits() == null) { // a classifier's process gives logits only
                assertClose(fullFeatures, streamed.features(), noise.features(), "streamed features vs full sequence", ctx);
            }
            if (full.logits() == null || whole) {
                assertClose(fullLogits, streamed.logits(), noise.logits(), "streamed logits vs full sequence", ctx);
            }
        }
    }
}
