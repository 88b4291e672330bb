package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.train.Networks;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.train.Clip;
import dev.ssmc.runtime.train.ClipSet;
import dev.ssmc.runtime.train.ConfusionMatrix;
import dev.ssmc.runtime.train.SpeechCommands;
import dev.ssmc.runtime.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ssmc eval FILE.ssm --checkpoint C --data DIR}: accuracy and confusion matrix on a split, and
 * with {@code --predictions} each item's prediction.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a classifier's checkpoint on a Speech Commands folder: the split's listed clips "
                + "plus 24 silence items cut from its background noise with a fixed seed. Prints the "
                + "confusion matrix, then the line accuracy=X over N items.")
public final class EvalCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The .ssm file of the network.")
    Path file;

    @Option(names = "--checkpoint", required = true, paramLabel = "C", description = "The checkpoint to evaluate.")
    Path checkpoint;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "A Speech Commands folder.")
    Path data;

    @Option(names = "--split", description = "test, validation or train (default: ${DEFAULT-VALUE}).")
    String split = "test";

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = 32;

    @Option(names = "--predictions", paramLabel = "FILE", description = "Also write one line per item, tab-separated: "
            + "the item (its path in the data folder, or silence#K for the K-th silence item), its label, the predicted label.")
    Path predictions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SpeechCommands.Split which;
        try {
            which = SpeechCommands.Split.valueOf(split.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserError("--split must be test, validation or train, not '" + split + "'");
        }
        if (batch < 1) {
            throw new UserError("--batch must be at least 1, not " + batch);
        }
        UserFiles.input(checkpoint, "--checkpoint");
        Frontend.Compilation c = NetworkChoice.compiled(file);
        Network network = NetworkChoice.pick(c, file, null);
        SpeechCommands dataset = TrainCommand.open(data);
        TrainCommand.checkFits(network, ShapeInference.infer(network), dataset);
        try {
            TrainCommand.checkLabels(checkpoint, SafeTensors.read(checkpoint), dataset);
        } catch (IOException e) {
            throw UserFiles.failure(checkpoint, e);
        }
        ClipSet set = TrainCommand.load(dataset, which);
        // a batch larger than the split is the whole split
        long passBatch = Math.min(batch, set.evaluationItems().size());
        MemoryNeeds.require(MemoryNeeds.forward(network, passBatch, set.clipLength()), "evaluating "
                + MemoryNeeds.describe(network) + " at batch " + passBatch + " x length " + set.clipLength(),
                "use a smaller --batch");
        Trainable net;
        try {
            net = Networks.load(network, Profiles.load(null), file.getFileName().toString(), checkpoint);
        } catch (IOException e) {
            throw UserFiles.failure(checkpoint, e);
        }
        ConfusionMatrix m = new ConfusionMatrix(dataset.labels().size());
        int[] predicted = Trainer.predict(net, set, batch);
        double accuracy = Trainer.score(set, predicted, m);
        if (predictions != null) {
            writePredictions(predictions, set, predicted);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(m.format(dataset.labels()));
        out.printf(Locale.ROOT, "accuracy=%.4f over %d items%n", accuracy, m.total());
        out.flush();
        return 0;
    }

    /**
     * One line per item of {@link ClipSet#evaluationItems()}, in that order: word clips by their path
     * (comparable item by item with another program's predictions on the same files), silence items
     * as {@code silence#K} (they are cut from the noise, so they have no file).
     */
    private static void writePredictions(Path file, ClipSet set, int[] predicted) {
        List<Clip> items = set.evaluationItems();
        List<String> labels = set.labels();
        int words = set.clips().size();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            String item = i < words ? items.get(i).source() : "silence#" + (i - words);
            text.append(item).append('\t').append(labels.get(items.get(i).label())).append('\t')
                    .append(labels.get(predicted[i])).append('\n');
        }
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("--predictions: cannot write " + file + ": " + e.getMessage());
        }
    }
}
