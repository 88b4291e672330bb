package dev.ssmc.compiler.cli;

import com.google.gson.GsonBuilder;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.train.LearningCurves;
import dev.ssmc.compiler.train.Networks;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.io.SafeTensorsWriter;
import dev.ssmc.runtime.model.Checkpoints;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.train.AdamW;
import dev.ssmc.runtime.train.Augmentation;
import dev.ssmc.runtime.train.ClipSet;
import dev.ssmc.runtime.train.SpeechCommands;
import dev.ssmc.runtime.train.Trainer;
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
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ssmc train FILE.ssm --data DIR --epochs E -o RUN}: trains a keyword spotter on a Speech Commands folder. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a classifier written in .ssm on a folder in the Speech Commands layout (12 "
                + "classes: the 10 words, unknown, silence), through its generated code: AdamW with the "
                + "reference's parameter groups, a cosine (or one-cycle) schedule, gradient clipping, noise "
                + "and time-shift augmentation. Writes to RUN a checkpoint per epoch "
                + "(epoch-NNN.safetensors, plus its .optimizer.safetensors for --resume), best.safetensors "
                + "(by validation accuracy), log.json and curves.png.")
public final class TrainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The .ssm file of the network.")
    Path file;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "A Speech Commands folder.")
    Path data;

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
        if (epochs < 1 || batch < 1 || !(lr > 0)) {
            throw new UserError("--epochs, --batch and --lr must be positive");
        }
        Frontend.Compilation c = NetworkChoice.compiled(file);
        Network network = c.network();
        NetworkShapes shapes = ShapeInference.infer(network);
        // clips are padded or cropped to the length the training plans were made for
        SpeechCommands dataset = open(data, SpeechCommands.Options.defaults().withClipLength(network.planning().length()));
        checkFits(network, shapes, dataset);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClipSet train = dataset.load(SpeechCommands.Split.TRAIN);
        ClipSet validation = dataset.load(SpeechCommands.Split.VALIDATION);
        Trainable net = resume == null ? Networks.init(network, Profiles.load(null), file.getFileName().toString(), seed)
                : Networks.load(network, Profiles.load(null), file.getFileName().toString(), resume);
        Trainer.Config config = new Trainer.Config(epochs, batch, lr, schedule, warmup, clip, seed,
                Augmentation.defaults(dataset.options().sampleRate()), AdamW.Config.defaults().withWeightDecay(weightDecay), 2);
        Trainer trainer = new Trainer(net, train, validation, config);
        int first = 0;
        List<Trainer.Epoch> history = new ArrayList<>();
        if (resume != null) {
            first = resumeFrom(trainer, history);
        }
        Files.createDirectories(run);
        out.printf(Locale.ROOT, "training %s (%d parameters) on %s: %d training and %d validation items, %d steps per epoch%n",
                network.name(), trainableCount(net), data, train.evaluationItems().size() + train.trainingSilenceCount(),
                validation.evaluationItems().size(), trainer.stepsPerEpoch());
        out.flush();
        double best = history.stream().mapToDouble(Trainer.Epoch::validationAccuracy).max().orElse(-1);
        long start = System.nanoTime();
        int resumedAt = first;
        for (int e = first; e < epochs; e++) {
            int done = e - first;
            Trainer.Epoch result = trainer.epoch(e, noProgress ? null : (ep, step, steps, loss, acc, rate) ->
                    progress(err, ep, step, steps, loss, acc, rate, start, done, epochs - resumedAt));
            if (!noProgress) {
                err.print("\r\033[K");
                err.flush();
            }
            history.add(result);
            out.printf(Locale.ROOT, "epoch %d/%d: loss %.4f, train accuracy %.2f%%, validation accuracy %.2f%%, %.1f s (%.0f samples/s)%n",
                    e + 1, epochs, result.trainLoss(), 100 * result.trainAccuracy(), 100 * result.validationAccuracy(),
                    result.seconds(), result.samples() / result.seconds());
            out.flush();
            Path checkpoint = run.resolve(String.format(Locale.ROOT, "epoch-%03d.safetensors", e + 1));
            save(net, dataset, checkpoint, e + 1);
            saveState(trainer, optimizerFile(checkpoint));
            if (result.validationAccuracy() > best) {
                best = result.validationAccuracy();
                Files.copy(checkpoint, run.resolve("best.safetensors"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            writeLog(history);
            LearningCurves.write(run.resolve("curves.png"), network.name(), history);
        }
        out.printf(Locale.ROOT, "done in %.1f s; best validation accuracy %.2f%%; checkpoints in %s%n",
                (System.nanoTime() - start) / 1e9, 100 * best, run);
        out.flush();
        return 0;
    }

    static SpeechCommands open(Path data) {
        return open(data, SpeechCommands.Options.defaults());
    }

    static SpeechCommands open(Path data, SpeechCommands.Options options) {
        try {
            return SpeechCommands.open(data, options);
        } catch (IOException e) {
            throw new UserError(e.getMessage());
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

    private int resumeFrom(Trainer trainer, List<Trainer.Epoch> history) throws IOException {
        SafeTensorsFile f = SafeTensors.read(resume);
        String epoch = f.metadata().get("epoch");
        if (epoch == null) {
            throw new UserError(resume + ": no 'epoch' in its metadata; resume from a checkpoint a training run wrote");
        }
        Path state = optimizerFile(resume);
        if (Files.isRegularFile(state)) {
            SafeTensorsFile s = SafeTensors.read(state);
            Map<String, float[]> values = new HashMap<>();
            for (String name : s.names()) {
                values.put(name, s.f32(name).data());
            }
            trainer.loadState(values);
        }
        Path log = run.resolve("log.json");
        if (Files.isRegularFile(log)) {
            Trainer.Epoch[] past = new com.google.gson.Gson().fromJson(Files.readString(log), Trainer.Epoch[].class);
            for (Trainer.Epoch e : past) {
                if (e.epoch() < Integer.parseInt(epoch)) {
                    history.add(e);
                }
            }
        }
        return Integer.parseInt(epoch);
    }

    static Path optimizerFile(Path checkpoint) {
        String name = checkpoint.getFileName().toString().replaceAll("\\.safetensors$", "");
        return checkpoint.resolveSibling(name + ".optimizer.safetensors");
    }

    private void save(Trainable net, SpeechCommands dataset, Path file, int epoch) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("network", spec.commandLine().getCommandName());
        meta.put("labels", String.join(",", dataset.labels()));
        meta.put("epoch", Integer.toString(epoch));
        meta.put("seed", Long.toString(seed));
        Checkpoints.save(file, net.parameterList(), net.parameters(), meta);
    }

    private static void saveState(Trainer trainer, Path file) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter();
        trainer.state().forEach((k, v) -> w.put(k, Tensor.of(v, v.length)));
        w.write(file);
    }

    private void writeLog(List<Trainer.Epoch> history) throws IOException {
        Files.writeString(run.resolve("log.json"), new GsonBuilder().setPrettyPrinting().create().toJson(history) + "\n");
    }

    private static long trainableCount(Trainable net) {
        return net.parameterList().stream().filter(p -> p.role().trainable()).mapToLong(p -> p.size()).sum();
    }

    private static void progress(PrintWriter err, int epoch, int step, int steps, double loss, double acc, double rate,
                                 long start, int epochsDone, int epochsTotal) {
        int width = 30;
        int filled = (int) ((long) width * step / steps);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double fraction = (epochsDone + (double) step / steps) / epochsTotal;
        long eta = fraction > 0 ? Math.round(elapsed / fraction - elapsed) : 0;
        err.printf(Locale.ROOT, "\repoch %d [%s%s] %d/%d loss %.4f acc %.1f%% %.0f samples/s ETA %d:%02d ", epoch + 1,
                "=".repeat(filled), " ".repeat(width - filled), step, steps, loss, 100 * acc, rate, eta / 60, eta % 60);
        err.flush();
    }
}
