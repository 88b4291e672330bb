package dev.ssmc.runtime.train;

import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;

/**
 * What a network is trained to do, as {@link Trainer} needs it: the batches of each epoch, the loss
 * of a batch's outputs with its gradient, and the measure of progress on held-out data. The
 * optimizer, schedule, clipping, logging and resuming are the trainer's and the same for every
 * task: classifying clips ({@link ClassificationTask}), denoising mixtures ({@link
 * EnhancementTask}), transcribing utterances ({@link RecognitionTask}).
 *
 * @param <B> one batch of the task's data
 */
public interface TrainingTask<B> {
    /** The measure of progress, as logs name it: {@code accuracy}, {@code si_snri_db}, {@code wer}. */
    String metric();

    /** Whether a larger {@link #metric} is better (accuracy) or worse (an error rate). */
    boolean higherIsBetter();

    /** The training batches of an epoch: shuffled and augmented by (seed, epoch). */
    EpochBatches<B> batches(int batchSize, long seed, int epoch);

    /** A batch's network input. */
    Signal input(B batch);

    /**
     * The loss of a training batch's outputs, its gradient by the features or the logits (either
     * may be null), and the batch's share of the training metric: {@code metricSum} over {@code
     * items} (correct predictions, the SI-SNR improvement), NaN where measuring it would cost more than
     * the step.
     */
    Step step(Model.Outputs outputs, B batch);

    /** What {@link #step} gives. */
    record Step(double loss, Tensor gradFeatures, Tensor gradLogits, double metricSum, int items) {
    }

    /** The metric of the network (eval mode) on the held-out data; NaN where there is none. */
    double validate(Trainable network, int batchSize);
}
