package dev.ssmc.runtime.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A speech-enhancement data set in the layout of {@code se-synth}, every file a mono WAV at the
 * network's sample rate:
 *
 * <pre>
 *   clean/train/*.wav   clean sentences, named voice_k.wav (the voice is the name up to its last '_')
 *   noise/train/*.wav   long noise recordings
 *   test/noisy/*.wav    fixed noisy inputs ...
 *   test/clean/*.wav    ... and their clean speech, matched by file name
 * </pre>
 *
 * <p><b>Training</b> mixtures are made on the fly by {@link MixtureBatches}: a random crop of a
 * clean clip, a random segment of a random noise recording at an SNR drawn uniformly from
 * {@link Options#minSnrDb()}..{@link Options#maxSnrDb()} (over the crop, see {@link Mixing}), and
 * both scaled by a gain drawn uniformly in dB from {@link Options#minGainDb()}..{@link
 * Options#maxGainDb()}.
 *
 * <p><b>Validation.</b> So that validation, like the test set, hears neither voices nor noise
 * that training does, it holds out whole voices and a part of every noise recording. The held-out
 * voices are the {@code round(f V)} of the {@code V} voices (at least one, and never all) whose
 * names' SHA-256 comes first, {@code f} being {@link Options#validationVoiceFraction()}: a pure
 * function of the names, independent of the seed, the file system's listing order and the other
 * voices' clips. Their clips, whole, are mixed once with segments of the last
 * {@link Options#validationNoiseFraction()} of every noise recording, at SNRs drawn from the same
 * range with {@link Options#validationSeed()} and no gain ({@link #validation()}); training cuts
 * its noise from the rest of each recording. With a fraction of 0 there is no validation, and
 * training uses the whole recordings.
 *
 * <p><b>Test</b> pairs are read whole by {@link #readTest} (which needs only the {@code test}
 * folders, for evaluating a trained network).
 *
 * <p>{@link #open} reads the clean clips and the noise into memory (se-synth's are about 52 MB
 * as floats). Instances are immutable and thread-safe.
 */
public final class EnhancementSet {
    public static final String CLEAN_TRAIN = "clean/train";
    public static final String NOISE_TRAIN = "noise/train";
    public static final String TEST_NOISY = "test/noisy";
    public static final String TEST_CLEAN = "test/clean";
    /** The purpose of the validation mixtures' draws (see {@link Seeds}; distinct from its purposes). */
    private static final long VALIDATION_MIXTURE = 13;
    private static final String LAYOUT = "clean/train/*.wav and noise/train/*.wav for training,"
            + " test/noisy/*.wav and test/clean/*.wav (matched by file name) for testing";

    /**
     * How to read a data set and make its mixtures.
     *
     * @param sampleRate the sample rate every file must have (the network's), in Hz
     * @param cropLength samples per training item: longer clips are cropped at a random offset,
     *     shorter ones zero-padded at the end
     * @param minSnrDb the lowest SNR of a mixture, in dB
     * @param maxSnrDb the highest SNR of a mixture, in dB (SNRs are drawn uniformly in between)
     * @param minGainDb the lowest gain of a training item (mixture and target alike), in dB
     * @param maxGainDb the highest gain, in dB (gains are drawn uniformly in dB; 0..0 is none)
     * @param cropsPerClip how many crops of every training clip an epoch has
     * @param validationVoiceFraction the fraction of voices held out for validation, in [0, 1)
     * @param validationNoiseFraction the final fraction of every noise recording held out for
     *     validation, in (0, 1)
     * @param validationSeed the seed the fixed validation mixtures are made with
     */
    public record Options(int sampleRate, int cropLength, double minSnrDb, double maxSnrDb, double minGainDb,
                          double maxGainDb, int cropsPerClip, double validationVoiceFraction,
                          double validationNoiseFraction, long validationSeed) {
        public Options {
            if (sampleRate <= 0) {
                throw new IllegalArgumentException("sample rate must be positive, not " + sampleRate);
            }
            if (cropLength <= 0) {
                throw new IllegalArgumentException("crop length must be positive, not " + cropLength);
            }
            if (!(Double.isFinite(minSnrDb) && Double.isFinite(maxSnrDb) && minSnrDb <= maxSnrDb)) {
                throw new IllegalArgumentException("the SNR range " + minSnrDb + ".." + maxSnrDb
                        + " dB must be finite and in increasing order");
            }
            if (!(Double.isFinite(minGainDb) && Double.isFinite(maxGainDb) && minGainDb <= maxGainDb)) {
                throw new IllegalArgumentException("the gain range " + minGainDb + ".." + maxGainDb
                        + " dB must be finite and in increasing order");
            }
            if (cropsPerClip < 1) {
                throw new IllegalArgumentException("crops per clip must be at least 1, not " + cropsPerClip);
            }
            if (!(validationVoiceFraction >= 0 && validationVoiceFraction < 1)) {
                throw new IllegalArgumentException("the validation voice fraction must be in [0, 1), not "
                        + validationVoiceFraction);
            }
            if (!(validationNoiseFraction > 0 && validationNoiseFraction < 1)) {
                throw new IllegalArgumentException("the validation noise fraction must be in (0, 1), not "
                        + validationNoiseFraction);
            }
        }

        /**
         * 16 kHz, 1 s crops, SNR -5..15 dB (the test set's range), no gain, one crop per clip, 10%
         * of the voices and the last 20% of every noise recording held out for validation, seed
         * 0x5EED.
         */
        public static Options defaults() {
            return new Options(16000, 16000, -5, 15, 0, 0, 1, 0.1, 0.2, 0x5EED);
        }

        public Options withSampleRate(int hz) {
            return new Options(hz, cropLength, minSnrDb, maxSnrDb, minGainDb, maxGainDb, cropsPerClip,
                    validationVoiceFraction, validationNoiseFraction, validationSeed);
        }

        public Options withCropLength(int samples) {
            return new Options(sampleRate, samples, minSnrDb, maxSnrDb, minGainDb, maxGainDb, cropsPerClip,
                    validationVoiceFraction, validationNoiseFraction, validationSeed);
        }

        public Options withSnrRange(double minDb, double maxDb) {
            return new Options(sampleRate, cropLength, minDb, maxDb, minGainDb, maxGainDb, cropsPerClip,
                    validationVoiceFraction, validationNoiseFraction, validationSeed);
        }

        public Options withGainRange(double minDb, double maxDb) {
            return new Options(sampleRate, cropLength, minSnrDb, maxSnrDb, minDb, maxDb, cropsPerClip,
                    validationVoiceFraction, validationNoiseFraction, validationSeed);
        }

        public Options withCropsPerClip(int crops) {
            return new Options(sampleRate, cropLength, minSnrDb, maxSnrDb, minGainDb, maxGainDb, crops,
                    validationVoiceFraction, validationNoiseFraction, validationSeed);
        }

        public Options withValidation(double voiceFraction, double noiseFraction, long seed) {
            return new Options(sampleRate, cropLength, minSnrDb, maxSnrDb, minGainDb, maxGainDb, cropsPerClip,
                    voiceFraction, noiseFraction, seed);
        }

        /** An SNR drawn uniformly from the range. */
        double drawSnrDb(SplittableRandom rnd) {
            return minSnrDb + (maxSnrDb - minSnrDb) * rnd.nextDouble();
        }

        /** A gain in dB drawn uniformly from the range. */
        double drawGainDb(SplittableRandom rnd) {
            return minGainDb + (maxGainDb - minGainDb) * rnd.nextDouble();
        }
    }

    /**
     * One clean clip.
     *
     * @param name its file name
     * @param samples the whole clip; shared, not copied: do not modify
     */
    public record Utterance(String name, float[] samples) {
        /** The voice that speaks it: the name without {@code .wav} up to its last {@code '_'}. */
        public String voice() {
            return voiceOf(name);
        }

        @Override
        public String toString() {
            return "Utterance[" + name + ", " + samples.length + " samples]";
        }
    }

    /** A mixture made by {@link #mix}, with where its noise came from and at what SNR. */
    record Mixture(float[] noisy, String noise, double snrDb) {
    }

    private final Path dir;
    private final Options options;
    private final List<Utterance> training;
    private final List<String> validationVoices;
    private final List<BackgroundNoise.Recording> noise;
    private final List<NoisyPair> validation;

    private EnhancementSet(Path dir, Options options, List<Utterance> training, List<String> validationVoices,
                           List<BackgroundNoise.Recording> noise, List<Utterance> heldOut) {
        this.dir = dir;
        this.options = options;
        this.training = List.copyOf(training);
        this.validationVoices = List.copyOf(validationVoices);
        this.noise = List.copyOf(noise);
        List<NoisyPair> pairs = new ArrayList<>();
        for (int i = 0; i < heldOut.size(); i++) {
            Utterance u = heldOut.get(i);
            SplittableRandom rnd = new SplittableRandom(Seeds.mix(options.validationSeed(), VALIDATION_MIXTURE, i));
            pairs.add(new NoisyPair(u.name(), mix(u.samples(), true, rnd).noisy(), u.samples()));
        }
        this.validation = List.copyOf(pairs);
    }

    /** {@link #open(Path, Options)} with {@link Options#defaults()}. */
    public static EnhancementSet open(Path dir) throws IOException {
        return open(dir, Options.defaults());
    }

    /**
     * Reads the clean training clips and the noise recordings of {@code dir} and makes the
     * validation mixtures.
     *
     * @throws IOException if a folder is missing or has no WAV files, a file is unreadable, not
     *     mono or not at the sample rate, or a noise recording is too short to split; messages
     *     name the file and say what to do
     */
    public static EnhancementSet open(Path dir, Options options) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a folder (expected an enhancement data set: " + LAYOUT + ")");
        }
        List<Path> cleanFiles = listWavs(dir.resolve(CLEAN_TRAIN));
        List<Path> noiseFiles = listWavs(dir.resolve(NOISE_TRAIN));
        float[][] cleanSamples = readAll(cleanFiles, options.sampleRate());
        float[][] noiseSamples = readAll(noiseFiles, options.sampleRate());
        List<Utterance> clips = new ArrayList<>();
        for (int i = 0; i < cleanFiles.size(); i++) {
            clips.add(new Utterance(cleanFiles.get(i).getFileName().toString(), cleanSamples[i]));
        }
        List<String> heldOutVoices = heldOutVoices(clips.stream().map(Utterance::voice).toList(),
                options.validationVoiceFraction());
        Set<String> heldOut = Set.copyOf(heldOutVoices);
        List<Utterance> training = clips.stream().filter(u -> !heldOut.contains(u.voice())).toList();
        List<Utterance> validation = clips.stream().filter(u -> heldOut.contains(u.voice())).toList();
        List<BackgroundNoise.Recording> noise = new ArrayList<>();
        for (int i = 0; i < noiseFiles.size(); i++) {
            BackgroundNoise.Recording r =
                    new BackgroundNoise.Recording(noiseFiles.get(i).getFileName().toString(), noiseSamples[i]);
            int end = r.samples().length;
            int split = noiseSplit(r, heldOut.isEmpty() ? 0 : options.validationNoiseFraction());
            if (split < 1 || (!heldOut.isEmpty() && split >= end)) {
                throw new IOException(noiseFiles.get(i) + ": " + end + " samples, too short to keep a part for "
                        + (split < 1 ? "training" : "validation") + " (use longer noise recordings)");
            }
            noise.add(r);
        }
        return new EnhancementSet(dir, options, training, heldOutVoices, noise, validation);
    }

    /**
     * The voices held out for validation: the {@code round(fraction * V)} (at least one, at most
     * {@code V - 1}; none for a fraction of 0 or a single voice) whose names' SHA-256 comes first,
     * in name order.
     */
    static List<String> heldOutVoices(List<String> voices, double fraction) {
        List<String> distinct = new ArrayList<>(new TreeSet<>(voices));
        int v = distinct.size();
        int count = fraction == 0 || v < 2 ? 0 : (int) Math.max(1, Math.min(v - 1, Math.round(fraction * v)));
        distinct.sort(Comparator.comparing(EnhancementSet::nameHash, Long::compareUnsigned));
        return distinct.subList(0, count).stream().sorted().toList();
    }

    /** The voice of a clip's file name: the name without {@code .wav} up to its last {@code '_'}. */
    public static String voiceOf(String fileName) {
        String stem = fileName.endsWith(".wav") ? fileName.substring(0, fileName.length() - 4) : fileName;
        int cut = stem.lastIndexOf('_');
        return cut > 0 ? stem.substring(0, cut) : stem;
    }

    /** The first 8 bytes of the SHA-256 of a name: a hash that no Java version or platform changes. */
    private static long nameHash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (digest[i] & 0xff);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Where training's part of a recording ends and validation's begins. */
    private static int noiseSplit(BackgroundNoise.Recording r, double validationFraction) {
        int n = r.samples().length;
        return (int) Math.round(n * (1 - validationFraction));
    }

    public Path dir() {
        return dir;
    }

    public Options options() {
        return options;
    }

    /** The clean clips training crops, in name order (the held-out voices' are not among them). */
    public List<Utterance> training() {
        return training;
    }

    /** The voices held out for validation, in name order (see the class comment). */
    public List<String> validationVoices() {
        return validationVoices;
    }

    /** The noise recordings, in name order, whole (training and validation use disjoint parts). */
    public List<BackgroundNoise.Recording> noise() {
        return noise;
    }

    /** One past the last sample of training's part of noise recording {@code index}. */
    public int trainingNoiseEnd(int index) {
        return noiseSplit(noise.get(index), validationVoices.isEmpty() ? 0 : options.validationNoiseFraction());
    }

    /**
     * The fixed validation mixtures: every clip of the held-out voices, whole, in name order,
     * mixed with validation's part of the noise (see the class comment); empty without validation.
     */
    public List<NoisyPair> validation() {
        return validation;
    }

    /** An epoch of training mixtures, see {@link MixtureBatches#training}. */
    public MixtureBatches trainingBatches(int batchSize, long seed, int epoch) {
        return MixtureBatches.training(this, batchSize, seed, epoch);
    }

    /**
     * Mixes {@code clean} with a segment of training's or validation's part of a noise recording,
     * drawing from {@code rnd} in this order: the recording, the segment's start, the SNR.
     */
    Mixture mix(float[] clean, boolean validationPart, SplittableRandom rnd) {
        int index = rnd.nextInt(noise.size());
        BackgroundNoise.Recording r = noise.get(index);
        int split = trainingNoiseEnd(index);
        float[] segment = new float[clean.length];
        int first = validationPart ? Mixing.cutSegment(r.samples(), split, r.samples().length, rnd, segment)
                : Mixing.cutSegment(r.samples(), 0, split, rnd, segment);
        double snr = options.drawSnrDb(rnd);
        return new Mixture(Mixing.mix(clean, segment, snr), r.name() + "@" + first, snr);
    }

    /** {@link #readPairs} of {@code dir/test/noisy} and {@code dir/test/clean}. */
    public static List<NoisyPair> readTest(Path dir, int sampleRate) throws IOException {
        return readPairs(dir.resolve(TEST_NOISY), dir.resolve(TEST_CLEAN), sampleRate);
    }

    /**
     * Every WAV of {@code noisyDir} with the file of the same name in {@code cleanDir}, read
     * whole, in name order.
     *
     * @throws IOException if a folder is missing or empty, a file has no partner of its name in the
     *     other folder, partners differ in length, or a file is unreadable, not mono or not at
     *     {@code sampleRate}; messages name the file
     */
    public static List<NoisyPair> readPairs(Path noisyDir, Path cleanDir, int sampleRate) throws IOException {
        List<Path> noisy = listWavs(noisyDir);
        List<Path> clean = listWavs(cleanDir);
        requirePartners(noisy, cleanDir);
        requirePartners(clean, noisyDir);
        float[][] noisySamples = readAll(noisy, sampleRate);
        float[][] cleanSamples = readAll(clean, sampleRate);
        List<NoisyPair> pairs = new ArrayList<>();
        for (int i = 0; i < noisy.size(); i++) {
            if (noisySamples[i].length != cleanSamples[i].length) {
                throw new IOException(noisy.get(i) + ": " + noisySamples[i].length + " samples, but its clean partner "
                        + clean.get(i) + " has " + cleanSamples[i].length + " (a pair must be as long as each other)");
            }
            pairs.add(new NoisyPair(noisy.get(i).getFileName().toString(), noisySamples[i], cleanSamples[i]));
        }
        return List.copyOf(pairs);
    }

    private static void requirePartners(List<Path> files, Path otherDir) throws IOException {
        for (Path file : files) {
            Path partner = otherDir.resolve(file.getFileName().toString());
            if (!Files.isRegularFile(partner)) {
                throw new IOException(file + ": has no partner " + partner
                        + " (noisy and clean files are paired by file name)");
            }
        }
    }

    /** The {@code .wav} files of a folder in name order; an error if there is no such folder or none. */
    private static List<Path> listWavs(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + ": not a folder (an enhancement data set has " + LAYOUT + ")");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav")
                    && Files.isRegularFile(p)).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(folder + ": no .wav files");
        }
        return files;
    }

    /** Every file's samples, read on all cores, in the files' order. */
    private static float[][] readAll(List<Path> files, int sampleRate) throws IOException {
        float[][] samples = new float[files.size()][];
        try {
            IntStream.range(0, samples.length).parallel().forEach(i -> {
                try {
                    samples[i] = BackgroundNoise.readMono(files.get(i), sampleRate);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return samples;
    }

    @Override
    public String toString() {
        return "EnhancementSet[" + dir + ": " + training.size() + " training clips, " + validation.size()
                + " validation pairs (" + validationVoices.size() + " voices), " + noise.size() + " noise recordings]";
    }
}
