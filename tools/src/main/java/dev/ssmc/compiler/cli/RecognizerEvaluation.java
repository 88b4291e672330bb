package dev.ssmc.compiler.cli;

import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.train.Alphabet;
import dev.ssmc.runtime.train.CtcDecoder;
import dev.ssmc.runtime.train.ErrorRates;
import dev.ssmc.runtime.train.RecognitionTask;
import dev.ssmc.runtime.train.SpeechCommands.Split;
import dev.ssmc.runtime.train.TranscribedSpeech;
import dev.ssmc.runtime.train.Utterance;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ssmc eval} of a recognizer on a folder of transcribed utterances: per split, the word and
 * character error rates of greedy decoding and, with {@code --beam W} (and {@code --lexicon}), of the prefix beam search
 * beside them ({@link CtcDecoding}); last {@code wer=X cer=Y over N items}, percentages of every
 * split evaluated together, by the decoding asked for. Utterances run through the network's
 * full-sequence pass in batches padded to their longest, each decoded over its own frames, as
 * training's validation does.
 *
 * <p>The data's alphabet is its training transcripts'; a checkpoint that names another (its
 * {@code alphabet} metadata, which {@code ssmc train} writes) is refused, since its outputs would be
 * read as other symbols. A folder without {@code train/} is read in the checkpoint's alphabet.
 */
final class RecognizerEvaluation {
    /** The split option's value for every split the folder has. */
    static final String ALL = "all";

    private RecognizerEvaluation() {
    }

    /** One item's decoding, for {@code --predictions}. */
    private record Decoded(String source, String text, String recognized) {
    }

    static void run(Evaluated e, String split, Integer beamWidth, Path lexicon, Path predictions, PrintWriter out) {
        int rate = TrainingData.Recognition.sampleRate(e.network());
        TrainingData.checkMono(e.network(), rate);
        TranscribedSpeech speech = open(e, rate);
        Alphabet alphabet = speech.alphabet();
        CtcDecoding decoding = CtcDecoding.of(beamWidth, lexicon, alphabet);
        TrainingData.Recognition.checkRecognizer(e.network(), e.shapes(), alphabet);
        List<Split> splits = splits(speech, split);
        List<List<Utterance>> items = new ArrayList<>();
        int longest = 0;
        for (Split s : splits) {
            List<Utterance> utterances = load(speech, s);
            for (Utterance u : utterances) {
                if (u.samples().length < e.shapes().minimumLength()) {
                    throw new UserError(e.data().resolve(u.source()) + ": " + u.samples().length + " samples, shorter"
                            + " than one window of network " + e.network().name() + "'s resampling ("
                            + e.shapes().minimumLength() + " samples)");
                }
                longest = Math.max(longest, u.samples().length);
            }
            items.add(utterances);
        }
        long passBatch = Math.min(e.batch(), items.stream().mapToInt(List::size).max().orElse(1));
        MemoryNeeds.require(MemoryNeeds.forward(e.network(), passBatch, longest), "evaluating "
                + MemoryNeeds.describe(e.network()) + " at batch " + passBatch + " x length " + longest,
                "use a smaller --batch");
        Trainable net = e.load();
        int samplesPerFrame = (int) e.shapes().outputRate().den();
        ErrorRates total = new ErrorRates();
        List<Decoded> decoded = new ArrayList<>();
        for (int k = 0; k < splits.size(); k++) {
            List<Utterance> utterances = items.get(k);
            ErrorRates greedy = new ErrorRates();
            ErrorRates beam = new ErrorRates();
            RecognitionTask.logitsOfEach(net, utterances, e.batch(), alphabet.classes(), samplesPerFrame, (i, logits) -> {
                Utterance u = utterances.get(i);
                String best = alphabet.decode(CtcDecoder.greedy(logits));
                greedy.add(u.text(), best);
                if (!decoding.greedy()) {
                    best = alphabet.decode(decoding.decode(logits));
                    beam.add(u.text(), best);
                }
                total.add(u.text(), best);
                decoded.add(new Decoded(u.source(), u.text(), Alphabet.normalize(best)));
            });
            String name = splits.get(k).name().toLowerCase(Locale.ROOT);
            out.println(line(name, CtcDecoding.GREEDY, greedy));
            if (!decoding.greedy()) {
                out.println(line(name, decoding, beam));
            }
        }
        if (predictions != null) {
            StringBuilder lines = new StringBuilder();
            decoded.forEach(d -> lines.append(d.source()).append('\t').append(d.text()).append('\t')
                    .append(d.recognized()).append('\n'));
            Evaluated.writePredictions(predictions, lines);
        }
        out.printf(Locale.ROOT, "wer=%.2f cer=%.2f over %d items%n", 100 * total.wordErrorRate(),
                100 * total.characterErrorRate(), total.items());
    }

    /**
     * The data in the alphabet its training transcripts spell, which the checkpoint's must be; or,
     * without a training split, in the checkpoint's.
     */
    private static TranscribedSpeech open(Evaluated e, int rate) {
        SafeTensorsFile f = e.checkpointFile();
        TranscribedSpeech.Options options = new TranscribedSpeech.Options(rate);
        try {
            if (Files.isDirectory(e.data().resolve("train"))) {
                TranscribedSpeech speech = TranscribedSpeech.open(e.data(), options);
                TrainingData.Recognition.checkAlphabet(e.checkpoint(), f, speech.alphabet());
                return speech;
            }
            String symbols = f.metadata().get(TrainingData.Recognition.ALPHABET);
            if (symbols == null) {
                throw new UserError(e.checkpoint() + ": no 'alphabet' in its metadata, and " + e.data() + " has no train/"
                        + " split whose transcripts would give it; evaluate a checkpoint that ssmc train wrote");
            }
            Alphabet alphabet;
            try {
                alphabet = Alphabet.fromSymbols(symbols);
            } catch (InvalidInputException x) {
                throw new UserError(e.checkpoint() + ": its 'alphabet' metadata is not an alphabet: " + x.getMessage());
            }
            return TranscribedSpeech.open(e.data(), alphabet, options);
        } catch (IOException x) {
            throw UserFiles.failure(e.data(), x);
        }
    }

    /** The splits {@code --split} names: one the folder has, or all it has. */
    private static List<Split> splits(TranscribedSpeech speech, String split) {
        if (split.equals(ALL)) {
            return List.of(Split.values()).stream().filter(speech::has).toList();
        }
        Split s = Split.valueOf(split.toUpperCase(Locale.ROOT));
        if (!speech.has(s)) {
            throw new UserError("--split " + split + ": " + speech.dir() + " has no " + split + "/ folder (it has "
                    + String.join(", ", List.of(Split.values()).stream().filter(speech::has)
                            .map(x -> x.name().toLowerCase(Locale.ROOT) + "/").toList()) + ")");
        }
        return List.of(s);
    }

    private static List<Utterance> load(TranscribedSpeech speech, Split split) {
        try {
            return speech.load(split);
        } catch (IOException x) {
            throw UserFiles.failure(speech.dir(), x);
        }
    }

    /** {@code test: greedy: wer 2.34% (...), cer 1.10% (...) over N items}. */
    private static String line(String split, CtcDecoding decoding, ErrorRates rates) {
        ErrorRates.Edits w = rates.words();
        ErrorRates.Edits c = rates.characters();
        return String.format(Locale.ROOT, "%s: %s: wer %.2f%% (%d errors in %d words: %d substituted, %d deleted,"
                        + " %d inserted), cer %.2f%% (%d errors in %d characters) over %d items", split, decoding,
                100 * w.rate(), w.errors(), w.referenceLength(), w.substitutions(), w.deletions(), w.insertions(),
                100 * c.rate(), c.errors(), c.referenceLength(), rates.items());
    }
}
