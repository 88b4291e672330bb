package dev.ssmc.runtime.train;

import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.train.SpeechCommands.Split;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A speech recognition data set: one folder per split ({@code train/}, {@code validation/},
 * {@code test/}), each with 16-bit mono WAVs and {@value #TRANSCRIPTS}, one utterance a line:
 * the file name, a tab, and the words said ({@code six six zero four}; an empty transcript is an
 * utterance of nothing). This is the layout of {@code asr-synth}.
 *
 * <p><b>The alphabet</b> is read from the training transcripts ({@link Alphabet#of}), or given
 * (a trained network's, to evaluate it). Every transcript of every split is checked against it
 * when the data set is opened, so a character outside it is an error that names the file and
 * line before anything is trained.
 *
 * <p><b>Audio</b> is read at the file's rate, which must be the data set's
 * ({@link Options#sampleRate()}); a split's utterances are read once ({@link #load}) and kept
 * in memory, in the order of its transcripts file. Instances are thread-safe.
 */
public final class TranscribedSpeech {
    /** The transcripts file of every split folder. */
    public static final String TRANSCRIPTS = "transcripts.tsv";

    /** @param sampleRate the sample rate every file must have, in Hz */
    public record Options(int sampleRate) {
        public Options {
            if (sampleRate <= 0) {
                throw new IllegalArgumentException("sample rate must be positive, not " + sampleRate);
            }
        }

        /** 8 kHz, the telephone band of connected-digit corpora (and of asr-synth). */
        public static Options defaults() {
            return new Options(8000);
        }
    }

    /** One line of a transcripts file. */
    private record Line(String file, String text, int[] labels) {
    }

    private final Path dir;
    private final Options options;
    private final Alphabet alphabet;
    private final Map<Split, List<Line>> lines;
    private final Map<Split, List<Utterance>> loaded = new EnumMap<>(Split.class);

    private TranscribedSpeech(Path dir, Options options, Alphabet alphabet, Map<Split, List<Line>> lines) {
        this.dir = dir;
        this.options = options;
        this.alphabet = alphabet;
        this.lines = lines;
    }

    /**
     * Reads the transcripts of every split folder in {@code dir} and the alphabet from the
     * training split's.
     *
     * @throws IOException if there is no training split, a transcripts file is missing, malformed
     *     or names a missing or repeated file, or a transcript uses a character that is not a
     *     letter, an apostrophe or a space, or (in the other splits) one outside the training
     *     split's alphabet; messages name the file and line
     */
    public static TranscribedSpeech open(Path dir, Options options) throws IOException {
        requireFolder(dir);
        if (!Files.isDirectory(folder(dir, Split.TRAIN))) {
            throw new IOException(dir + ": no " + folderName(Split.TRAIN) + "/ folder to read the alphabet from"
                    + " (or give the alphabet, as a trained network's)");
        }
        Path trainTranscripts = folder(dir, Split.TRAIN).resolve(TRANSCRIPTS);
        List<String> texts = new ArrayList<>();
        for (RawLine raw : readRaw(trainTranscripts)) {
            try {
                texts.add(Alphabet.requireSpellable(raw.text()));
            } catch (InvalidInputException e) {
                throw new IOException(trainTranscripts + ":" + raw.number() + ": " + e.getMessage(), e);
            }
        }
        return open(dir, Alphabet.of(texts), options);
    }

    /**
     * Reads the transcripts of every split folder in {@code dir} in a given alphabet; at least
     * one split folder must exist.
     *
     * @throws IOException as {@link #open(Path, Options)}, a character outside {@code alphabet}
     *     included
     */
    public static TranscribedSpeech open(Path dir, Alphabet alphabet, Options options) throws IOException {
        requireFolder(dir);
        Map<Split, List<Line>> lines = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            Path folder = folder(dir, split);
            if (Files.isDirectory(folder)) {
                lines.put(split, readLines(folder, alphabet));
            }
        }
        if (lines.isEmpty()) {
            throw new IOException(dir + ": none of the split folders train/, validation/, test/ (each with "
                    + TRANSCRIPTS + ")");
        }
        return new TranscribedSpeech(dir, options, alphabet, lines);
    }

    private static void requireFolder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a folder (expected a speech recognition data set: train/,"
                    + " validation/, test/, each with " + TRANSCRIPTS + ")");
        }
    }

    private static String folderName(Split split) {
        return split.name().toLowerCase(Locale.ROOT);
    }

    private static Path folder(Path dir, Split split) {
        return dir.resolve(folderName(split));
    }

    /** A non-blank line of a transcripts file, split at its first tab, with its line number. */
    private record RawLine(int number, String file, String text) {
    }

    private static List<RawLine> readRaw(Path transcripts) throws IOException {
        if (!Files.isRegularFile(transcripts)) {
            throw new IOException(transcripts + ": missing (a split folder lists its files and what they say there,"
                    + " one 'file.wav<TAB>words' a line)");
        }
        List<String> all = Files.readAllLines(transcripts, StandardCharsets.UTF_8);
        List<RawLine> raw = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            String line = all.get(i);
            if (line.isBlank()) {
                continue;
            }
            int tab = line.indexOf('\t');
            if (tab <= 0) {
                throw new IOException(transcripts + ":" + (i + 1) + ": expected 'file.wav<TAB>words', not '" + line + "'");
            }
            raw.add(new RawLine(i + 1, line.substring(0, tab).strip(), line.substring(tab + 1)));
        }
        return raw;
    }

    private static List<Line> readLines(Path folder, Alphabet alphabet) throws IOException {
        Path transcripts = folder.resolve(TRANSCRIPTS);
        List<Line> lines = new ArrayList<>();
        Set<String> files = new HashSet<>();
        for (RawLine raw : readRaw(transcripts)) {
            String where = transcripts + ":" + raw.number() + ": ";
            if (!files.add(raw.file())) {
                throw new IOException(where + raw.file() + " is listed twice");
            }
            if (!Files.isRegularFile(folder.resolve(raw.file()))) {
                throw new IOException(where + raw.file() + " is not a file in " + folder);
            }
            try {
                lines.add(new Line(raw.file(), Alphabet.normalize(raw.text()), alphabet.encode(raw.text())));
            } catch (InvalidInputException e) {
                throw new IOException(where + e.getMessage(), e);
            }
        }
        return List.copyOf(lines);
    }

    public Path dir() {
        return dir;
    }

    public Options options() {
        return options;
    }

    /** The classes a recognizer of this data set spells with. */
    public Alphabet alphabet() {
        return alphabet;
    }

    /** Whether the data set has this split's folder. */
    public boolean has(Split split) {
        return lines.containsKey(split);
    }

    /** A split's files as {@code split/file.wav}, in the order of its transcripts. */
    public List<String> files(Split split) {
        return lines(split).stream().map(l -> folderName(split) + "/" + l.file()).toList();
    }

    private List<Line> lines(Split split) {
        List<Line> l = lines.get(split);
        if (l == null) {
            throw new InvalidInputException(dir + " has no " + folderName(split) + "/ split");
        }
        return l;
    }

    /**
     * A split's utterances in memory, read on the first call (on all cores) and kept.
     *
     * @throws IOException if a file is unreadable, not mono, or not at the data set's sample rate;
     *     the message names the file
     */
    public synchronized List<Utterance> load(Split split) throws IOException {
        List<Utterance> utterances = loaded.get(split);
        if (utterances == null) {
            List<Line> l = lines(split);
            Utterance[] read = new Utterance[l.size()];
            try {
                IntStream.range(0, read.length).parallel().forEach(i -> {
                    String source = folderName(split) + "/" + l.get(i).file();
                    try {
                        float[] samples = BackgroundNoise.readMono(dir.resolve(source), options.sampleRate());
                        read[i] = new Utterance(source, l.get(i).text(), l.get(i).labels(), samples);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            utterances = List.of(read);
            loaded.put(split, utterances);
        }
        return utterances;
    }

    /**
     * Every {@code .wav} file of {@code folder}, in name order, as noise to mix into training
     * utterances ({@link UtteranceAugmentation}): read at its own rate and
     * {@link Resampler#resample resampled} to {@code sampleRate} (so the 16 kHz noise of a speech
     * enhancement set serves an 8 kHz recognizer). Training cuts its segments from the first 80%
     * of each recording, {@link BackgroundNoise}'s training part.
     *
     * @throws IOException if the folder does not exist or has no {@code .wav} file, or a file is
     *     unreadable or not mono; the message names it
     */
    public static BackgroundNoise readNoise(Path folder, int sampleRate) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + ": not a folder of noise recordings");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".wav") && Files.isRegularFile(p))
                    .sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(folder + ": no .wav files to cut noise from");
        }
        List<BackgroundNoise.Recording> recordings = new ArrayList<>();
        for (Path file : files) {
            Audio audio = BackgroundNoise.readMono(file);
            recordings.add(new BackgroundNoise.Recording(file.getFileName().toString(),
                    Resampler.resample(audio.channels()[0], audio.sampleRate(), sampleRate)));
        }
        return BackgroundNoise.of(recordings);
    }
}
