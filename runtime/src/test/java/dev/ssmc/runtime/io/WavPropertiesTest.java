package dev.ssmc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.floats;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.ssmc.runtime.testing.Generators;
import dev.ssmc.runtime.testing.Property;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** WAV round trips over random channel counts, lengths, rates and samples. */
class WavPropertiesTest {

    private static Gen<Audio> audio(Gen<Float> samples) {
        Gen<Integer> rates = integers().between(1, 384_000);
        Gen<Integer> channelCounts = integers().between(1, 6);
        Gen<Integer> frameCounts = integers().between(0, 200);
        return in -> {
            int rate = rates.generate(in);
            float[][] channels = new float[channelCounts.generate(in)][];
            int frames = frameCounts.generate(in);
            for (int c = 0; c < channels.length; c++) {
                channels[c] = Generators.floatArrays(samples, frames).generate(in);
            }
            return new Audio(rate, channels);
        };
    }

    private static Gen<Audio> fullScaleAudio() {
        return audio(floats().between(-1f, 1f));
    }

    private static Gen<Audio> anyFloatAudio() {
        return audio(Generators.withSpecialValues(floats().any()));
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

    @Test
    void pcm16KeepsEverySampleWithinOneQuantizationStep() {
        Property.forAll(200, fullScaleAudio(), this::pcm16KeepsEverySampleWithinOneQuantizationStep);
    }

    private void pcm16KeepsEverySampleWithinOneQuantizationStep(Audio audio) throws IOException {
        Audio back = roundTrip(audio, WavEncoding.PCM16);
        assertEquals(audio.sampleRate(), back.sampleRate());
        assertEquals(audio.channelCount(), back.channelCount());
        assertEquals(audio.frames(), back.frames());
        for (int c = 0; c < audio.channelCount(); c++) {
            for (int f = 0; f < audio.frames(); f++) {
                float expected = audio.channels()[c][f];
                float actual = back.channels()[c][f];
                // Half a step from rounding; up to a whole step where the sample rounds to 32768
                // (from 32767.5 / 32768 up to +1.0) and is clamped to 32767.
                float tolerance = expected * 32768.0 >= 32767.5 ? 1 / 32768f : 0.5f / 32768f;
                assertTrue(Math.abs(expected - actual) <= tolerance, expected + " became " + actual);
            }
        }
    }

    @Test
    void pcm16IsLosslessOnceQuantized() {
        Property.forAll(100, fullScaleAudio(), this::pcm16IsLosslessOnceQuantized);
    }

    private void pcm16IsLosslessOnceQuantized(Audio audio) throws IOException {
        Audio quantized = roundTrip(audio, WavEncoding.PCM16);
        assertEquals(quantized, roundTrip(quantized, WavEncoding.PCM16));
    }

    @Test
    void float32KeepsEveryBit() {
        Property.forAll(200, anyFloatAudio(), this::float32KeepsEveryBit);
    }

    private void float32KeepsEveryBit(Audio audio) throws IOException {
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
    @Test
    void everyTruncationIsAWavException() {
        Property.forAll(100, in -> new TruncatedWav(fullScaleAudio().generate(in),
                integers().between(0, 1_000_000).generate(in),
                booleans().all().generate(in)),
                a -> everyTruncationIsAWavException(a.audio(), a.cut(), a.asFloat()));
    }

    /** One try of {@link #everyTruncationIsAWavException()}. */
    record TruncatedWav(Audio audio, int cut, boolean asFloat) {
    }

    private void everyTruncationIsAWavException(Audio audio, int cut, boolean asFloat) throws IOException {
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
