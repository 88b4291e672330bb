package dev.ssmc.compiler.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.reference.JsonErrors;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.train.LearningCurves;
import dev.ssmc.compiler.train.Networks;
import dev.ssmc.runtime.io.AtomicFile;
import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.io.SafeTensorsWriter;
import dev.ssmc.runtime.model.Checkpoints;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.train.AdamW;
import dev.ssmc.runtime.train.ClipSet;
import dev.ssmc.runtime.train.Schedule;
import dev.ssmc.runtime.train.SpeechCommands;
import dev.ssmc.runtime.train.Trainer;
import dev.ssmc.runtime.train.TrainingTask;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ssmc train FILE.ssm --data DIR --epochs E -o RUN}: trains a network at the task its data shows. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a network written in .ssm through its generated code, at the task its data shows "
                + "(or --task): a classifier on a folder in the Speech Commands layout (12 classes: the 10 words, "
                + "unknown, silence), a denoiser on a folder with clean/train and noise/train (mixtures made on the "
                + "fly, negative SI-SNR), a recognizer on a folder with train/transcripts.tsv (CTC). AdamW with "
                + "the reference's parameter groups, a cosine (or one-cycle) schedule, gradient clipping, "
                + "augmentation. Writes to RUN a checkpoint per epoch (epoch-NNN.safetensors, plus its "
                + ".optimizer.safetensors for --resume), best.safetensors (by the validation metric: accuracy, "
                + "SI-SNR improvement, word error rate), log.json and curves.png.")
public final class TrainCommand implements Callable<Integer> {
    /** Checkpoint metadata: the epochs trained, the class names, and the log of every epoch so far (JSON). */
    private static final String EPOCH = "epoch";
    static final String LABELS = "labels";
    private static final String LOG = "log";
    private static final String LOG_FILE = "log.json";

    @Parameters(paramLabel = "FILE", description = "The .ssm file of the network.")
    Path file;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "The training data: a Speech Commands folder, an enhancement folder or a transcribed one.")
    Path data;

    @Option(names = "--task", paramLabel = "TASK",
            description = "classify, enhance or recognize (default: what the data's layout shows).")
    String task;

    @Option(names = "--noise", paramLabel = "DIR",
            description = "Keyword spotting and recognition: a folder of noise recordings to mix into training items at"
                    + " random signal-to-noise ratios (any rate).")
    Path noise;

    @Option(names = "--voice-augmentation",
            description = "Keyword spotting and recognition: also change every training clip's speed and pitch and mask"
                    + " short stretches of time and frequency bands, for speakers unlike the training voices (default:"
                    + " a time shift and the folder's background noise for keyword spotting, speed and gain for"
                    + " recognition).")
    boolean voiceAugmentation;

    @Option(names = "--epochs", required = true, paramLabel = "E", description = "Epochs to train (in all, counting resumed ones).")
    int epochs;

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = 32;

    @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr = 3e-3;

    @Option(names = "--schedule", description = "cosine or onecycle (default: ${DEFAULT-VALUE}).")
    String schedule = "cosine";

    @Option(names = "--warmup", paramLabel = "STEPS", description = "Linear warm-up steps of the cosine schedule (default: ${DEFAULT-VALUE}).")
    int warmup = 100;

    @Option(names = "--clip", paramLabel = "NORM", description = "Global gradient-norm clip, 0 for none (default: ${DEFAULT-VALUE}).")
    double clip = 1.0;

    @Option(names = "--weight-decay", paramLabel = "W", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay = 0.01;

    @Option(names = "--seed", description = "Seed of initialization, order and augmentation (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--resume", paramLabel = "C", description = "Continue from a checkpoint written by an earlier run.")
    Path resume;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "RUN", description = "The run's directory.")
    Path run;

    @Option(names = "--no-progress", description = "No progress bar (a line per epoch only).")
    boolean noProgress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        checkOptions();
        if (resume != null) {
            UserFiles.input(resume, "--resume");
        }
        UserFiles.checkDirectory(run, "-o"); // made once the run is known to start
        Frontend.Compilation c = NetworkChoice.compiled(file);
        Network network = NetworkChoice.pick(c, file, null);
        NetworkShapes shapes = ShapeInference.infer(network);
        TrainingData dataset = TrainingData.open(data, task, network, shapes, noise, voiceAugmentation);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Resumed resumed = resume == null ? Resumed.NONE : readResume(dataset);
        if (resumed.epochs() >= epochs) {
            throw new UserError(resume + " has trained " + resumed.epochs() + " epochs already; --epochs counts those"
                    + " too, so give more than " + resumed.epochs());
        }
        TrainingTask<?> trainingTask = dataset.task(shapes);
        int steps = Trainer.stepsPerEpoch(trainingTask, batch);
        // a batch larger than the data set is the whole data set
        long stepBatch = Math.min(batch, trainingTask.batches(batch, 0, 0).itemCount());
        MemoryNeeds.require(MemoryNeeds.training(network, stepBatch, dataset.itemLength()),
                "training " + MemoryNeeds.describe(network) + " at batch " + stepBatch + " x length "
                        + dataset.itemLength(), "use a smaller --batch");
        Trainable net = resume == null ? Networks.init(network, Profiles.load(null), file.getFileName().toString(), seed)
                : loadNetwork(network, resume);
        Trainer.Config config = new Trainer.Config(epochs, batch, lr, schedule, warmupSteps(err, (long) steps * epochs),
                clip, seed, AdamW.Config.defaults().withWeightDecay(weightDecay), 2);
        Trainer trainer = new Trainer(net, trainingTask, config);
        if (resumed.optimizer().isEmpty() && resume != null) {
            err.println("ssmc train: note: no optimizer state beside " + resume + " (" + optimizerFile(resume).getFileName()
                    + "); the optimizer's moments start afresh");
        }
        if (!resumed.optimizer().isEmpty()) {
            try {
                trainer.loadState(resumed.optimizer());
            } catch (InvalidInputException e) {
                throw new UserError(optimizerFile(resume) + ": not the optimizer state of this network: " + e.getMessage());
            }
        }
        int first = resumed.epochs();
        List<Trainer.Epoch> history = new ArrayList<>(resumed.history());
        UserFiles.outputDirectory(run, "-o");
        try {
            AtomicFile.removeLeftovers(run); // of an earlier run killed while writing
        } catch (IOException e) {
            throw UserFiles.failure(run, e);
        }
        out.printf(Locale.ROOT, "training %s (%d parameters) to %s on %s: %s, %d steps per epoch%n",
                network.name(), trainableCount(net), dataset.task(), data, dataset.describe(), trainer.stepsPerEpoch());
        out.flush();
        String metric = trainingTask.metric();
        boolean higher = trainingTask.higherIsBetter();
        double best = Double.NaN;
        for (Trainer.Epoch e : history) {
            best = better(e.validationMetric(), best, higher) ? e.validationMetric() : best;
        }
        long start = System.nanoTime();
        for (int e = first; e < epochs; e++) {
            int done = e - first;
            Trainer.Epoch result = trainer.epoch(e, noProgress ? null : (ep, step, stepCount, loss, m, rate) ->
                    progress(err, ep, step, stepCount, loss, Double.isNaN(m) ? "" : metric + " " + dataset.format(m) + " ",
                            rate, start, done, epochs - first));
            if (!noProgress) {
                err.print("\r\033[K");
                err.flush();
            }
            if (!Double.isFinite(result.trainLoss())) {
                // an epoch that ends on a NaN loss has weights worth nothing: keep the earlier epochs' files
                throw new UserError(String.format(Locale.ROOT, "epoch %d: the training loss is %s, the run diverged;"
                        + " lower --lr (now %s)%s; the checkpoints of earlier epochs in %s are kept", e + 1,
                        result.trainLoss(), lr, clip > 0 ? "" : " or clip the gradients (--clip 1)", run));
            }
            history.add(result);
            String train = Double.isNaN(result.trainMetric()) ? ""
                    : ", train " + metric + " " + dataset.format(result.trainMetric());
            out.printf(Locale.ROOT, "epoch %d/%d: loss %.4f%s, validation %s %s, %.1f s (%.0f samples/s)%n",
                    e + 1, epochs, result.trainLoss(), train, metric, dataset.format(result.validationMetric()),
                    result.seconds(), result.samples() / result.seconds());
            out.flush();
            boolean improved = better(result.validationMetric(), best, higher);
            best = improved ? result.validationMetric() : best;
            saveEpoch(network, net, trainer, dataset, e + 1, history, improved);
        }
        out.printf(Locale.ROOT, "done in %.1f s; best validation %s %s; checkpoints in %s%n",
                (System.nanoTime() - start) / 1e9, metric, dataset.format(best), run);
        out.flush();
        return 0;
    }

    /** Whether {@code metric} beats {@code best} (NaN: nothing yet; a NaN metric, no validation, beats nothing). */
    private static boolean better(double metric, double best, boolean higherIsBetter) {
        if (Double.isNaN(metric)) {
            return Double.isNaN(best);
        }
        return Double.isNaN(best) || (higherIsBetter ? metric > best : metric < best);
    }

    /** Options that no data or network can make right, refused before anything is read. */
    private void checkOptions() {
        if (epochs < 1 || batch < 1) {
            throw new UserError("--epochs and --batch must be at least 1, not " + epochs + " and " + batch);
        }
        if (!(lr > 0 && Double.isFinite(lr))) {
            throw new UserError("--lr must be a positive number, not " + lr);
        }
        if (!schedule.equals("cosine") && !schedule.equals("onecycle")) {
            throw new UserError("--schedule must be cosine or onecycle, not '" + schedule + "'");
        }
        if (warmup < 0) {
            throw new UserError("--warmup must be at least 0, not " + warmup);
        }
        if (!(clip >= 0)) {
            throw new UserError("--clip must be 0 (no clipping) or positive, not " + clip);
        }
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
            throw new UserError("--weight-decay must be a number at least 0, not " + weightDecay);
        }
    }

    /**
     * The warm-up of the cosine schedule, which must be shorter than the run: the default 100 steps
     * outlast a short run (one epoch of the example data has 55), which is worth a note, not a refusal.
     */
    private int warmupSteps(PrintWriter err, long totalSteps) {
        if (schedule.equals("onecycle")) {
            if (totalSteps < Schedule.oneCycleMinimumSteps()) {
                throw new UserError("--schedule onecycle needs at least " + Schedule.oneCycleMinimumSteps()
                        + " steps in all, and this run has " + totalSteps + "; train longer or use --schedule cosine");
            }
            return warmup; // unused: one-cycle has its own rise
        }
        if (warmup < totalSteps) {
            return warmup;
        }
        int clamped = (int) (totalSteps / 10);
        err.printf(Locale.ROOT, "ssmc train: note: --warmup %d is not shorter than the %d step%s of this run; warming"
                + " up over %d steps (a tenth of them) instead%n", warmup, totalSteps, totalSteps == 1 ? "" : "s", clamped);
        err.flush();
        return clamped;
    }

    /** Where a resumed run continues from: its epochs, their log, and the optimizer's state. */
    private record Resumed(int epochs, List<Trainer.Epoch> history, Map<String, float[]> optimizer) {
        static final Resumed NONE = new Resumed(0, List.of(), Map.of());
    }

    /**
     * What {@code --resume} names: a checkpoint this command wrote, with its epoch count, its log
     * (in its metadata, so that the history survives a run killed before log.json was rewritten, or
     * resumed into another directory) and its optimizer state beside it.
     */
    private Resumed readResume(TrainingData dataset) {
        Path state = optimizerFile(resume);
        try {
            SafeTensorsFile f = SafeTensors.read(resume);
            int done = epochOf(f.metadata().get(EPOCH));
            dataset.checkCheckpoint(resume, f);
            List<Trainer.Epoch> history = (f.metadata().containsKey(LOG) ? parseLog(resume, f.metadata().get(LOG))
                    : olderLog()).stream().filter(e -> e.epoch() < done).toList();
            Map<String, float[]> values = new HashMap<>();
            if (Files.isRegularFile(state)) {
                SafeTensorsFile s = SafeTensors.read(state);
                for (String name : s.names()) {
                    values.put(name, s.f32(name).data());
                }
            }
            return new Resumed(done, history, values);
        } catch (IOException e) {
            throw UserFiles.failure(resume, e);
        }
    }

    private int epochOf(String epoch) {
        if (epoch == null) {
            throw new UserError(resume + ": no 'epoch' in its metadata; resume from a checkpoint a training run wrote");
        }
        try {
            int done = Integer.parseInt(epoch);
            if (done >= 1) {
                return done;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UserError(resume + ": its 'epoch' metadata is '" + epoch + "', not a count of epochs");
    }

    /** For a checkpoint from before checkpoints carried their log: the run's log.json. */
    private List<Trainer.Epoch> olderLog() throws IOException {
        Path log = run.resolve(LOG_FILE);
        return Files.isRegularFile(log) ? parseLog(log, Files.readString(log)) : List.of();
    }

    private static List<Trainer.Epoch> parseLog(Path where, String json) {
        try {
            // logs written before training knew other tasks named the metric by the classifier's
            String current = json.replace("\"trainAccuracy\"", "\"trainMetric\"")
                    .replace("\"validationAccuracy\"", "\"validationMetric\"");
            Trainer.Epoch[] epochs = new Gson().fromJson(current, Trainer.Epoch[].class);
            return epochs == null ? List.of() : List.of(epochs);
        } catch (JsonParseException e) {
            throw new UserError(where + ": the training log in it is not valid JSON: " + JsonErrors.describe(e));
        }
    }

    private Trainable loadNetwork(Network network, Path checkpoint) {
        try {
            return Networks.load(network, Profiles.load(null), file.getFileName().toString(), checkpoint);
        } catch (IOException e) {
            throw UserFiles.failure(checkpoint, e);
        }
    }

    static SpeechCommands open(Path data) {
        return open(data, SpeechCommands.Options.defaults());
    }

    static SpeechCommands open(Path data, SpeechCommands.Options options) {
        try {
            return SpeechCommands.open(data, options);
        } catch (IOException e) {
            throw UserFiles.failure(data, e);
        }
    }

    /** A split's clips, read into memory once the memory for them is known to be there. */
    static ClipSet load(SpeechCommands dataset, SpeechCommands.Split split) {
        long clips = dataset.files(split).size() + dataset.options().evaluationSilenceCount();
        MemoryNeeds.require(clips * dataset.options().clipLength() * Float.BYTES, "the " + clips + " clips of the "
                + split.name().toLowerCase(Locale.ROOT) + " split of " + dataset.dir(), "use a smaller data set");
        try {
            return dataset.load(split);
        } catch (IOException e) {
            throw UserFiles.failure(dataset.dir(), e);
        }
    }

    /**
     * A checkpoint that names its classes ('labels' metadata, as train writes) must name the data's,
     * in the data's order: otherwise every class would be scored as another.
     */
    static void checkLabels(Path checkpoint, SafeTensorsFile f, SpeechCommands dataset) {
        String labels = f.metadata().get(LABELS);
        if (labels != null && !labels.equals(String.join(",", dataset.labels()))) {
            throw new UserError(checkpoint + ": trained for the classes " + labels + ", but the data's are "
                    + String.join(",", dataset.labels()) + "; the labels do not match the head");
        }
    }

    /** The network must take mono audio at the data's rate and classify into its labels. */
    static void checkFits(Network network, NetworkShapes shapes, SpeechCommands dataset) {
        if (network.head().isEmpty()) {
            throw new UserError("network " + network.name() + " has no classifier head; train and eval take classifiers");
        }
        int labels = dataset.labels().size();
        if (shapes.classes() != labels) {
            throw new UserError("network " + network.name() + " has " + shapes.classes() + " outputs but the data has "
                    + labels + " labels (" + String.join(", ", dataset.labels()) + "); end its head with `linear " + labels + "`");
        }
        if (network.inChannels() != 1) {
            throw new UserError("network " + network.name() + " takes " + network.inChannels() + " channels; the data is mono");
        }
        if (network.sampleRate() > 0 && network.sampleRate() != dataset.options().sampleRate()) {
            throw new UserError("network " + network.name() + " is for " + network.sampleRate() + " Hz audio, the data is "
                    + dataset.options().sampleRate() + " Hz");
        }
        int clip = dataset.options().clipLength();
        if (clip < shapes.minimumLength()) {
            throw new UserError("clips of " + clip + " samples are shorter than one window of network " + network.name()
                    + "'s resampling (" + shapes.minimumLength() + " samples)");
        }
    }

    static Path optimizerFile(Path checkpoint) {
        String name = checkpoint.getFileName().toString().replaceAll("\\.safetensors$", "");
        return checkpoint.resolveSibling(name + ".optimizer.safetensors");
    }

    /**
     * Writes an epoch's files, each whole or not at all (see {@link AtomicFile}), in the order that
     * keeps a run killed between any two of them resumable from its last checkpoint: the optimizer
     * state before the checkpoint that needs it; the checkpoint, carrying the log, before
     * best.safetensors, log.json and curves.png, which follow from it.
     */
    private void saveEpoch(Network network, Trainable net, Trainer trainer, TrainingData dataset, int epoch,
                           List<Trainer.Epoch> history, boolean improved) {
        Path checkpoint = run.resolve(String.format(Locale.ROOT, "epoch-%03d.safetensors", epoch));
        String log = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(history) + "\n";
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("network", network.name());
        meta.putAll(dataset.metadata());
        meta.put(EPOCH, Integer.toString(epoch));
        meta.put("seed", Long.toString(seed));
        meta.put(LOG, log);
        SafeTensorsWriter state = new SafeTensorsWriter();
        trainer.state().forEach((k, v) -> state.put(k, Tensor.of(v, v.length)));
        Path current = optimizerFile(checkpoint);
        try {
            state.write(current);
            current = checkpoint;
            Checkpoints.save(checkpoint, net.parameterList(), net.parameters(), meta);
            if (improved) {
                current = run.resolve("best.safetensors");
                AtomicFile.copy(checkpoint, current);
            }
            current = run.resolve(LOG_FILE);
            AtomicFile.writeString(current, log);
            current = run.resolve("curves.png");
            LearningCurves.write(current, network.name(), history, trainer.metric(), dataset.percentMetric());
        } catch (IOException e) {
            throw UserFiles.failure(current, e);
        }
    }

    private static long trainableCount(Trainable net) {
        return net.parameterList().stream().filter(p -> p.role().trainable()).mapToLong(p -> p.size()).sum();
    }

    private static void progress(PrintWriter err, int epoch, int step, int steps, double loss, String metric, double rate,
                                 long start, int epochsDone, int epochsTotal) {
        int width = 30;
        int filled = (int) ((long) width * step / steps);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double fraction = (epochsDone + (double) step / steps) / epochsTotal;
        long eta = fraction > 0 ? Math.round(elapsed / fraction - elapsed) : 0;
        err.printf(Locale.ROOT, "\repoch %d [%s%s] %d/%d loss %.4f %s%.0f samples/s ETA %d:%02d ", epoch + 1,
                "=".repeat(filled), " ".repeat(width - filled), step, steps, loss, metric, rate, eta / 60, eta % 60);
        err.flush();
    }
}
