package dev.ssmc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** WAV round trips over random channel counts, lengths, rates and samples. */
class WavPropertiesTest {

    private static Arbitrary<Audio> audio(Arbitrary<Float> samples) {
        Arbitrary<Integer> rates = Arbitraries.integers().between(1, 384_000);
        Arbitrary<float[][]> channels = Arbitraries.integers().between(1, 6).flatMap(channelCount ->
                Arbitraries.integers().between(0, 200).flatMap(frames ->
                        samples.array(float[].class).ofSize(frames).array(float[][].class).ofSize(channelCount)));
        return Combinators.combine(rates, channels).as(Audio::new);
    }

    @Provide
    Arbitrary<Audio> fullScaleAudio() {
        return audio(Arbitraries.floats().between(-1f, 1f));
    }

    @Provide
    Arbitrary<Audio> anyFloatAudio() {
        return audio(Arbitraries.floats().withStandardSpecialValues());
    }

    private static Audio roundTrip(Audio audio, WavEncoding encoding) throws IOException {
        Path file = Files.createTempFile("ssmc-property", ".wav");
        try {
            Wav.write(file, audio, encoding);
            return Wav.read(file);
        } finally {
            Files.delete(file);
        }
    }

    @Property(tries = 200)
    void pcm16KeepsEverySampleWithinOneQuantizationStep(@ForAll("fullScaleAudio") Audio audio) throws IOException {
        Audio back = roundTrip(audio, WavEncoding.PCM16);
        assertEquals(audio.sampleRate(), back.sampleRate());
        assertEquals(audio.channelCount(), back.channelCount());
        assertEquals(audio.frames(), back.frames());
        for (int c = 0; c < audio.channelCount(); c++) {
            for (int f = 0; f < audio.frames(); f++) {
                float expected = audio.channels()[c][f];
                float actual = back.channels()[c][f];
                // Half a step from rounding; a whole step only where +1.0 clamps to 32767.
                float tolerance = expected == 1f ? 1 / 32768f : 0.5f / 32768f;
                assertTrue(Math.abs(expected - actual) <= tolerance, expected + " became " + actual);
            }
        }
    }

    @Property(tries = 100)
    void pcm16IsLosslessOnceQuantized(@ForAll("fullScaleAudio") Audio audio) throws IOException {
        Audio quantized = roundTrip(audio, WavEncoding.PCM16);
        assertEquals(quantized, roundTrip(quantized, WavEncoding.PCM16));
    }

    @Property(tries = 200)
    void float32KeepsEveryBit(@ForAll("anyFloatAudio") Audio audio) throws IOException {
        Audio back = roundTrip(audio, WavEncoding.FLOAT32);
        assertEquals(audio.sampleRate(), back.sampleRate());
        for (int c = 0; c < audio.channelCount(); c++) {
            int[] expected = new int[audio.frames()];
            int[] actual = new int[audio.frames()];
            for (int f = 0; f < audio.frames(); f++) {
                expected[f] = Float.floatToRawIntBits(audio.channels()[c][f]);
                actual[f] = Float.floatToRawIntBits(back.channels()[c][f]);
            }
            assertArrayEquals(expected, actual, "channel " + c);
        }
    }

    /** A file cut anywhere short of its end is refused with a WavException naming it. */
    @Property(tries = 100)
    void everyTruncationIsAWavException(@ForAll("fullScaleAudio") Audio audio,
            @ForAll @IntRange(min = 0, max = 1_000_000) int cut, @ForAll boolean asFloat) throws IOException {
        Path file = Files.createTempFile("ssmc-property", ".wav");
        try {
            Wav.write(file, audio, asFloat ? WavEncoding.FLOAT32 : WavEncoding.PCM16);
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(bytes, (int) ((long) cut * (bytes.length - 1) / 1_000_000)));
            WavException e = assertThrows(WavException.class, () -> Wav.read(file));
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        } finally {
            Files.delete(file);
        }
    }
}
