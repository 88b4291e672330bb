package dev.ssmc.runtime.train;

import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.model.Grads;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Parameter;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Tape;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a network at a {@link TrainingTask}: epochs of the task's augmented, shuffled mini-batches
 * through the network in training mode (BatchNorm on batch statistics, dropout), the task's loss,
 * the backward pass, gradient clipping by global norm and an AdamW step with the reference's
 * parameter groups under a learning-rate schedule; then the task's metric on its held-out data in
 * eval mode. Deterministic: the same seed, data and network give bit-identical parameters on one
 * machine.
 */
public final class Trainer {
    /**
     * How to train.
     *
     * @param clipNorm   the global gradient norm above which gradients are scaled down (0: no clipping)
     * @param schedule   "cosine" (with linear warm-up over {@code warmupSteps}) or "onecycle"
     * @param prefetch   batches prepared ahead on a background thread
     */
    public record Config(int epochs, int batchSize, double learningRate, String schedule, int warmupSteps,
                         double clipNorm, long seed, AdamW.Config adam, int prefetch) {
        public Config {
            if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || warmupSteps < 0 || clipNorm < 0 || prefetch < 0) {
                throw new IllegalArgumentException("epochs, batch size and learning rate must be positive");
            }
            if (!schedule.equals("cosine") && !schedule.equals("onecycle")) {
                throw new IllegalArgumentException("schedule must be cosine or onecycle, not '" + schedule + "'");
            }
        }
    }

    /** What one epoch did: the mean training loss and metric, and the metric on held-out data. */
    public record Epoch(int epoch, double trainLoss, double trainMetric, double validationMetric,
                        double seconds, long samples) {
    }

    /** Progress within an epoch, after every step. */
    public interface Progress {
        void step(int epoch, int step, int steps, double loss, double metric, double samplesPerSecond);
    }

    private final Trainable network;
    private final TrainingTask<?> task;
    private final Config config;
    private final AdamW adam;
    private final Schedule schedule;
    private final int stepsPerEpoch;
    private long step;

    public Trainer(Trainable network, TrainingTask<?> task, Config config) {
        this.network = network;
        this.task = task;
        this.config = config;
        this.adam = new AdamW(network.parameterList(), config.adam());
        this.stepsPerEpoch = stepsPerEpoch(task, config.batchSize());
        long total = (long) stepsPerEpoch * config.epochs();
        this.schedule = config.schedule().equals("onecycle") ? Schedule.oneCycle(config.learningRate(), total)
                : Schedule.cosine(config.learningRate(), config.warmupSteps(), total, 0);
    }

    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** The name of the task's metric (see {@link TrainingTask#metric}). */
    public String metric() {
        return task.metric();
    }

    /** The optimizer steps of an epoch of {@code task} in batches of {@code batchSize}: known before training. */
    public static int stepsPerEpoch(TrainingTask<?> task, int batchSize) {
        return task.batches(batchSize, 0, 0).batchCount();
    }

    /** The optimizer's state and the step count, to save beside a checkpoint for resuming. */
    public Map<String, float[]> state() {
        Map<String, float[]> s = new HashMap<>(adam.state());
        s.put("trainer.step", new float[] {Float.intBitsToFloat((int) (step >>> 32)), Float.intBitsToFloat((int) step)});
        return s;
    }

    /**
     * Restores what {@link #state} saved.
     *
     * @throws InvalidInputException if the state is not one this trainer's {@link #state} could
     *     have made (see {@link AdamW#loadState})
     */
    public void loadState(Map<String, float[]> s) {
        Map<String, float[]> adamState = new HashMap<>(s);
        float[] st = adamState.remove("trainer.step");
        if (st != null && st.length != 2) {
            throw new InvalidInputException("trainer.step has " + st.length + " elements, not 2");
        }
        if (st != null) {
            step = ((long) Float.floatToRawIntBits(st[0]) << 32) | (Float.floatToRawIntBits(st[1]) & 0xffffffffL);
        }
        adam.loadState(adamState);
    }

    /** Trains one epoch (numbered from 0) and measures the task's metric on its held-out data. */
    public Epoch epoch(int epoch, Progress progress) {
        return run(task, epoch, progress);
    }

    private <B> Epoch run(TrainingTask<B> t, int epoch, Progress progress) {
        long start = System.nanoTime();
        Model model = network.model();
        Map<String, float[]> params = network.parameters();
        double lossSum = 0;
        double metricSum = 0;
        long seen = 0;
        int i = 0;
        try (PrefetchingBatches<B> batches = t.batches(config.batchSize(), config.seed(), epoch)
                .prefetching(Math.max(1, config.prefetch()))) {
            while (batches.hasNext()) {
                B b = batches.next();
                Tape tape = Tape.training(new SplittableRandom(config.seed() * 1_000_003L + step));
                Model.Outputs out = model.forward(t.input(b), tape);
                TrainingTask.Step s = t.step(out, b);
                Grads grads = new Grads();
                model.backward(out, s.gradFeatures(), s.gradLogits(), tape, grads);
                Map<String, float[]> g = trainable(grads.asMap());
                double norm = config.clipNorm() > 0 ? GradientClipping.clipByGlobalNorm(g, config.clipNorm())
                        : GradientClipping.globalNorm(g);
                if (Double.isFinite(norm)) {
                    adam.step(params::get, g, schedule.lr(step));
                    network.prepare();
                }
                step++;
                i++;
                lossSum += s.loss() * s.items();
                metricSum += s.metricSum();
                seen += s.items();
                if (progress != null) {
                    double secs = (System.nanoTime() - start) / 1e9;
                    progress.step(epoch, i, stepsPerEpoch, lossSum / seen, metricSum / seen, seen / secs);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Epoch(epoch, lossSum / seen, metricSum / seen, t.validate(network, config.batchSize()), seconds, seen);
    }

    /** The gradients of trainable tensors only (BatchNorm's running statistics have none). */
    private Map<String, float[]> trainable(Map<String, float[]> grads) {
        Map<String, float[]> out = new HashMap<>();
        for (Parameter p : network.parameterList()) {
            float[] g = grads.get(p.key());
            if (p.role().trainable() && g != null) {
                out.put(p.key(), g);
            }
        }
        return out;
    }

    /** The accuracy of a network (eval mode) on a clip set; fills {@code confusion} when given. */
    public static double evaluate(Trainable network, ClipSet set, int batchSize, ConfusionMatrix confusion) {
        return score(set, predict(network, set, batchSize), confusion);
    }

    /**
     * The class a network (eval mode) predicts for each item of {@link ClipSet#evaluationItems()},
     * in that order.
     */
    public static int[] predict(Trainable network, ClipSet set, int batchSize) {
        Model model = network.model();
        Batches batches = Batches.evaluation(set, batchSize);
        int[] predicted = new int[batches.itemCount()];
        int at = 0;
        while (batches.hasNext()) {
            Batch b = batches.next();
            Tensor logits = model.forward(new Signal(b.size(), 1, b.length(), b.inputs())).logits();
            int[] classes = Accuracy.predictions(logits.data(), logits.dim(1));
            System.arraycopy(classes, 0, predicted, at, classes.length);
            at += classes.length;
        }
        return predicted;
    }

    /**
     * The accuracy of {@code predicted}, one class per item of {@link ClipSet#evaluationItems()}
     * (as {@link #predict} gives them); fills {@code confusion} when given.
     */
    public static double score(ClipSet set, int[] predicted, ConfusionMatrix confusion) {
        List<Clip> items = set.evaluationItems();
        if (predicted.length != items.size()) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + items.size() + " items");
        }
        long correct = 0;
        for (int i = 0; i < predicted.length; i++) {
            int label = items.get(i).label();
            correct += predicted[i] == label ? 1 : 0;
            if (confusion != null) {
                confusion.add(label, predicted[i]);
            }
        }
        return (double) correct / predicted.length;
    }
}
