package dev.ssmc.runtime.train;

import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.List;

/**
 * Speech recognition with CTC: utterances and their transcripts ({@link TranscribedSpeech}), the
 * CTC loss on the network's per-frame outputs (the body's features {@code [batch][classes][frames]},
 * one class per symbol of the {@link Alphabet} and the blank), and the word error rate of greedy
 * decoding on the validation split.
 *
 * @param samplesPerFrame input samples per output frame (the network's total downsampling)
 * @param noise           noise recordings for the augmentation (may be empty when it adds none)
 */
public record RecognitionTask(List<Utterance> train, List<Utterance> validation, Alphabet alphabet,
                              int samplesPerFrame, UtteranceAugmentation augmentation, BackgroundNoise noise,
                              CtcLoss.Options ctc) implements TrainingTask<UtteranceBatch> {

    @Override
    public String metric() {
        return "wer";
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }

    @Override
    public EpochBatches<UtteranceBatch> batches(int batchSize, long seed, int epoch) {
        return UtteranceBatches.training(train, batchSize, seed, epoch, augmentation, noise);
    }

    @Override
    public Signal input(UtteranceBatch b) {
        return signal(b);
    }

    /** A batch as the network's mono input. */
    private static Signal signal(UtteranceBatch b) {
        return new Signal(b.size(), 1, b.length(), b.inputs());
    }

    /** No training metric (NaN): decoding every training batch would cost more than the step; the loss shows progress. */
    @Override
    public Step step(Model.Outputs out, UtteranceBatch b) {
        Tensor logits = out.features().tensor();
        checkClasses(logits.dim(1), alphabet.classes());
        CtcLoss.Result r = CtcLoss.of(logits, frameLengths(b, logits.dim(2), samplesPerFrame), b.labels(), ctc);
        int items = b.lengths().length;
        return new Step(r.value(), Tensor.of(r.gradient(), logits.shape()), null, Double.NaN, items);
    }

    @Override
    public double validate(Trainable network, int batchSize) {
        return validation.isEmpty() ? Double.NaN : errorRates(network, validation, batchSize).wordErrorRate();
    }

    /** Greedy transcripts of {@code items} (eval mode) scored against their texts. */
    public ErrorRates errorRates(Trainable network, List<Utterance> items, int batchSize) {
        ErrorRates rates = new ErrorRates();
        logitsOfEach(network, items, batchSize, alphabet.classes(), samplesPerFrame,
                (i, logits) -> rates.add(items.get(i).text(), alphabet.decode(CtcDecoder.greedy(logits))));
        return rates;
    }

    /** What {@link #logitsOfEach} hands each item. */
    @FunctionalInterface
    public interface ItemLogits {
        /** Item {@code index}'s logits, its own frames only (valid during the call: they share the batch's output). */
        void accept(int index, FrameLogits logits);
    }

    /**
     * Runs {@code items} through the network (eval mode) in batches of {@code batchSize}, each
     * padded with zeros to its longest item, and hands every item, in order, the logits of its own
     * frames: one per {@code samplesPerFrame} of its samples (see {@link
     * UtteranceBatch#frameLengths}), never more than the batch's output has.
     *
     * @throws IllegalArgumentException if the network does not give {@code classes} outputs per frame
     */
    public static void logitsOfEach(Trainable network, List<Utterance> items, int batchSize, int classes,
                                    int samplesPerFrame, ItemLogits each) {
        Model model = network.model();
        UtteranceBatches batches = UtteranceBatches.evaluation(items, batchSize);
        int first = 0;
        while (batches.hasNext()) {
            UtteranceBatch b = batches.next();
            Tensor logits = model.forward(signal(b)).features().tensor();
            checkClasses(logits.dim(1), classes);
            int frames = logits.dim(2);
            int[] lengths = frameLengths(b, frames, samplesPerFrame);
            for (int i = 0; i < lengths.length; i++) {
                each.accept(first + i, LogitsLayout.CLASSES_BY_FRAMES.item(logits.data(), i, frames, classes)
                        .firstFrames(lengths[i]));
            }
            first += lengths.length;
        }
    }

    /** Each item's frames: its samples' whole frames, never more than the batch's output has. */
    private static int[] frameLengths(UtteranceBatch b, int frames, int samplesPerFrame) {
        int[] lengths = b.frameLengths(samplesPerFrame);
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = Math.min(lengths[i], frames);
        }
        return lengths;
    }

    private static void checkClasses(int channels, int classes) {
        if (channels != classes) {
            throw new IllegalArgumentException("the network gives " + channels + " outputs per frame, but the alphabet has "
                    + classes + " classes (the blank and " + (classes - 1) + " symbols)");
        }
    }
}
