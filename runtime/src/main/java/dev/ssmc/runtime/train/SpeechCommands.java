package dev.ssmc.runtime.train;

import dev.ssmc.runtime.io.InvalidInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A keyword-spotting data set in the Speech Commands layout: one folder per word of 16-bit mono
 * WAVs, {@code validation_list.txt} and {@code testing_list.txt} naming the validation and test
 * files ({@code word/file.wav}, one a line), and {@code _background_noise_} with long noise
 * recordings.
 *
 * <p><b>Splits.</b> A file is in the validation split if the validation list names it, in the test
 * split if the test list does, and in the training split if neither does. Within a split, files are
 * in path order, so everything downstream is independent of the file system's listing order.
 *
 * <p><b>Labels.</b> {@link LabelMode#TWELVE_CLASS} is the usual 12-class protocol: the ten
 * {@link #KEYWORDS} in that order (classes 0..9), {@value #UNKNOWN} (10) for every other word
 * folder, and {@value #SILENCE} (11) for segments of background noise. {@link LabelMode#ALL_WORDS}
 * gives every word folder its own class, in name order, then {@value #SILENCE}. With
 * {@link Options#withSilence} off there is no silence class (and no silence items).
 *
 * <p><b>Silence.</b> Silence items are segments of background noise scaled by a gain drawn
 * uniformly from {@code [0, silenceMaxGain]}, cut from the split's own part of every recording
 * (see {@link BackgroundNoise}). Training draws fresh ones every epoch (see
 * {@link Batches#training}); every split also has a fixed set ({@link ClipSet#fixedSilence()}),
 * cut with a seed that does not depend on the training run, which evaluation uses so that it is
 * reproducible.
 *
 * <p><b>Clips</b> are read once per split ({@link #load}) and kept in memory as {@code float[]}
 * of {@link Options#clipLength()} samples: shorter files are padded with zeros at the end (as the
 * usual recipes do: Speech Commands' words start near the beginning), longer ones are cropped
 * around their center. Instances are thread-safe.
 */
public final class SpeechCommands {
    /** The ten keywords of the 12-class protocol, in class order. */
    public static final List<String> KEYWORDS =
            List.of("yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go");
    /** The class name of words that are not keywords (12-class protocol). */
    public static final String UNKNOWN = "unknown";
    /** The class name of background-noise segments. */
    public static final String SILENCE = "silence";
    public static final String VALIDATION_LIST = "validation_list.txt";
    public static final String TEST_LIST = "testing_list.txt";

    /** The three disjoint parts of the data set. */
    public enum Split {
        TRAIN, VALIDATION, TEST
    }

    /** How word folders map to classes. */
    public enum LabelMode {
        /** {@link #KEYWORDS}, then {@value #UNKNOWN} for every other word, then {@value #SILENCE}. */
        TWELVE_CLASS,
        /** Every word folder its own class, in name order, then {@value #SILENCE}. */
        ALL_WORDS
    }

    /**
     * How to read a data set.
     *
     * @param labelMode how word folders map to classes
     * @param silence whether there is a silence class (and silence items)
     * @param sampleRate the sample rate every file must have, in Hz
     * @param clipLength samples per clip: shorter files are zero-padded at the end, longer ones
     *     center-cropped
     * @param trainingSilenceFraction the fraction of every training epoch's items that are fresh
     *     silence items, in {@code [0, 1)}: with {@code n} word clips, {@code round(n f / (1 - f))}
     *     of them
     * @param evaluationSilenceCount how many fixed silence items each split has
     * @param evaluationSilenceSeed the seed the fixed silence items are cut with (mixed with the
     *     split, so validation and test differ); fixed, so evaluation is reproducible
     * @param silenceMaxGain silence items are noise times a gain drawn uniformly from
     *     {@code [0, silenceMaxGain]}
     */
    public record Options(LabelMode labelMode, boolean silence, int sampleRate, int clipLength,
                          double trainingSilenceFraction, int evaluationSilenceCount, long evaluationSilenceSeed,
                          double silenceMaxGain) {
        public Options {
            if (labelMode == null) {
                throw new IllegalArgumentException("labelMode is null");
            }
            if (sampleRate <= 0) {
                throw new IllegalArgumentException("sample rate must be positive, not " + sampleRate);
            }
            if (clipLength <= 0) {
                throw new IllegalArgumentException("clip length must be positive, not " + clipLength);
            }
            if (!(trainingSilenceFraction >= 0 && trainingSilenceFraction < 1)) {
                throw new IllegalArgumentException("the training silence fraction must be in [0, 1), not "
                        + trainingSilenceFraction);
            }
            if (evaluationSilenceCount < 0) {
                throw new IllegalArgumentException("negative evaluation silence count " + evaluationSilenceCount);
            }
            if (!(silenceMaxGain >= 0 && Double.isFinite(silenceMaxGain))) {
                throw new IllegalArgumentException("the silence gain must be finite and >= 0, not " + silenceMaxGain);
            }
        }

        /**
         * 12 classes, silence on, 16 kHz, 16000-sample clips, 10% of every training epoch silence,
         * 24 fixed silence items per split cut with seed 0x5EED, silence gains in {@code [0, 1]}.
         */
        public static Options defaults() {
            return new Options(LabelMode.TWELVE_CLASS, true, 16000, 16000, 0.1, 24, 0x5EED, 1.0);
        }

        public Options withLabelMode(LabelMode mode) {
            return new Options(mode, silence, sampleRate, clipLength, trainingSilenceFraction,
                    evaluationSilenceCount, evaluationSilenceSeed, silenceMaxGain);
        }

        public Options withSilence(boolean on) {
            return new Options(labelMode, on, sampleRate, clipLength, trainingSilenceFraction,
                    evaluationSilenceCount, evaluationSilenceSeed, silenceMaxGain);
        }

        public Options withSampleRate(int hz) {
            return new Options(labelMode, silence, hz, clipLength, trainingSilenceFraction,
                    evaluationSilenceCount, evaluationSilenceSeed, silenceMaxGain);
        }

        public Options withClipLength(int samples) {
            return new Options(labelMode, silence, sampleRate, samples, trainingSilenceFraction,
                    evaluationSilenceCount, evaluationSilenceSeed, silenceMaxGain);
        }

        public Options withTrainingSilenceFraction(double fraction) {
            return new Options(labelMode, silence, sampleRate, clipLength, fraction,
                    evaluationSilenceCount, evaluationSilenceSeed, silenceMaxGain);
        }

        public Options withEvaluationSilence(int count, long seed) {
            return new Options(labelMode, silence, sampleRate, clipLength, trainingSilenceFraction,
                    count, seed, silenceMaxGain);
        }

        public Options withSilenceMaxGain(double gain) {
            return new Options(labelMode, silence, sampleRate, clipLength, trainingSilenceFraction,
                    evaluationSilenceCount, evaluationSilenceSeed, gain);
        }
    }

    private final Path dir;
    private final Options options;
    private final List<String> words;
    private final List<String> labels;
    private final Map<String, Integer> labelOfWord;
    private final Map<Split, List<String>> files;
    private final BackgroundNoise noise;
    private final Map<Split, ClipSet> loaded = new EnumMap<>(Split.class);

    private SpeechCommands(Path dir, Options options, List<String> words, List<String> labels,
                           Map<String, Integer> labelOfWord, Map<Split, List<String>> files, BackgroundNoise noise) {
        this.dir = dir;
        this.options = options;
        this.words = words;
        this.labels = labels;
        this.labelOfWord = labelOfWord;
        this.files = files;
        this.noise = noise;
    }

    /** {@link #open(Path, Options)} with {@link Options#defaults()}. */
    public static SpeechCommands open(Path dir) throws IOException {
        return open(dir, Options.defaults());
    }

    /**
     * Reads the layout of the data set in {@code dir} (word folders, the two lists, the background
     * noise, which is small and read now); the clips are read by {@link #load}.
     *
     * @throws IOException if the folder or a list is missing or unreadable, a list names a file
     *     that does not exist or names one in both lists, silence is on but there is no background
     *     noise, or a noise file is unreadable or at the wrong sample rate; messages name the file
     */
    public static SpeechCommands open(Path dir, Options options) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a folder (expected a data set in the Speech Commands layout)");
        }
        List<String> words;
        try (Stream<Path> listing = Files.list(dir)) {
            words = listing.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith("_") && !name.startsWith("."))
                    .sorted()
                    .toList();
        }
        if (words.isEmpty()) {
            throw new IOException(dir + ": no word folders");
        }
        List<String> labels = new ArrayList<>();
        Map<String, Integer> labelOfWord = new HashMap<>();
        if (options.labelMode() == LabelMode.TWELVE_CLASS) {
            labels.addAll(KEYWORDS);
            labels.add(UNKNOWN);
            for (String w : words) {
                int k = KEYWORDS.indexOf(w);
                labelOfWord.put(w, k >= 0 ? k : KEYWORDS.size());
            }
        } else {
            for (String w : words) {
                labelOfWord.put(w, labels.size());
                labels.add(w);
            }
        }
        if (options.silence()) {
            if (labels.contains(SILENCE)) {
                throw new IOException(dir + ": a word folder is named '" + SILENCE
                        + "', which clashes with the silence class (turn silence off, or rename the folder)");
            }
            labels.add(SILENCE);
        }

        Set<String> validation = readList(dir, VALIDATION_LIST);
        Set<String> test = readList(dir, TEST_LIST);
        for (String path : validation) {
            if (test.contains(path)) {
                throw new IOException(dir.resolve(VALIDATION_LIST) + ": " + path + " is also in " + TEST_LIST);
            }
        }
        Map<Split, List<String>> files = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            files.put(s, new ArrayList<>());
        }
        Set<String> seen = new HashSet<>();
        for (String word : words) {
            List<String> names;
            try (Stream<Path> listing = Files.list(dir.resolve(word))) {
                names = listing.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".wav")).sorted().toList();
            }
            for (String name : names) {
                String path = word + "/" + name;
                seen.add(path);
                Split split = validation.contains(path) ? Split.VALIDATION : test.contains(path) ? Split.TEST : Split.TRAIN;
                files.get(split).add(path);
            }
        }
        requireListed(dir, VALIDATION_LIST, validation, seen);
        requireListed(dir, TEST_LIST, test, seen);
        Map<Split, List<String>> frozen = new EnumMap<>(Split.class);
        files.forEach((s, l) -> frozen.put(s, List.copyOf(l)));

        BackgroundNoise noise = BackgroundNoise.load(dir.resolve(BackgroundNoise.DIRECTORY), options.sampleRate());
        if (options.silence() && noise.isEmpty()) {
            throw new IOException(dir + ": silence items are cut from " + BackgroundNoise.DIRECTORY
                    + "/*.wav, and there are none (add noise recordings, or turn silence off)");
        }
        return new SpeechCommands(dir, options, words, List.copyOf(labels), Map.copyOf(labelOfWord), frozen, noise);
    }

    /** The set of {@code word/file.wav} paths a list file names (blank lines ignored). */
    private static Set<String> readList(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": missing (a Speech Commands data set lists its "
                    + (name.equals(TEST_LIST) ? "test" : "validation") + " files there; an empty file means none)");
        }
        Set<String> paths = new LinkedHashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String path = line.strip().replace('\\', '/');
            if (!path.isEmpty()) {
                paths.add(path);
            }
        }
        return paths;
    }

    private static void requireListed(Path dir, String list, Set<String> listed, Set<String> existing)
            throws IOException {
        for (String path : listed) {
            if (!existing.contains(path)) {
                throw new IOException(dir.resolve(list) + ": lists " + path
                        + ", which is not a .wav file in a word folder of " + dir);
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public Options options() {
        return options;
    }

    /** The word folders, in name order. */
    public List<String> words() {
        return words;
    }

    /** The class names; a class's index is its label. */
    public List<String> labels() {
        return labels;
    }

    /** The class of a word folder. */
    public int labelOf(String word) {
        Integer label = labelOfWord.get(word);
        if (label == null) {
            throw new InvalidInputException("no word folder '" + word + "' in " + dir + " (words: " + words + ")");
        }
        return label;
    }

    /** The silence class, or -1 when silence is off. */
    public int silenceLabel() {
        return options.silence() ? labels.size() - 1 : -1;
    }

    /** A split's files as {@code word/file.wav} paths, in path order. */
    public List<String> files(Split split) {
        return files.get(split);
    }

    public BackgroundNoise noise() {
        return noise;
    }

    /**
     * A split's clips in memory, read on the first call (on all cores) and kept.
     *
     * @throws IOException if a file is unreadable, not mono, or not at the sample rate; the message
     *     names the file
     */
    public synchronized ClipSet load(Split split) throws IOException {
        ClipSet set = loaded.get(split);
        if (set == null) {
            set = new ClipSet(this, split, readClips(split), fixedSilence(split));
            loaded.put(split, set);
        }
        return set;
    }

    private List<Clip> readClips(Split split) throws IOException {
        List<String> paths = files.get(split);
        Clip[] clips = new Clip[paths.size()];
        try {
            IntStream.range(0, clips.length).parallel().forEach(i -> {
                String path = paths.get(i);
                try {
                    float[] samples = BackgroundNoise.readMono(dir.resolve(path), options.sampleRate());
                    clips[i] = new Clip(path, labelOf(path.substring(0, path.indexOf('/'))), fit(samples));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return List.of(clips);
    }

    /** Zero-pads at the end or crops around the center to the clip length. */
    private float[] fit(float[] samples) {
        int length = options.clipLength();
        if (samples.length == length) {
            return samples;
        }
        float[] out = new float[length];
        if (samples.length < length) {
            System.arraycopy(samples, 0, out, 0, samples.length);
        } else {
            System.arraycopy(samples, (samples.length - length) / 2, out, 0, length);
        }
        return out;
    }

    private List<Clip> fixedSilence(Split split) {
        if (!options.silence()) {
            return List.of();
        }
        SplittableRandom rnd = new SplittableRandom(
                Seeds.mix(options.evaluationSilenceSeed(), Seeds.EVALUATION_SILENCE, split.ordinal()));
        List<Clip> items = new ArrayList<>();
        for (int k = 0; k < options.evaluationSilenceCount(); k++) {
            float[] samples = new float[options.clipLength()];
            items.add(new Clip(cutSilence(split, rnd, samples, 0), silenceLabel(), samples));
        }
        return Collections.unmodifiableList(items);
    }

    /**
     * Adds a silence item (noise times a random gain) to {@code out[off .. off+clipLength)};
     * returns its description. Draws the gain, then the segment.
     */
    String cutSilence(Split split, SplittableRandom rnd, float[] out, int off) {
        double gain = rnd.nextDouble() * options.silenceMaxGain();
        BackgroundNoise.Segment s = noise.addSegment(split, rnd, gain, out, off, options.clipLength());
        return String.format(Locale.ROOT, "silence:%s@%d*%.3f", s.recording(), s.offset(), gain);
    }
}
