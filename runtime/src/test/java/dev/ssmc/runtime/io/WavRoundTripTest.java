package dev.ssmc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WavRoundTripTest {
    @TempDir
    Path dir;

    /** Random samples in [-1, 1], with the ends and zero included. */
    private static float[][] samples(int channels, int frames, long seed) {
        Random random = new Random(seed);
        float[][] out = new float[channels][frames];
        for (float[] channel : out) {
            for (int f = 0; f < frames; f++) {
                channel[f] = random.nextFloat() * 2 - 1;
            }
            channel[0] = 1f;
            channel[1] = -1f;
            channel[2] = 0f;
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void pcm16RoundTripsWithinOneQuantizationStep(int channels) throws IOException {
        Audio audio = new Audio(16_000, samples(channels, 1000, channels));
        Path file = dir.resolve("pcm16.wav");
        Wav.write(file, audio, WavEncoding.PCM16);
        assertEquals(44 + 1000L * channels * 2, Files.size(file));

        Audio back = Wav.read(file);
        assertEquals(16_000, back.sampleRate());
        assertEquals(channels, back.channelCount());
        assertEquals(1000, back.frames());
        for (int c = 0; c < channels; c++) {
            for (int f = 0; f < 1000; f++) {
                float expected = audio.channels()[c][f];
                float actual = back.channels()[c][f];
                assertTrue(Math.abs(expected - actual) <= 1 / 32768f,
                        "channel " + c + " frame " + f + ": " + expected + " became " + actual);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void float32RoundTripsExactly(int channels) throws IOException {
        float[][] samples = samples(channels, 1000, 100 + channels);
        samples[0][3] = 1.75f; // float files keep values beyond full scale,
        samples[0][4] = Float.NEGATIVE_INFINITY; // and anything else a float holds
        samples[0][5] = Float.NaN;
        samples[0][6] = -0f;
        Audio audio = new Audio(48_000, samples);
        Path file = dir.resolve("float.wav");
        Wav.write(file, audio, WavEncoding.FLOAT32);
        assertEquals(audio, Wav.read(file));
    }

    @Test
    void readingThenWritingPcm16IsLossless() throws IOException {
        short[] values = {Short.MIN_VALUE, -12345, -1, 0, 1, 12345, Short.MAX_VALUE};
        ByteBuffer data = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) {
            data.putShort(v);
        }
        Path original = WavBytes.wave().fmt(1, 1, 8000, 16).data(data.array()).write(dir.resolve("original.wav"));
        Path copy = dir.resolve("copy.wav");
        Wav.write(copy, Wav.read(original), WavEncoding.PCM16);
        assertArrayEquals(Files.readAllBytes(original), Files.readAllBytes(copy));
    }

    @Test
    void pcm16ScalesBy32768RoundsHalfUpAndClamps() throws IOException {
        float step = 1 / 32768f;
        float[] in = {1f, -1f, 1.5f, -2f, 0.5f * step, -0.5f * step, 1.4f * step, -1.6f * step,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.25f};
        int[] expectedPcm = {32767, -32768, 32767, -32768, 1, 0, 1, -2, 32767, -32768, 8192};
        Path file = dir.resolve("clamp.wav");
        Wav.write(file, Audio.mono(8000, in), WavEncoding.PCM16);

        ByteBuffer data = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).position(44);
        int[] written = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            written[i] = data.getShort();
        }
        assertArrayEquals(expectedPcm, written);
        float[] read = Wav.read(file).channels()[0];
        for (int i = 0; i < in.length; i++) {
            assertEquals(expectedPcm[i] / 32768f, read[i], "sample " + i);
        }
    }

    @Test
    void pcm16RejectsNaNAndLeavesNoFile() {
        float[][] samples = {{0f, 0f, 0f}, {0f, 0f, Float.NaN}};
        Path file = dir.resolve("nan.wav");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Wav.write(file, new Audio(8000, samples), WavEncoding.PCM16));
        assertEquals("channel 1, frame 2 is NaN, which PCM16 cannot represent", e.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void pcm16WritesTheCanonical44ByteHeaderAndInterleaves() throws IOException {
        Path file = dir.resolve("header.wav");
        Wav.write(file, new Audio(16_000, new float[][] {{0.5f, -0.5f}, {0.25f, -1f}}), WavEncoding.PCM16);
        byte[] expected = WavBytes.wave().fmt(1, 2, 16_000, 16)
                .data(WavBytes.le16(16384, 8192, -16384, -32768)).bytes();
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void float32WritesFormatTag3WithCbSizeAndAFactChunk() throws IOException {
        Path file = dir.resolve("float-header.wav");
        Wav.write(file, new Audio(44_100, new float[][] {{0.5f, 2f, -3f}, {1f, 0f, 0.125f}}), WavEncoding.FLOAT32);
        byte[] fmt = Arrays.copyOf(WavBytes.fmtBody(3, 2, 44_100, 8, 32), 18); // cbSize 0
        byte[] expected = WavBytes.wave().chunk("fmt ", fmt).chunk("fact", WavBytes.le32(3))
                .data(WavBytes.f32(0.5f, 1f, 2f, 0f, -3f, 0.125f)).bytes();
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void audioWithNoFramesRoundTrips() throws IOException {
        for (WavEncoding encoding : WavEncoding.values()) {
            Path file = dir.resolve("empty-" + encoding + ".wav");
            Audio empty = new Audio(22_050, new float[3][0]);
            Wav.write(file, empty, encoding);
            assertEquals(empty, Wav.read(file), encoding.toString());
        }
    }

    @Test
    void audioLargerThanOneWriteChunkRoundTrips() throws IOException {
        int frames = FileChannels.CHUNK_BYTES / 4 + 17; // more than one chunk of stereo PCM16 frames
        Audio audio = new Audio(16_000, samples(2, frames, 7));
        Path file = dir.resolve("long.wav");
        Wav.write(file, audio, WavEncoding.FLOAT32);
        assertEquals(audio, Wav.read(file));
        Wav.write(file, audio, WavEncoding.PCM16);
        Audio back = Wav.read(file);
        assertEquals(frames, back.frames());
        assertEquals(Math.round(audio.channels()[1][frames - 1] * 32768) / 32768f, back.channels()[1][frames - 1]);
    }

    @Test
    void writingReplacesTheFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("replace.wav");
        Files.writeString(file, "not audio", StandardCharsets.US_ASCII);
        Wav.write(file, Audio.mono(8000, new float[] {0.5f}), WavEncoding.PCM16);
        assertArrayEquals(new float[] {0.5f}, Wav.read(file).channels()[0]);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void audioChecksItsShape() {
        IllegalArgumentException ragged = assertThrows(IllegalArgumentException.class,
                () -> new Audio(8000, new float[][] {new float[3], new float[2]}));
        assertEquals("channel 1 has 2 samples but channel 0 has 3", ragged.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new Audio(8000, new float[0][]));
        assertEquals("audio needs at least one channel", none.getMessage());
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> Audio.mono(0, new float[1]));
        assertEquals("sample rate must be positive, not 0", rate.getMessage());
        assertEquals("Audio[8000 Hz, 2 channels, 3 frames]", new Audio(8000, new float[2][3]).toString());
    }
}
