package dev.ssmc.compiler.cli;

import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.train.Clip;
import dev.ssmc.runtime.train.ClipSet;
import dev.ssmc.runtime.train.ConfusionMatrix;
import dev.ssmc.runtime.train.SpeechCommands;
import dev.ssmc.runtime.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code ssmc eval} of a classifier on a Speech Commands folder: the split's listed clips plus the
 * fixed silence items, the confusion matrix, and last {@code accuracy=X over N items}.
 */
final class ClassifierEvaluation {
    private ClassifierEvaluation() {
    }

    static void run(Evaluated e, SpeechCommands.Split split, Path predictions, PrintWriter out) {
        SpeechCommands dataset = TrainCommand.open(e.data());
        TrainCommand.checkFits(e.network(), e.shapes(), dataset);
        TrainCommand.checkLabels(e.checkpoint(), e.checkpointFile(), dataset);
        ClipSet set = TrainCommand.load(dataset, split);
        // a batch larger than the split is the whole split
        long passBatch = Math.min(e.batch(), set.evaluationItems().size());
        MemoryNeeds.require(MemoryNeeds.forward(e.network(), passBatch, set.clipLength()), "evaluating "
                + MemoryNeeds.describe(e.network()) + " at batch " + passBatch + " x length " + set.clipLength(),
                "use a smaller --batch");
        Trainable net = e.load();
        ConfusionMatrix m = new ConfusionMatrix(dataset.labels().size());
        int[] predicted = Trainer.predict(net, set, e.batch());
        double accuracy = Trainer.score(set, predicted, m);
        if (predictions != null) {
            Evaluated.writePredictions(predictions, predictionLines(set, predicted));
        }
        out.println(m.format(dataset.labels()));
        out.printf(Locale.ROOT, "accuracy=%.4f over %d items%n", accuracy, m.total());
    }

    /**
     * One line per item of {@link ClipSet#evaluationItems()}, in that order: word clips by their path
     * (comparable item by item with another program's predictions on the same files), silence items
     * as {@code silence#K} (they are cut from the noise, so they have no file).
     */
    private static String predictionLines(ClipSet set, int[] predicted) {
        List<Clip> items = set.evaluationItems();
        List<String> labels = set.labels();
        int words = set.clips().size();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            String item = i < words ? items.get(i).source() : "silence#" + (i - words);
            text.append(item).append('\t').append(labels.get(items.get(i).label())).append('\t')
                    .append(labels.get(predicted[i])).append('\n');
        }
        return text.toString();
    }
}
