package dev.ssmc.compiler.codegen;

import static dev.ssmc.compiler.codegen.GeneratedStreamTest.example;
import static dev.ssmc.compiler.codegen.GeneratedStreamTest.randn;
import static dev.ssmc.compiler.codegen.GeneratedStreamTest.split;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.ssmc.compiler.Examples;
import dev.ssmc.compiler.RandomConfigs;
import dev.ssmc.compiler.RandomLengths;
import dev.ssmc.compiler.codegen.GeneratedStreamTest.Compiled;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.testing.Property;
import dev.ssmc.runtime.testing.SnapshotChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Snapshots of generated streams, whose SSM steps are the generated classes with their own state
 * arrays: restored at random calls of random splits, on both paths, the examples and random
 * reference classifiers and denoisers continue as uninterrupted streams, to the bit; a snapshot
 * restores only into the same network with the same weights.
 */
class GeneratedSnapshotTest {

    private static void resumesExactly(Compiled c, int length, Random rnd, boolean vector) {
        int cin = c.network().inChannels();
        float[] in = randn(rnd, length * cin);
        int[] calls = split(rnd, length, 3 * c.multiple() + 2);
        SnapshotChecks.assertResumesExactly(() -> c.streams().newStream(vector), in, calls, rnd);
    }

    @ParameterizedTest(name = "{0} vector={2}")
    @CsvSource({"kws/kws-trained.ssm, 21, true", "kws/kws-trained.ssm, 22, false", "denoise/denoise.ssm, 23, true",
        "denoise/denoise.ssm, 24, false"})
    void theExamplesResumeExactly(String file, long seed, boolean vector) throws IOException {
        Compiled c = Compiled.of(example(file), seed);
        Random rnd = new Random(seed);
        for (int i = 0; i < 3; i++) {
            resumesExactly(c, 200 + rnd.nextInt(1400), rnd, vector && dev.ssmc.runtime.kernels.VectorSupport.available());
        }
    }

    @Test
    void randomClassifiersResumeExactly() {
        Property.forAll(6, RandomConfigs.seeded(RandomConfigs.classifiers()),
                c -> randomResumesExactly(ReferenceNetworks.classifier(c.config(), "classifier", "property"), c.seed()));
    }

    @Test
    void randomDenoisersResumeExactly() {
        Property.forAll(6, RandomConfigs.seeded(RandomConfigs.denoisers()),
                c -> randomResumesExactly(ReferenceNetworks.denoiser(c.config(), "denoiser", "property"), c.seed()));
    }

    private static void randomResumesExactly(Network network, long seed) {
        Random rnd = new Random(seed);
        Compiled c = Compiled.of(network, seed);
        resumesExactly(c, RandomLengths.draw(network, rnd, 300), rnd, rnd.nextBoolean()
                && dev.ssmc.runtime.kernels.VectorSupport.available());
    }

    /** A stream of {@code c} that has heard half a second of noise. */
    private static NetworkStream warm(Compiled c) {
        NetworkStream s = c.streams().newStream();
        float[] in = randn(new Random(9), 8000 * s.inChannels());
        s.process(in, 0, in.length, new float[s.maxOutput(in.length)]);
        return s;
    }

    @Test
    void anotherNetworkOrOtherWeightsAreRefused() throws IOException {
        Compiled kws = Compiled.of(example("kws/kws-trained.ssm"), 1);
        byte[] snapshot = warm(kws).snapshot();

        Compiled denoiser = Compiled.of(example("denoise/denoise.ssm"), 1);
        var other = assertThrows(IllegalArgumentException.class, () -> denoiser.streams().newStream().restore(snapshot));
        assertEquals("the snapshot is of network `KeywordSpotter`, this stream of network `Denoiser`", other.getMessage());

        Compiled retrained = Compiled.of(example("kws/kws-trained.ssm"), 2);
        var weights = assertThrows(IllegalArgumentException.class, () -> retrained.streams().newStream().restore(snapshot));
        assertTrue(weights.getMessage().startsWith("the snapshot was taken with other weights: "), weights.getMessage());
        assertTrue(weights.getMessage().contains("layers.1.A"), weights.getMessage());
    }

    @Test
    void anotherStructureUnderTheSameNameIsRefusedNamingTheLayer() throws IOException {
        Compiled kws = Compiled.of(example("kws/kws-trained.ssm"), 1);
        byte[] snapshot = warm(kws).snapshot();
        String source = Files.readString(Examples.example("kws/kws-trained.ssm"));
        String wider = source.replaceFirst("downsample conv 4 to 32", "downsample conv 4 to 40");
        assertTrue(!wider.equals(source), "the example has the layer this test widens");
        Frontend.Compilation changed = Frontend.compile("wider.ssm", wider);
        assertTrue(changed.ok(), changed.render());
        Compiled c = Compiled.of(changed.networks().get(0).network(), 1);
        var e = assertThrows(IllegalArgumentException.class, () -> c.streams().newStream().restore(snapshot));
        assertTrue(e.getMessage().startsWith("the snapshot's network `KeywordSpotter` has another structure: its layer 3 "
                + "differs from this stream's, resample layers.2 downsampling 4 16>40"), e.getMessage());
    }
}
