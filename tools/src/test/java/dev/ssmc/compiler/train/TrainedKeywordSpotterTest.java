package dev.ssmc.compiler.train;

import static dev.ssmc.compiler.Examples.example;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.codegen.InMemoryCompiler;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.stream.StreamingNetwork;
import dev.ssmc.runtime.testing.SharedData;
import dev.ssmc.runtime.train.Clip;
import dev.ssmc.runtime.train.ClipSet;
import dev.ssmc.runtime.train.SpeechCommands;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed keyword spotter ({@code examples/kws/kws-trained.ssm} and its checkpoint): it
 * still scores at least 96% on the benchmark's test split, and streaming a clip through
 * the generated {@code newStream()} in the planned chunk gives the label (and, within float
 * rounding, the logits) of the whole-sequence forward pass.
 */
class TrainedKeywordSpotterTest {
    private static Network network;
    private static Object instance;
    private static List<String> labels;

    @BeforeAll
    static void load() throws Exception {
        Path file = example("kws/kws-trained.ssm");
        Frontend.Compilation c = Frontend.compile(file);
        assertTrue(c.ok(), c::render);
        network = c.network();
        Path checkpoint = example("kws/kws-trained.safetensors");
        instance = InMemoryCompiler.networkClass(network, Profile.defaults(), "kws-trained.ssm")
                .getMethod("load", Path.class).invoke(null, checkpoint);
        labels = Arrays.asList(SafeTensors.read(checkpoint).metadata().get("labels").split(","));
    }

    private static float[] forwardLogits(float[] clip) {
        Model model = ((Trainable) instance).model();
        return model.forward(new Signal(1, 1, clip.length, clip)).logits().data();
    }

    private static float[] streamLogits(float[] clip) {
        NetworkStream s = ((StreamingNetwork) instance).newStream();
        int chunk = network.planning().chunk();
        float[] out = new float[s.maxOutput(chunk)];
        int n = 0;
        for (int at = 0; at < clip.length; at += chunk) {
            n = s.process(clip, at, Math.min(chunk, clip.length - at), out);
        }
        assertEquals(s.classes(), n, "logits after the whole clip");
        return Arrays.copyOf(out, n);
    }

    static int argmax(float[] z) {
        int best = 0;
        for (int i = 1; i < z.length; i++) {
            if (z[i] > z[best]) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void theTestSplitScoresAtLeastNinetySixPercent() throws Exception {
        SpeechCommands data = SpeechCommands.open(SharedData.dir().resolve("data/kws-synth"));
        ClipSet test = data.load(SpeechCommands.Split.TEST);
        List<Clip> items = test.evaluationItems();
        int right = 0;
        for (Clip clip : items) {
            right += argmax(forwardLogits(clip.samples())) == clip.label() ? 1 : 0;
        }
        // docs/training.md reports 277 of 284 (97.54%) on the machine that trained it; float rounding
        // elsewhere may move a borderline clip, not the bar of 96% (273 of 284)
        assertEquals(284, items.size());
        assertTrue(right >= 273, right + " of 284 right on the test split");
    }

    @Test
    void streamingGivesTheWholeSequenceLabel() throws Exception {
        SpeechCommands data = SpeechCommands.open(SharedData.dir().resolve("data/kws-synth"));
        List<Clip> items = data.load(SpeechCommands.Split.TEST).evaluationItems();
        // every 6th item: all twelve classes, 48 clips
        for (int i = 0; i < items.size(); i += 6) {
            float[] clip = items.get(i).samples();
            float[] whole = forwardLogits(clip);
            float[] streamed = streamLogits(clip);
            assertEquals(argmax(whole), argmax(streamed), items.get(i).source());
            for (int k = 0; k < whole.length; k++) {
                assertEquals(whole[k], streamed[k], 1e-3 * (1 + Math.abs(whole[k])), items.get(i).source() + " logit " + k);
            }
        }
    }

    @Test
    void theBundledWavIsYes() throws Exception {
        float[] clip = Wav.read(example("kws/yes.wav")).channels()[0];
        // pad to whole resampling windows, as ssmc run does
        int multiple = (int) NetworkShapes.requiredMultiple(network.body());
        float[] padded = Arrays.copyOf(clip, (clip.length + multiple - 1) / multiple * multiple);
        assertEquals("yes", labels.get(argmax(streamLogits(padded))));
        assertEquals("yes", labels.get(argmax(forwardLogits(padded))));
    }
}
