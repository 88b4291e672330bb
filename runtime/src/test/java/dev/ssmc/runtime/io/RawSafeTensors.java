package dev.ssmc.runtime.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds safetensors bytes by hand, so tests can write files the writer would never produce. */
final class RawSafeTensors {
    private RawSafeTensors() {
    }

    /** A file with this header text (single quotes become double quotes, for readable tests) and data. */
    static Path write(Path file, String header, byte[] data) throws IOException {
        byte[] json = header.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        return write(file, json.length, json, data);
    }

    /** A file whose length field says {@code declaredHeaderLength}, whatever follows. */
    static Path write(Path file, long declaredHeaderLength, byte[] header, byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredHeaderLength).array());
        out.write(header);
        out.write(data);
        return Files.write(file, out.toByteArray());
    }

    /** Little-endian float32 bytes. */
    static byte[] floats(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** Bytes of the given values, each truncated to a byte. */
    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Little-endian values of {@code bytesEach} bytes (2, 4 or 8). */
    static byte[] integers(int bytesEach, long... values) {
        ByteBuffer b = ByteBuffer.allocate(bytesEach * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytesEach) {
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                case 8 -> b.putLong(v);
                default -> throw new IllegalArgumentException("bytesEach " + bytesEach);
            }
        }
        return b.array();
    }
}
