package dev.ssmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.Examples;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.testing.SharedData;
import dev.ssmc.runtime.train.Augmentation;
import dev.ssmc.runtime.train.ClassificationTask;
import dev.ssmc.runtime.train.RecognitionTask;
import dev.ssmc.runtime.train.UtteranceAugmentation;
import dev.ssmc.runtime.train.UtteranceBatch;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A keyword spotter's training clips are shifted and mixed with background noise by default, and a
 * recognizer's utterances changed in speed and gain; both are perturbed in pitch too and masked only
 * with --voice-augmentation: the default recipes are the ones the committed networks were first
 * trained with, and the heavier one is a choice (it trades accuracy on the training voices for
 * accuracy on voices unlike them).
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

    /**
     * With the option a recognizer's training utterance is the same utterance in another voice:
     * the keyword spotter's pitch shift and masks on top of the speed, different audio for every
     * item of the batch, and the same transcript and labels, since CTC is told what was said.
     */
    @Test
    void aRecognizerHearsOtherVoicesSayingTheSameWords() throws Exception {
        Frontend.CheckedNetwork checked = Frontend.compile(Examples.example("asr/digits-trained.ssm")).networks().get(0);
        Path data = SharedData.dir().resolve("data").resolve("asr-synth");
        RecognitionTask plain = recognition(checked, data, false);
        RecognitionTask voices = recognition(checked, data, true);
        Augmentation kws = Augmentation.defaults(8000);
        UtteranceAugmentation changed = voices.augmentation();
        assertEquals(kws.perturbation(), changed.perturbation());
        assertEquals(kws.masking(), changed.masking());
        assertEquals(8000, changed.sampleRate(), "pitch and bands at the network's rate");
        assertEquals(0, plain.augmentation().perturbation().maxPitchSemitones());
        assertEquals(Augmentation.Masking.NONE, plain.augmentation().masking());
        assertFalse(changed.addsNoise(), "no noise without --noise, with voice changes or not");

        UtteranceBatch clean = plain.batches(16, 0, 0).batch(0);
        UtteranceBatch other = voices.batches(16, 0, 0).batch(0);
        assertEquals(clean.sources(), other.sources(), "the same utterances, in the same order");
        assertEquals(clean.texts(), other.texts());
        for (int i = 0; i < clean.size(); i++) {
            assertArrayEquals(clean.labels()[i], other.labels()[i], clean.sources().get(i));
            float[] a = Arrays.copyOfRange(clean.inputs(), i * clean.length(), i * clean.length() + clean.lengths()[i]);
            float[] b = Arrays.copyOfRange(other.inputs(), i * other.length(), i * other.length() + other.lengths()[i]);
            assertFalse(Arrays.equals(a, b), "the voice changed: " + clean.sources().get(i));
        }
    }

    private static RecognitionTask recognition(Frontend.CheckedNetwork checked, Path data, boolean voices) {
        TrainingData d = TrainingData.open(data, null, checked.network(), checked.shapes(), null, voices);
        return assertInstanceOf(RecognitionTask.class, d.task(checked.shapes()));
    }
}
