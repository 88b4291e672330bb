package dev.ssmc.runtime.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

/** Builds WAV files chunk by chunk, so tests can make the files {@link Wav#write} never makes. */
final class WavBytes {
    /** Bytes 2..15 of the KSDATAFORMAT subformat GUIDs for PCM and IEEE float. */
    static final byte[] SUBFORMAT_TAIL = HexFormat.of().parseHex("000000001000800000aa00389b71");

    private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    private String riffId = "RIFF";
    private String form = "WAVE";

    static WavBytes wave() {
        return new WavBytes();
    }

    WavBytes riffId(String id) {
        riffId = id;
        return this;
    }

    WavBytes form(String id) {
        form = id;
        return this;
    }

    /** A chunk with its true size, followed by a pad byte if the size is odd. */
    WavBytes chunk(String id, byte[] body) {
        chunkDeclaring(id, body.length, body);
        if (body.length % 2 == 1) {
            chunks.write(0);
        }
        return this;
    }

    /** A chunk header that declares {@code declaredSize}, followed by {@code body} and no pad. */
    WavBytes chunkDeclaring(String id, long declaredSize, byte[] body) {
        chunks.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
        chunks.writeBytes(le32((int) declaredSize));
        chunks.writeBytes(body);
        return this;
    }

    /** A plain 16-byte fmt chunk with a consistent block align and byte rate. */
    WavBytes fmt(int tag, int channels, int sampleRate, int bits) {
        return chunk("fmt ", fmtBody(tag, channels, sampleRate, channels * bits / 8, bits));
    }

    WavBytes data(byte[] samples) {
        return chunk("data", samples);
    }

    static byte[] fmtBody(int tag, int channels, int sampleRate, int blockAlign, int bits) {
        return ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) tag).putShort((short) channels).putInt(sampleRate)
                .putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) bits).array();
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt body whose subformat GUID starts with {@code subformatTag}. */
    static byte[] extensibleFmtBody(int channels, int sampleRate, int bits, int validBits, int subformatTag) {
        int blockAlign = channels * bits / 8;
        return ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0xFFFE).putShort((short) channels).putInt(sampleRate)
                .putInt(sampleRate * blockAlign).putShort((short) blockAlign).putShort((short) bits)
                .putShort((short) 22).putShort((short) validBits).putInt(0x3) // front left and right
                .putShort((short) subformatTag).put(SUBFORMAT_TAIL).array();
    }

    byte[] bytes() {
        byte[] body = chunks.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(riffId.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le32(4 + body.length));
        out.writeBytes(form.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(body);
        return out.toByteArray();
    }

    Path write(Path file) throws IOException {
        return Files.write(file, bytes());
    }

    static byte[] le16(int... values) {
        ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putShort((short) v);
        }
        return b.array();
    }

    /** Three little-endian bytes per value (the low 24 bits). */
    static byte[] le24(int... values) {
        byte[] out = new byte[3 * values.length];
        for (int i = 0; i < values.length; i++) {
            out[3 * i] = (byte) values[i];
            out[3 * i + 1] = (byte) (values[i] >> 8);
            out[3 * i + 2] = (byte) (values[i] >> 16);
        }
        return out;
    }

    static byte[] le32(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] f64(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }
}
