package dev.ssmc.flink;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.SplittableRandom;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The job's input when there is no Kafka topic: {@code streams} audio streams of {@code chunks}
 * chunks each, record {@code i} being stream {@code i % streams}'s next chunk (the streams
 * interleave). Every chunk is a pure function of its stream and sequence number, so a source that
 * replays after a failure replays the same records, and a local stream can compute what the job
 * must output. Chunk sizes are random between {@code minChunk} and {@code maxChunk} samples per
 * stream; within each run of three chunks the order is reversed, so that the operator has to put
 * them back in order. The audio is a WAV file's samples (each stream starting elsewhere in it)
 * or, without one, tones under noise that differ per stream.
 */
public final class SyntheticStreams implements GeneratorFunction<Long, AudioChunk> {
    private static final long serialVersionUID = 1L;

    private final int streams;
    private final int chunks;
    private final int minChunk;
    private final int maxChunk;
    private final int channels;
    private final int sampleRate;
    private final long seed;
    private final float[] wav;
    /** Per stream, the first frame of each chunk and the end: {@code starts[k][chunks]} frames in all. */
    private transient long[][] starts;

    /**
     * @param wav mono samples to stream, or null for synthetic audio
     */
    public SyntheticStreams(int streams, int chunks, int minChunk, int maxChunk, int channels, int sampleRate, long seed,
                            float[] wav) {
        if (streams < 1 || chunks < 1 || minChunk < 1 || maxChunk < minChunk || channels < 1) {
            throw new IllegalArgumentException("streams, chunks and chunk sizes must be positive (min <= max)");
        }
        if (wav != null && wav.length == 0) {
            throw new InvalidInputException("the audio file holds no samples");
        }
        this.streams = streams;
        this.chunks = chunks;
        this.minChunk = minChunk;
        this.maxChunk = maxChunk;
        this.channels = channels;
        this.sampleRate = sampleRate;
        this.seed = seed;
        this.wav = wav;
    }

    /** The stream's key. */
    public static String key(int stream) {
        return String.format("stream-%04d", stream);
    }

    public int streams() {
        return streams;
    }

    public int chunks() {
        return chunks;
    }

    /** The shortest chunk, in frames. */
    public int minChunk() {
        return minChunk;
    }

    /** The longest chunk, in frames. */
    public int maxChunk() {
        return maxChunk;
    }

    /** Records in all. */
    public long count() {
        return (long) streams * chunks;
    }

    /** Seconds of audio over all streams. */
    public double seconds() {
        long frames = 0;
        for (int k = 0; k < streams; k++) {
            frames += starts()[k][chunks];
        }
        return frames / (double) sampleRate;
    }

    @Override
    public AudioChunk map(Long index) {
        long round = index / streams;
        int k = (int) (index % streams);
        long group = round / 3 * 3;
        long seq = group + 2 < chunks ? group + 2 - (round - group) : round; // each whole run of three reversed
        return chunk(k, seq);
    }

    /** Chunk {@code seq} of stream {@code k}. */
    public AudioChunk chunk(int k, long seq) {
        long[] s = starts()[k];
        long from = s[(int) seq];
        int frames = (int) (s[(int) seq + 1] - from);
        float[] samples = new float[frames * channels];
        for (int f = 0; f < frames; f++) {
            long t = from + f;
            for (int c = 0; c < channels; c++) {
                samples[f * channels + c] = sample(k, t, c);
            }
        }
        return new AudioChunk(key(k), seq, samples);
    }

    private float sample(int k, long t, int c) {
        if (wav != null) {
            return wav[(int) ((t + 7919L * k) % wav.length)];
        }
        double time = t / (double) sampleRate;
        double tone = Math.sin(2 * Math.PI * (150 + 37 * (k % 11)) * time)
                * (0.5 + 0.5 * Math.sin(2 * Math.PI * (2 + k % 3) * time + k));
        long h = mix(seed ^ mix(k * 0x9E3779B97F4A7C15L + t * 0xBF58476D1CE4E5B9L + c));
        double noise = (h >>> 11) * 0x1.0p-53 * 2 - 1;
        return (float) (0.3 * tone + 0.05 * noise);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private long[][] starts() {
        if (starts == null) {
            long[][] s = new long[streams][chunks + 1];
            for (int k = 0; k < streams; k++) {
                SplittableRandom rnd = new SplittableRandom(seed * 31 + k);
                for (int i = 0; i < chunks; i++) {
                    s[k][i + 1] = s[k][i] + minChunk + rnd.nextInt(maxChunk - minChunk + 1);
                }
            }
            starts = s;
        }
        return starts;
    }
}
