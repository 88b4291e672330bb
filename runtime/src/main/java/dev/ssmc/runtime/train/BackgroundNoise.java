package dev.ssmc.runtime.train;

import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The long noise recordings of a data set's {@code _background_noise_} folder, from which silence
 * items are cut and training clips get their background.
 *
 * <p>Speech Commands has one noise folder for all splits. So that evaluation never hears noise
 * the network was trained on, every recording is divided in time: the training split uses the
 * first 80% of each recording, validation the next 10%, test the last 10%. A segment longer than
 * a split's part of a recording is cut as far as it goes and the rest stays zero.
 */
public final class BackgroundNoise {
    /** The folder, inside a Speech Commands data set, that holds the noise recordings. */
    public static final String DIRECTORY = "_background_noise_";

    /** One noise recording: its file name and samples (shared, not copied: do not modify). */
    public record Recording(String name, float[] samples) {
    }

    /** Where a cut segment came from: a recording, the first sample, and how many samples were taken. */
    public record Segment(String recording, int offset, int length) {
    }

    private final List<Recording> recordings;

    private BackgroundNoise(List<Recording> recordings) {
        this.recordings = List.copyOf(recordings);
    }

    /** Noise from recordings already in memory (for programs and tests that make their own). */
    public static BackgroundNoise of(List<Recording> recordings) {
        return new BackgroundNoise(recordings);
    }

    /**
     * Reads every {@code .wav} file of {@code folder}, in name order; none if the folder does not
     * exist.
     *
     * @throws IOException if a file is unreadable, not mono, or not at {@code sampleRate}; the
     *     message names the file
     */
    public static BackgroundNoise load(Path folder, int sampleRate) throws IOException {
        if (!Files.isDirectory(folder)) {
            return new BackgroundNoise(List.of());
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".wav") && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        }
        List<Recording> recordings = new ArrayList<>();
        for (Path file : files) {
            recordings.add(new Recording(file.getFileName().toString(), readMono(file, sampleRate)));
        }
        return new BackgroundNoise(recordings);
    }

    public List<Recording> recordings() {
        return recordings;
    }

    public boolean isEmpty() {
        return recordings.isEmpty();
    }

    /** The first sample of {@code split}'s part of recording {@code index}. */
    public int regionStart(SpeechCommands.Split split, int index) {
        return boundary(index, startFraction(split));
    }

    /** One past the last sample of {@code split}'s part of recording {@code index}. */
    public int regionEnd(SpeechCommands.Split split, int index) {
        return boundary(index, startFraction(split) + lengthFraction(split));
    }

    /**
     * Adds {@code gain} times a segment of {@code length} samples, from a random recording at a
     * random offset within {@code split}'s part of it, to {@code out[off .. off+length)}. Draws,
     * in this order, the recording and the offset from {@code rnd}.
     *
     * @throws IllegalStateException if there are no recordings
     */
    public Segment addSegment(SpeechCommands.Split split, SplittableRandom rnd, double gain,
                              float[] out, int off, int length) {
        if (recordings.isEmpty()) {
            throw new IllegalStateException("there is no background noise to cut a segment from");
        }
        int index = rnd.nextInt(recordings.size());
        int start = regionStart(split, index);
        int available = regionEnd(split, index) - start;
        int taken = Math.min(length, available);
        int offset = start + (available > length ? rnd.nextInt(available - length + 1) : 0);
        float[] samples = recordings.get(index).samples();
        float g = (float) gain;
        for (int t = 0; t < taken; t++) {
            out[off + t] += g * samples[offset + t];
        }
        return new Segment(recordings.get(index).name(), offset, taken);
    }

    /**
     * Adds a segment cut as {@link #addSegment} does, scaled so that the signal already in
     * {@code out[off .. off+length)} is {@code snrDb} above it, the powers taken over that whole
     * span (zero padding included); adds nothing when the signal or the segment is silent. Draws
     * what {@link #addSegment} draws.
     */
    public Segment addAtSnr(SpeechCommands.Split split, SplittableRandom rnd, double snrDb,
                            float[] out, int off, int length) {
        float[] segment = new float[length];
        Segment cut = addSegment(split, rnd, 1, segment, 0, length);
        double signalPower = meanSquare(out, off, length);
        double noisePower = meanSquare(segment, 0, length);
        if (signalPower > 0 && noisePower > 0) {
            double scale = Math.sqrt(signalPower / (noisePower * Math.pow(10, snrDb / 10)));
            for (int t = 0; t < length; t++) {
                out[off + t] += (float) (scale * segment[t]);
            }
        }
        return cut;
    }

    /** The mean square of {@code x[off .. off+length)}, 0 for no samples. */
    static double meanSquare(float[] x, int off, int length) {
        double sum = 0;
        for (int t = off; t < off + length; t++) {
            sum += (double) x[t] * x[t];
        }
        return length == 0 ? 0 : sum / length;
    }

    private int boundary(int index, double fraction) {
        int n = recordings.get(index).samples().length;
        return (int) Math.min(n, Math.round(n * fraction));
    }

    private static double startFraction(SpeechCommands.Split split) {
        return switch (split) {
            case TRAIN -> 0.0;
            case VALIDATION -> 0.8;
            case TEST -> 0.9;
        };
    }

    private static double lengthFraction(SpeechCommands.Split split) {
        return split == SpeechCommands.Split.TRAIN ? 0.8 : 0.1;
    }

    /**
     * One channel at {@code sampleRate} (the network's, in every data set {@code ssmc train}
     * reads), or an error that names the file and says how to convert it.
     */
    static float[] readMono(Path file, int sampleRate) throws IOException {
        Audio audio = readMono(file);
        if (audio.sampleRate() != sampleRate) {
            throw new IOException(file + ": sample rate " + audio.sampleRate() + " Hz, but the network runs at "
                    + sampleRate + " Hz (resample the data first, for example: sox in.wav -r " + sampleRate
                    + " out.wav)");
        }
        return audio.channels()[0];
    }

    /** One channel at the file's own rate, or an error that names the file. */
    static Audio readMono(Path file) throws IOException {
        Audio audio;
        try {
            audio = Wav.read(file);
        } catch (WavException e) {
            throw e; // its message already starts with the file
        } catch (IOException e) {
            throw new IOException(file + ": cannot be read: " + e.getMessage(), e);
        }
        if (audio.channelCount() != 1) {
            throw new IOException(file + ": " + audio.channelCount() + " channels, but the data must be mono"
                    + " (mix it down first, for example: sox in.wav -c 1 out.wav)");
        }
        return audio;
    }
}
