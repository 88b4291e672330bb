package dev.ssmc.runtime.train;

import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.List;

/**
 * Keyword spotting: clips and their classes, cross-entropy on the head's logits, accuracy.
 *
 * @param validation null for no validation
 * @param recordings noise recordings the augmentation mixes in besides the data set's background
 *     noise (see {@link Augmentation.Recordings}); empty for none
 */
public record ClassificationTask(ClipSet train, ClipSet validation, Augmentation augmentation,
                                 BackgroundNoise recordings) implements TrainingTask<Batch> {

    /** A task whose augmentation uses no noise recordings but the data set's. */
    public ClassificationTask(ClipSet train, ClipSet validation, Augmentation augmentation) {
        this(train, validation, augmentation, BackgroundNoise.of(List.of()));
    }

    @Override
    public String metric() {
        return "accuracy";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public EpochBatches<Batch> batches(int batchSize, long seed, int epoch) {
        return Batches.training(train, batchSize, seed, epoch, augmentation, recordings);
    }

    @Override
    public Signal input(Batch b) {
        return new Signal(b.size(), 1, b.length(), b.inputs());
    }

    @Override
    public Step step(Model.Outputs out, Batch b) {
        Loss loss = CrossEntropy.of(out.logits(), b.labels());
        int correct = Accuracy.correct(out.logits().data(), out.logits().dim(1), b.labels());
        return new Step(loss.value(), null, Tensor.of(loss.gradient(), out.logits().shape()), correct, b.size());
    }

    @Override
    public double validate(Trainable network, int batchSize) {
        return validation == null ? Double.NaN : Trainer.evaluate(network, validation, batchSize, null);
    }
}
