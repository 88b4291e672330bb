package dev.ssmc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.Examples;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.importer.ImportedNetworks;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.testing.SharedData;
import dev.ssmc.runtime.train.Clip;
import dev.ssmc.runtime.train.SpeechCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint trained in PyTorch ({@code examples/kws/kws-torch.safetensors}: our own PyTorch
 * implementation of the reference's math, bench/torch_centaurus.py, trained by
 * bench/torch_kws_train.py; see docs/conformance.md), imported from its reference config as
 * {@code ssmc import} does: on every word file of the test split ssmc predicts what PyTorch predicted,
 * and its logits are PyTorch's ({@code kws-torch-test-logits.safetensors}) up to float rounding.
 */
class TorchCheckpointTest {
    private static final int BATCH = 32;

    @Test
    void theTestWordFilesGetPyTorchsLogits() throws Exception {
        Path config = Examples.example("kws/kws-torch.json");
        Network network = ImportedNetworks.viaSource(Files.readString(config), config.toString());
        Trainable net = Networks.load(network, Profile.defaults(), "kws-torch",
                Examples.example("kws/kws-torch.safetensors"));
        SafeTensorsFile reference = SafeTensors.read(Examples.example("kws/kws-torch-test-logits.safetensors"));
        List<String> items = List.of(reference.metadata().get("items").split("\n"));
        float[] torchLogits = reference.f32("logits").data();
        int classes = torchLogits.length / items.size();

        SpeechCommands data = SpeechCommands.open(SharedData.dir().resolve("data/kws-synth"));
        List<Clip> clips = data.load(SpeechCommands.Split.TEST).clips();
        assertEquals(items, clips.stream().map(Clip::source).toList());
        assertEquals(data.labels(), List.of(reference.metadata().get("labels").split(",")));

        float scale = 0;
        for (float z : torchLogits) {
            scale = Math.max(scale, Math.abs(z));
        }
        int right = 0;
        int torchRight = 0;
        for (int first = 0; first < clips.size(); first += BATCH) {
            int n = Math.min(BATCH, clips.size() - first);
            int length = clips.get(first).samples().length;
            float[] x = new float[n * length];
            for (int b = 0; b < n; b++) {
                System.arraycopy(clips.get(first + b).samples(), 0, x, b * length, length);
            }
            float[] logits = net.model().forward(new Signal(n, 1, length, x)).logits().data();
            for (int b = 0; b < n; b++) {
                int item = first + b;
                float[] ours = Arrays.copyOfRange(logits, b * classes, (b + 1) * classes);
                float[] theirs = Arrays.copyOfRange(torchLogits, item * classes, (item + 1) * classes);
                for (int k = 0; k < classes; k++) {
                    // measured: 3e-6 of max|logit| at most; 1e-4 is the golden files' tolerance
                    assertEquals(theirs[k], ours[k], 1e-4 * scale, items.get(item) + " logit " + k);
                }
                int label = clips.get(item).label();
                assertEquals(TrainedKeywordSpotterTest.argmax(theirs), TrainedKeywordSpotterTest.argmax(ours), items.get(item));
                right += TrainedKeywordSpotterTest.argmax(ours) == label ? 1 : 0;
                torchRight += TrainedKeywordSpotterTest.argmax(theirs) == label ? 1 : 0;
            }
        }
        assertEquals(torchRight, right);
        assertTrue(right > 0.9 * clips.size(), right + " of " + clips.size());
    }
}
