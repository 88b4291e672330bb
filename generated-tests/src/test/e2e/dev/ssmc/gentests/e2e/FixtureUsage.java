package dev.ssmc.gentests.e2e;

import dev.ssmc.gentests.ssmccompile.DenoiserNetwork;
import dev.ssmc.gentests.ssmccompile.KeywordSpotterNetwork;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Parameter;
import dev.ssmc.runtime.model.Signal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A program that uses generated classes as an application would: by their names and static types,
 * compiled against the sources {@code Ssmc.compile} wrote (so a change of the generated API breaks
 * its compilation). {@code SsmcCompileTest} compiles and runs it. Not on a source root: it needs
 * the generated sources. When the Maven plugin generates the fixtures at build time, it can move to
 * {@code src/test/java}, importing the plugin's package.
 */
public final class FixtureUsage {
    private FixtureUsage() {
    }

    /**
     * The keyword spotter initialized from {@code seed}, on a fixed input of two frames: its logits,
     * the logits after a save and load through {@code dir}, the logits of {@code of(parameters())}
     * streamed in chunks of one frame, and the input's gradient of the first logit.
     */
    public static float[][] keywordSpotter(long seed, Path dir) throws IOException {
        KeywordSpotterNetwork net = KeywordSpotterNetwork.init(seed);
        int length = 2 * KeywordSpotterNetwork.LENGTH_MULTIPLE;
        float[] audio = input(KeywordSpotterNetwork.IN_CHANNELS * length);
        Model.Outputs out = net.forward(audio, 1, length);
        float[] logits = out.logits().data();

        Path file = dir.resolve("kws.safetensors");
        net.save(file);
        float[] loaded = KeywordSpotterNetwork.load(file).forward(audio, 1, length).logits().data();

        Map<String, float[]> copy = new LinkedHashMap<>();
        for (Parameter p : KeywordSpotterNetwork.PARAMETERS) {
            copy.put(p.key(), net.parameters().get(p.key()).clone());
        }
        KeywordSpotterNetwork same = KeywordSpotterNetwork.of(copy);
        same.prepare();
        int frame = KeywordSpotterNetwork.LENGTH_MULTIPLE;
        float[] streamed = same.model().stream(new Signal(1, KeywordSpotterNetwork.IN_CHANNELS, length, audio),
                new int[] {frame, frame}).logits().data();

        float[] first = new float[KeywordSpotterNetwork.CLASSES];
        first[0] = 1;
        float[] gradient = net.backward(audio, 1, length, null, first).get("input");
        return new float[][] {logits, loaded, streamed, gradient};
    }

    /** The denoiser (no head: no logits) initialized from {@code seed}: its output on a fixed input of one block, and its channel count. */
    public static float[] denoiser(long seed) {
        DenoiserNetwork net = DenoiserNetwork.init(seed);
        int length = DenoiserNetwork.LENGTH_MULTIPLE;
        Model.Outputs out = net.forward(input(DenoiserNetwork.IN_CHANNELS * length), 1, length);
        if (out.logits() != null || DenoiserNetwork.CLASSES != 0) {
            throw new IllegalStateException("the denoiser has no head, yet it gives logits");
        }
        List<Parameter> params = DenoiserNetwork.PARAMETERS;
        if (params.isEmpty() || out.features().channels() != DenoiserNetwork.FEATURES) {
            throw new IllegalStateException("the denoiser's constants disagree with its output");
        }
        return out.features().x();
    }

    private static float[] input(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(0.37 * i) * 0.5f;
        }
        return x;
    }
}
