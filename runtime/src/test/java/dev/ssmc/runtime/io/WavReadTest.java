package dev.ssmc.runtime.io;

import static dev.ssmc.runtime.io.WavBytes.f32;
import static dev.ssmc.runtime.io.WavBytes.f64;
import static dev.ssmc.runtime.io.WavBytes.le16;
import static dev.ssmc.runtime.io.WavBytes.le24;
import static dev.ssmc.runtime.io.WavBytes.le32;
import static dev.ssmc.runtime.io.WavBytes.wave;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files made by hand: the formats other writers produce, and broken ones. */
class WavReadTest {
    @TempDir
    Path dir;

    private Path file;

    private Audio read(WavBytes wav) throws IOException {
        file = wav.write(dir.resolve("in.wav"));
        return Wav.read(file);
    }

    /** The message after "file: " of the error reading these bytes. */
    private String problemWith(byte[] bytes) throws IOException {
        file = Files.write(dir.resolve("bad.wav"), bytes);
        WavException e = assertThrows(WavException.class, () -> Wav.read(file));
        assertEquals(file, e.file());
        String prefix = file + ": ";
        assertEquals(prefix, e.getMessage().substring(0, prefix.length()));
        return e.getMessage().substring(prefix.length());
    }

    private String problemWith(WavBytes wav) throws IOException {
        return problemWith(wav.bytes());
    }

    @Test
    void reads24BitPcm() throws IOException {
        Audio audio = read(wave().fmt(1, 2, 96_000, 24)
                .data(le24(0x7FFFFF, 0x800000, 0x000001, 0xFFFFFF, 0x400000, 0xC00000)));
        assertEquals(96_000, audio.sampleRate());
        assertArrayEquals(new float[] {8388607 / 8388608f, 1 / 8388608f, 0.5f}, audio.channels()[0]);
        assertArrayEquals(new float[] {-1f, -1 / 8388608f, -0.5f}, audio.channels()[1]);
    }

    @Test
    void reads8BitUnsignedPcm() throws IOException {
        Audio audio = read(wave().fmt(1, 1, 8000, 8).data(new byte[] {0, (byte) 128, (byte) 255}));
        assertArrayEquals(new float[] {-1f, 0f, 127 / 128f}, audio.channels()[0]);
    }

    @Test
    void reads32BitPcm() throws IOException {
        Audio audio = read(wave().fmt(1, 1, 8000, 32).data(le32(Integer.MIN_VALUE, 1 << 16, -(1 << 30))));
        assertArrayEquals(new float[] {-1f, 0x1p-15f, -0.5f}, audio.channels()[0]);
    }

    @Test
    void reads64BitFloat() throws IOException {
        Audio audio = read(wave().fmt(3, 2, 8000, 64).data(f64(0.1, -2.5, 1e-3, 0)));
        assertArrayEquals(new float[] {0.1f, 1e-3f}, audio.channels()[0]);
        assertArrayEquals(new float[] {-2.5f, 0f}, audio.channels()[1]);
    }

    @Test
    void readsExtensiblePcm() throws IOException {
        // 20 valid bits, left-justified in 24-bit containers: the low 4 bits are zero.
        Audio audio = read(wave().chunk("fmt ", WavBytes.extensibleFmtBody(2, 48_000, 24, 20, 1))
                .data(le24(0x7FFFF0, 0x800000, 0x000010, 0x400000)));
        assertEquals(48_000, audio.sampleRate());
        assertArrayEquals(new float[] {0x7FFFF0 / 8388608f, 16 / 8388608f}, audio.channels()[0]);
        assertArrayEquals(new float[] {-1f, 0.5f}, audio.channels()[1]);
    }

    @Test
    void readsExtensibleFloat() throws IOException {
        Audio audio = read(wave().chunk("fmt ", WavBytes.extensibleFmtBody(1, 44_100, 32, 32, 3))
                .chunk("fact", le32(3)).data(f32(0.25f, -1.5f, 3f)));
        assertArrayEquals(new float[] {0.25f, -1.5f, 3f}, audio.channels()[0]);
    }

    @Test
    void skipsUnknownChunksOfOddSizeWithTheirPadByte() throws IOException {
        Audio audio = read(wave()
                .chunk("LIST", new byte[] {'a', 'b', 'c'}) // 3 bytes + pad
                .fmt(1, 1, 8000, 16)
                .chunk("junk", new byte[5]) // 5 bytes + pad
                .chunk("bext", new byte[0])
                .data(le16(100, -100))
                .chunk("id3 ", new byte[7])); // after data: never looked at
        assertArrayEquals(new float[] {100 / 32768f, -100 / 32768f}, audio.channels()[0]);
    }

    @Test
    void readsADataChunkThatComesBeforeTheFmtChunk() throws IOException {
        Audio audio = read(wave().data(le16(16384)).fmt(1, 1, 8000, 16));
        assertArrayEquals(new float[] {0.5f}, audio.channels()[0]);
    }

    @Test
    void readsAnOddSizedDataChunkOf8BitSamples() throws IOException {
        Audio audio = read(wave().fmt(1, 1, 8000, 8).data(new byte[] {(byte) 192, 64, (byte) 128})
                .chunk("LIST", new byte[2]));
        assertArrayEquals(new float[] {0.5f, -0.5f, 0f}, audio.channels()[0]);
    }

    @Test
    void ignoresBytesAppendedAfterTheRiffForm() throws IOException {
        byte[] wav = wave().fmt(1, 1, 8000, 16).data(le16(8192)).bytes();
        byte[] withTag = Arrays.copyOf(wav, wav.length + 10);
        System.arraycopy("TAG garbage".getBytes(StandardCharsets.US_ASCII), 0, withTag, wav.length, 10);
        file = Files.write(dir.resolve("tagged.wav"), withTag);
        assertArrayEquals(new float[] {0.25f}, Wav.read(file).channels()[0]);
    }

    @Test
    void notARiffFile() throws IOException {
        assertEquals("not a RIFF file: it starts with 'OggS', not 'RIFF'", problemWith(wave().riffId("OggS")));
        assertEquals("not a RIFF file: it starts with bytes 00 ff 10 7f, not 'RIFF'",
                problemWith(new byte[] {0, (byte) 0xFF, 0x10, 0x7F, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertEquals("big-endian RIFX files are not supported", problemWith(wave().riffId("RIFX")));
        assertEquals("RF64 (WAV over 4 GiB) files are not supported", problemWith(wave().riffId("RF64")));
    }

    @Test
    void aRiffFileThatIsNotWave() throws IOException {
        assertEquals("a RIFF file of form 'AVI ', not 'WAVE'", problemWith(wave().form("AVI ")));
    }

    @Test
    void aFileTooShortForTheHeader() throws IOException {
        assertEquals("the file has 10 bytes, too few for a RIFF/WAVE header (12 bytes)", problemWith(new byte[10]));
    }

    @Test
    void noDataChunk() throws IOException {
        assertEquals("no 'data' chunk (chunks found: [fmt , LIST])",
                problemWith(wave().fmt(1, 1, 8000, 16).chunk("LIST", new byte[4])));
    }

    @Test
    void noFmtChunk() throws IOException {
        assertEquals("no 'fmt ' chunk (chunks found: [data])", problemWith(wave().data(le16(1, 2))));
    }

    @Test
    void dataChunkLongerThanTheFile() throws IOException {
        assertEquals("the 'data' chunk at byte 36 declares 1000 bytes but only 4 follow in the file (truncated?)",
                problemWith(wave().fmt(1, 1, 8000, 16).chunkDeclaring("data", 1000, le16(1, 2))));
    }

    @Test
    void unknownChunkLongerThanTheFile() throws IOException {
        assertEquals("the 'LIST' chunk at byte 12 declares 4294967295 bytes but only 2 follow in the file (truncated?)",
                problemWith(wave().chunkDeclaring("LIST", 0xFFFF_FFFFL, new byte[2])));
    }

    @Test
    void unsupportedFormatTag() throws IOException {
        assertEquals("format tag 0x0002 is not supported (supported: 0x0001 PCM, 0x0003 IEEE float, "
                        + "0xFFFE extensible with PCM or float)",
                problemWith(wave().fmt(2, 1, 8000, 4).data(new byte[2])));
    }

    @Test
    void unsupportedBitsPerSample() throws IOException {
        assertEquals("PCM with 12 bits per sample is not supported (supported: 8, 16, 24, 32)",
                problemWith(wave().chunk("fmt ", WavBytes.fmtBody(1, 1, 8000, 2, 12)).data(new byte[2])));
        assertEquals("IEEE float with 16 bits per sample is not supported (supported: 32, 64)",
                problemWith(wave().fmt(3, 1, 8000, 16).data(new byte[2])));
    }

    @Test
    void extensibleWithAnUnknownSubformat() throws IOException {
        byte[] fmt = WavBytes.extensibleFmtBody(1, 8000, 16, 16, 1);
        fmt[39] = 0x72; // not the KSDATAFORMAT GUID any more
        assertEquals("WAVE_FORMAT_EXTENSIBLE with subformat GUID 01000000000010008000"
                        + "00aa00389b72 is not supported (supported: PCM and IEEE float)",
                problemWith(wave().chunk("fmt ", fmt).data(new byte[2])));
        assertEquals("WAVE_FORMAT_EXTENSIBLE with subformat GUID 02000000000010008000"
                        + "00aa00389b71 is not supported (supported: PCM and IEEE float)",
                problemWith(wave().chunk("fmt ", WavBytes.extensibleFmtBody(1, 8000, 16, 16, 2)).data(new byte[2])));
    }

    @Test
    void extensibleFmtChunkTooShort() throws IOException {
        byte[] fmt = Arrays.copyOf(WavBytes.extensibleFmtBody(1, 8000, 16, 16, 1), 18);
        assertEquals("the 'fmt ' chunk of WAVE_FORMAT_EXTENSIBLE has 18 bytes, fewer than the 40 it needs",
                problemWith(wave().chunk("fmt ", fmt).data(new byte[2])));
    }

    @Test
    void fmtChunkTooShort() throws IOException {
        assertEquals("the 'fmt ' chunk has 14 bytes, fewer than the 16 it needs",
                problemWith(wave().chunk("fmt ", new byte[14]).data(new byte[2])));
    }

    @Test
    void blockAlignThatDisagreesWithTheSampleFormat() throws IOException {
        assertEquals("block align 3 disagrees with 2 channels of 16-bit samples (4 bytes per frame)",
                problemWith(wave().chunk("fmt ", WavBytes.fmtBody(1, 2, 8000, 3, 16)).data(new byte[6])));
    }

    @Test
    void dataThatIsNotAWholeNumberOfFrames() throws IOException {
        assertEquals("the data chunk has 6 bytes, not a whole number of 4-byte frames",
                problemWith(wave().fmt(1, 2, 8000, 16).data(new byte[6])));
    }

    @Test
    void zeroChannelsOrZeroSampleRate() throws IOException {
        assertEquals("the 'fmt ' chunk declares 0 channels",
                problemWith(wave().chunk("fmt ", WavBytes.fmtBody(1, 0, 8000, 0, 16)).data(new byte[0])));
        assertEquals("sample rate 0 Hz is not usable",
                problemWith(wave().fmt(1, 1, 0, 16).data(new byte[2])));
    }

    @Test
    void twoFmtChunks() throws IOException {
        assertEquals("a second 'fmt ' chunk at byte 36",
                problemWith(wave().fmt(1, 1, 8000, 16).fmt(1, 2, 8000, 16).data(new byte[4])));
    }
}
