package dev.ssmc.runtime.train;

import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Speech enhancement: noisy mixtures made on the fly ({@link EnhancementSet}), the loss on the
 * network's output audio against the clean speech ({@link EnhancementLoss}, negative SI-SNR by
 * default), and the mean SI-SNR improvement on the held-out voices' mixtures. The network's body
 * maps audio to audio: one channel in and out, at the input's rate.
 */
public record EnhancementTask(EnhancementSet data, EnhancementLoss loss) implements TrainingTask<MixtureBatch> {

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
        return pairs.isEmpty() ? Double.NaN : EnhancementScore.of(pairs, denoise(network, pairs)).meanImprovement();
    }

    /** The network's output for each pair's noisy signal, whole (eval mode), as long as its input. */
    public static List<float[]> denoise(Trainable network, List<NoisyPair> pairs) {
        Model model = network.model();
        List<float[]> out = new ArrayList<>();
        for (NoisyPair p : pairs) {
            Signal y = model.forward(new Signal(1, 1, p.length(), p.noisy())).features();
            if (y.channels() != 1 || y.length() != p.length()) {
                throw new IllegalArgumentException("the network gives " + y.channels() + " channel(s) of " + y.length()
                        + " samples for " + p.length() + " samples of one channel; a denoiser gives audio as long as its input");
            }
            out.add(y.x());
        }
        return out;
    }
}
