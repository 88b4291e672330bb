package dev.ssmc.runtime.train;

import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Speech enhancement: noisy mixtures made on the fly ({@link EnhancementSet}), the loss on the
 * network's output audio against the clean speech ({@link EnhancementLoss}, negative SI-SNR by
 * default), and the mean SI-SNR improvement on the held-out voices' mixtures. The network's body
 * maps audio to audio: one channel in and out, at the input's rate.
 *
 * @param window the samples of one window of the network's resampling: whole files are denoised
 *     padded with silence to whole windows (a network that downsamples gives output only for
 *     those), and the output cut back to the input's length
 */
public record EnhancementTask(EnhancementSet data, EnhancementLoss loss, int window) implements TrainingTask<MixtureBatch> {

    public EnhancementTask {
        if (window < 1) {
            throw new IllegalArgumentException("a window of at least one sample, not " + window);
        }
    }

    @Override
    public String metric() {
        return "si_snri_db";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public EpochBatches<MixtureBatch> batches(int batchSize, long seed, int epoch) {
        return data.trainingBatches(batchSize, seed, epoch);
    }

    @Override
    public Signal input(MixtureBatch b) {
        return new Signal(b.size(), 1, b.length(), b.noisy());
    }

    /** The training metric is the batch's SI-SNR improvement, whose sum costs two SI-SNRs per item. */
    @Override
    public Step step(Model.Outputs out, MixtureBatch b) {
        float[] estimate = out.features().x();
        Loss l = loss.of(estimate, b.clean(), b.size());
        double improvement = 0;
        double[] after = SiSnr.perItem(estimate, b.clean(), b.size());
        double[] before = SiSnr.perItem(b.noisy(), b.clean(), b.size());
        for (int i = 0; i < b.size(); i++) {
            improvement += after[i] - before[i];
        }
        return new Step(l.value(), Tensor.of(l.gradient(), out.features().batch(), out.features().channels(),
                out.features().length()), null, improvement, b.size());
    }

    @Override
    public double validate(Trainable network, int batchSize) {
        List<NoisyPair> pairs = data.validation();
        return pairs.isEmpty() ? Double.NaN
                : EnhancementScore.of(pairs, denoise(network, pairs, window)).meanImprovement();
    }

    /**
     * The network's output for each pair's noisy signal, whole (eval mode), as long as its input:
     * the input padded with silence to whole windows of {@code window} samples, the output cut back.
     */
    public static List<float[]> denoise(Trainable network, List<NoisyPair> pairs, int window) {
        Model model = network.model();
        List<float[]> out = new ArrayList<>();
        for (NoisyPair p : pairs) {
            int padded = (int) (((long) p.length() + window - 1) / window * window);
            Signal y = model.forward(new Signal(1, 1, padded, Arrays.copyOf(p.noisy(), padded))).features();
            if (y.channels() != 1 || y.length() != padded) {
                throw new IllegalArgumentException("the network gives " + y.channels() + " channel(s) of " + y.length()
                        + " samples for " + padded + " samples of one channel; a denoiser gives audio as long as its input");
            }
            out.add(Arrays.copyOf(y.x(), p.length()));
        }
        return out;
    }
}
