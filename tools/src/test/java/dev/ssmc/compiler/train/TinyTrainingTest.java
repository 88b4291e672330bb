package dev.ssmc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.testing.SharedData;
import dev.ssmc.runtime.train.AdamW;
import dev.ssmc.runtime.train.Augmentation;
import dev.ssmc.runtime.train.ClassificationTask;
import dev.ssmc.runtime.train.ClipSet;
import dev.ssmc.runtime.train.SpeechCommands;
import dev.ssmc.runtime.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * A tiny keyword spotter, written in .ssm and trained through its generated code on the
 * benchmark's clips (cropped to a quarter second, so that it runs in seconds): its loss falls.
 */
class TinyTrainingTest {
    private static final String NET = """
            network Tiny {
              input audio: 1 channel @ 16 kHz
              norm batch
              act relu
              stage s5(states 4, blocks 2) to 8 -> downsample conv 8 to 16
              stage residual dws(states 4) -> downsample conv 5 to 16
              head mean -> linear 16 -> relu -> linear 12
            }
            """;

    @Test
    void theLossFallsOverThreeEpochs() throws Exception {
        Frontend.Compilation c = Frontend.compile("tiny.ssm", NET);
        assertTrue(c.ok(), c::render);
        SpeechCommands data = SpeechCommands.open(SharedData.dir().resolve("data/kws-synth"),
                SpeechCommands.Options.defaults().withClipLength(4000));
        ClipSet train = data.load(SpeechCommands.Split.TRAIN);
        Trainable net = Networks.init(c.network(), Profile.defaults(), "tiny.ssm", 7);
        Trainer trainer = new Trainer(net, new ClassificationTask(train, null, Augmentation.NONE),
                new Trainer.Config(3, 32, 1e-2, "cosine", 10, 1.0, 7, AdamW.Config.defaults(), 1));
        double first = trainer.epoch(0, null).trainLoss();
        trainer.epoch(1, null);
        Trainer.Epoch third = trainer.epoch(2, null);
        assertTrue(third.trainLoss() < first - 0.1, "the loss went from " + first + " to " + third.trainLoss());
        assertTrue(third.trainLoss() < Math.log(12), "still at chance: " + third.trainLoss());
    }
}
