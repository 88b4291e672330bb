package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.ir.Names;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.runtime.train.SpeechCommands;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ssmc eval FILE.ssm --checkpoint C --data DIR}: a checkpoint's score on a data folder, at the
 * task the folder's layout shows (or {@code --task}), as {@code ssmc train} chooses it.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a checkpoint on a data folder, at the task its layout shows (or --task), as train "
                + "chooses it. The last line is always the score, in a fixed form:",
            "- classifier, Speech Commands folder: the split's listed clips plus 24 silence items cut from its "
                + "background noise with a fixed seed; the confusion matrix, then accuracy=X over N items (X a fraction).",
            "- denoiser, folder with test/noisy and test/clean (pairs matched by file name): each file denoised "
                + "whole; per file and on average the SI-SNR of input and output against the clean speech, then "
                + "si_snri=X dB over N items (X the mean improvement, in dB).",
            "- recognizer, folder with train/, validation/, test/ and their transcripts.tsv: per split the word and "
                + "character error rates of greedy decoding (and of --beam W, with --lexicon FILE), then wer=X cer=Y over N items (X and "
                + "Y percentages, of every split evaluated, by --beam W if given, else greedy)."})
public final class EvalCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The .ssm file of the network.")
    Path file;

    @Option(names = "--checkpoint", required = true, paramLabel = "C", description = "The checkpoint to evaluate.")
    Path checkpoint;

    @Option(names = "--data", required = true, paramLabel = "DIR",
            description = "A Speech Commands folder, an enhancement folder (test/noisy, test/clean) or a transcribed one.")
    Path data;

    @Option(names = "--task", paramLabel = "TASK",
            description = "classify, enhance or recognize (default: what the data's layout shows).")
    String task;

    @Option(names = "--split", description = "test, validation or train (default: ${DEFAULT-VALUE}); a recognizer also "
            + "takes all (every split the folder has); a denoiser is evaluated on test.")
    String split = "test";

    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch = 32;

    @Option(names = "--predictions", paramLabel = "FILE", description = "Classifier or recognizer: also write one line "
            + "per item, tab-separated: the item (its path in the data folder; silence#K for the K-th silence item), "
            + "its label or transcript, the predicted label or the transcript recognized.")
    Path predictions;

    @Option(names = "--beam", paramLabel = "W", description = "Recognizer: also decode by prefix beam search keeping W "
            + "prefixes (those e^8 times less probable than the best are dropped), and score that on the last line.")
    Integer beam;

    @Option(names = "--lexicon", paramLabel = "FILE", description = "Recognizer, with --beam: the beam search spells only"
            + " the words of FILE (one or more a line, or a transcripts.tsv: file, tab, words), such as"
            + " train/transcripts.tsv.")
    Path lexicon;

    @Option(names = "--plots", paramLabel = "DIR", description = "Denoiser: write a PNG per pictured file to DIR, the "
            + "spectrograms of the noisy, denoised and clean speech side by side.")
    Path plots;

    @Option(names = "--plot-count", paramLabel = "K", description = "Denoiser: how many files --plots pictures, spread "
            + "over the test pairs in name order (default: " + DEFAULT_PLOTS + ").")
    Integer plotCount;

    private static final int DEFAULT_PLOTS = 4;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new UserError("--batch must be at least 1, not " + batch);
        }
        if (plotCount != null && plotCount < 1) {
            throw new UserError("--plot-count must be at least 1, not " + plotCount);
        }
        UserFiles.input(checkpoint, "--checkpoint");
        Network network = NetworkChoice.pick(NetworkChoice.compiled(file), file, null);
        String kind = TrainingData.taskOf(data, task);
        Evaluated target = new Evaluated(file, network, ShapeInference.infer(network), checkpoint, data, batch);
        PrintWriter out = spec.commandLine().getOut();
        switch (kind) {
            case TrainingData.Classification.TASK -> {
                refuse(kind, "--beam", beam != null);
                refuse(kind, "--lexicon", lexicon != null);
                refuse(kind, "--plots", plots != null || plotCount != null);
                ClassifierEvaluation.run(target, split(false), predictions, out);
            }
            case TrainingData.Enhancement.TASK -> {
                refuse(kind, "--beam", beam != null);
                refuse(kind, "--lexicon", lexicon != null);
                refuse(kind, "--predictions", predictions != null);
                if (!split.equals("test")) {
                    throw new UserError("--split " + split + ": a denoiser is evaluated on the test pairs (test/noisy and"
                            + " test/clean) only");
                }
                DenoiserEvaluation.run(target, plots, plotCount == null ? DEFAULT_PLOTS : plotCount, out);
            }
            default -> {
                refuse(kind, "--plots", plots != null || plotCount != null);
                CtcDecoding.check(beam, lexicon);
                RecognizerEvaluation.run(target, split.equals(RecognizerEvaluation.ALL) ? split
                        : split(true).name().toLowerCase(Locale.ROOT), beam, lexicon, predictions, out);
            }
        }
        out.flush();
        return 0;
    }

    /** The split {@code --split} names. */
    private SpeechCommands.Split split(boolean allAllowed) {
        return Names.named(SpeechCommands.Split.class, split.toUpperCase(Locale.ROOT)).orElseThrow(() -> new UserError(
                "--split must be test, validation" + (allAllowed ? ", train or all" : " or train") + ", not '" + split + "'"));
    }

    /** Refuses an option that the task does not use: given for nothing, it would be silently ignored. */
    private static void refuse(String kind, String option, boolean given) {
        if (given) {
            throw new UserError(option + " is not for the " + kind + " task (the data folder's layout, or --task, chose it)");
        }
    }
}
