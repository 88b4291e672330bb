package dev.ssmc.runtime.stream;

import java.util.Arrays;

/**
 * Where a stream's nodes write their state for a snapshot ({@link FrameNode#saveState}): numbers in
 * big-endian order, floats and doubles by their exact bits (a restored stream must continue to the
 * bit), arrays with their length first so that a reader can tell a shape that differs. The buffer
 * grows as needed and is kept between snapshots of one stream.
 */
public final class StateWriter {
    private byte[] buf = new byte[256];
    private int size;

    /** Forgets what was written; keeps the buffer. */
    void clear() {
        size = 0;
    }

    /** Bytes written so far. */
    int size() {
        return size;
    }

    /** A copy of what was written. */
    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** The live buffer (its first {@link #size()} bytes are what was written). */
    byte[] buffer() {
        return buf;
    }

    public void writeInt(int v) {
        room(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    public void writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }

    /** A string as its UTF-8 bytes, their count first. */
    public void writeString(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        writeInt(b.length);
        room(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
    }

    /** The whole array, its length first. */
    public void writeFloats(float[] a) {
        writeInt(a.length);
        writeFloats(a, 0, a.length);
    }

    /** {@code len} floats from {@code a[off]}, without a length (the reader knows it from what came before). */
    public void writeFloats(float[] a, int off, int len) {
        room(4L * len);
        for (int i = 0; i < len; i++) {
            int bits = Float.floatToRawIntBits(a[off + i]);
            buf[size++] = (byte) (bits >>> 24);
            buf[size++] = (byte) (bits >>> 16);
            buf[size++] = (byte) (bits >>> 8);
            buf[size++] = (byte) bits;
        }
    }

    /** The whole array, its length first. */
    public void writeDoubles(double[] a) {
        writeInt(a.length);
        room(8L * a.length);
        for (double v : a) {
            writeLong(Double.doubleToRawLongBits(v));
        }
    }

    private void room(long more) {
        long need = size + more;
        if (need > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("a stream's state of " + need + " bytes does not fit an array");
        }
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * buf.length)));
        }
    }
}
