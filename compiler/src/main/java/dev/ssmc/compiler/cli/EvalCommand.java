package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.train.Networks;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.train.ClipSet;
import dev.ssmc.runtime.train.ConfusionMatrix;
import dev.ssmc.runtime.train.SpeechCommands;
import dev.ssmc.runtime.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ssmc eval FILE.ssm --checkpoint C --data DIR}: accuracy and confusion matrix on a split. */
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
        double accuracy = Trainer.evaluate(net, set, batch, m);
        PrintWriter out = spec.commandLine().getOut();
        out.println(m.format(dataset.labels()));
        out.printf(Locale.ROOT, "accuracy=%.4f over %d items%n", accuracy, m.total());
        out.flush();
        return 0;
    }
}
