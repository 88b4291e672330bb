package dev.ssmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.Examples;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.testing.SharedData;
import dev.ssmc.runtime.train.Augmentation;
import dev.ssmc.runtime.train.ClassificationTask;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A keyword spotter's training clips are shifted and mixed with background noise by default, and
 * perturbed in speed and pitch and masked only with --voice-augmentation: the default recipe is the
 * one the committed spotter was trained with, and the heavier one is a choice (it trades accuracy
 * on kws-synth's test voices for accuracy on voices unlike them).
 */
class VoiceAugmentationTest {
    @Test
    void speedPitchAndMasksOnlyWhenAsked() throws Exception {
        Frontend.CheckedNetwork checked = Frontend.compile(Examples.example("kws/kws-trained.ssm")).networks().get(0);
        Path data = SharedData.dir().resolve("data").resolve("kws-synth");
        for (boolean voices : new boolean[] {false, true}) {
            TrainingData d = TrainingData.open(data, null, checked.network(), checked.shapes(), null, voices);
            Augmentation a = assertInstanceOf(ClassificationTask.class, d.task(checked.shapes())).augmentation();
            Augmentation defaults = Augmentation.defaults(16000);
            assertEquals(voices ? defaults.perturbation() : Augmentation.Perturbation.NONE, a.perturbation());
            assertEquals(voices ? defaults.masking() : Augmentation.Masking.NONE, a.masking());
            assertEquals(defaults.maxShiftSamples(), a.maxShiftSamples());
            assertTrue(a.noiseProbability() > 0, "the folder's background noise is mixed in either way");
            assertEquals(Augmentation.Recordings.NONE, a.recordings(), "no recordings without --noise");
        }
    }
}
