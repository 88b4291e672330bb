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
        return new Signal(b.lengths().length, 1, b.length(), b.inputs());
    }

    /** No training metric (NaN): decoding every training batch would cost more than the step; the loss shows progress. */
    @Override
    public Step step(Model.Outputs out, UtteranceBatch b) {
        Tensor logits = out.features().tensor();
        checkClasses(logits.dim(1));
        CtcLoss.Result r = CtcLoss.of(logits, frameLengths(b, logits.dim(2)), b.labels(), ctc);
        int items = b.lengths().length;
        return new Step(r.value(), Tensor.of(r.gradient(), logits.shape()), null, Double.NaN, items);
    }

    @Override
    public double validate(Trainable network, int batchSize) {
        return validation.isEmpty() ? Double.NaN : errorRates(network, validation, batchSize).wordErrorRate();
    }

    /** Greedy transcripts of {@code items} (eval mode) scored against their texts. */
    public ErrorRates errorRates(Trainable network, List<Utterance> items, int batchSize) {
        Model model = network.model();
        ErrorRates rates = new ErrorRates();
        UtteranceBatches batches = UtteranceBatches.evaluation(items, batchSize);
        while (batches.hasNext()) {
            UtteranceBatch b = batches.next();
            Tensor logits = model.forward(input(b)).features().tensor();
            checkClasses(logits.dim(1));
            int frames = logits.dim(2);
            int[] lengths = frameLengths(b, frames);
            for (int i = 0; i < lengths.length; i++) {
                FrameLogits item = LogitsLayout.CLASSES_BY_FRAMES.item(logits.data(), i, frames, alphabet.classes())
                        .firstFrames(lengths[i]);
                rates.add(b.texts().get(i), alphabet.decode(CtcDecoder.greedy(item)));
            }
        }
        return rates;
    }

    /** Each item's frames: its samples' whole frames, never more than the batch's output has. */
    private int[] frameLengths(UtteranceBatch b, int frames) {
        int[] lengths = b.frameLengths(samplesPerFrame);
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = Math.min(lengths[i], frames);
        }
        return lengths;
    }

    private void checkClasses(int channels) {
        if (channels != alphabet.classes()) {
            throw new IllegalArgumentException("the network gives " + channels + " outputs per frame, but the alphabet has "
                    + alphabet.classes() + " classes (the blank and " + (alphabet.classes() - 1) + " symbols)");
        }
    }
}
