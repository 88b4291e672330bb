package dev.ssmc.runtime.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * Sampled audio: a sample rate in Hz and one array of samples per channel (channel-major, not
 * interleaved). Samples read from integer PCM are in [-1, 1); float files keep their values.
 *
 * <p>The arrays are shared, not copied. Every channel has the same number of samples (frames),
 * and there is at least one channel. Equality compares the samples.
 */
public record Audio(int sampleRate, float[][] channels) {

    public Audio {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, not " + sampleRate);
        }
        Objects.requireNonNull(channels, "channels");
        if (channels.length == 0) {
            throw new IllegalArgumentException("audio needs at least one channel");
        }
        for (int c = 0; c < channels.length; c++) {
            Objects.requireNonNull(channels[c], "channel " + c);
            if (channels[c].length != channels[0].length) {
                throw new IllegalArgumentException("channel " + c + " has " + channels[c].length
                        + " samples but channel 0 has " + channels[0].length);
            }
        }
    }

    /** One channel of audio. */
    public static Audio mono(int sampleRate, float[] samples) {
        return new Audio(sampleRate, new float[][] {samples});
    }

    public int channelCount() {
        return channels.length;
    }

    /** The number of samples in each channel. */
    public int frames() {
        return channels[0].length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Audio a && sampleRate == a.sampleRate && Arrays.deepEquals(channels, a.channels);
    }

    @Override
    public int hashCode() {
        return 31 * sampleRate + Arrays.deepHashCode(channels);
    }

    @Override
    public String toString() {
        return "Audio[" + sampleRate + " Hz, " + channels.length + " channels, " + frames() + " frames]";
    }
}
