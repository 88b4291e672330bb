package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.io.InvalidInputException;
import java.nio.charset.StandardCharsets;

/**
 * Reads back what a {@link StateWriter} wrote, for {@link FrameNode#restoreState}. Every read checks
 * that the snapshot has the bytes and, for arrays, the length this stream's node has: a snapshot of
 * another shape fails with a message naming the part of the state that differs rather than
 * restoring something else.
 */
public final class StateReader {
    private final byte[] buf;
    private int pos;
    private final int end;

    StateReader(byte[] buf, int from, int end) {
        this.buf = buf;
        this.pos = from;
        this.end = end;
    }

    /** Bytes not read yet. */
    int remaining() {
        return end - pos;
    }

    public int readInt() {
        need(4, "a number");
        int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8 | buf[pos + 3] & 0xff;
        pos += 4;
        return v;
    }

    public long readLong() {
        long hi = readInt();
        return hi << 32 | readInt() & 0xffffffffL;
    }

    public String readString() {
        int n = readInt();
        if (n < 0) {
            throw new InvalidInputException("the snapshot is corrupt: a string of " + n + " bytes");
        }
        need(n, "a string");
        String s = new String(buf, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    /**
     * A number that must lie in {@code [0, bound]}, for counts and positions a node trusts (a phase
     * within a window, frames waiting in a ring).
     */
    public int readInt(int bound, String what) {
        int v = readInt();
        if (v < 0 || v > bound) {
            throw new InvalidInputException("the snapshot's " + what + " is " + v + ", but this stream's is at most " + bound);
        }
        return v;
    }

    /** Fills {@code into} from an array written by {@link StateWriter#writeFloats(float[])}, which must have its length. */
    public void readFloats(float[] into, String what) {
        length(into.length, what, "floats");
        readFloats(into, 0, into.length);
    }

    /** {@code len} floats into {@code into[off ..]}, written without a length. */
    public void readFloats(float[] into, int off, int len) {
        need(4L * len, "floats");
        for (int i = 0; i < len; i++) {
            into[off + i] = Float.intBitsToFloat(readIntUnchecked());
        }
    }

    /** Fills {@code into} from an array written by {@link StateWriter#writeDoubles}, which must have its length. */
    public void readDoubles(double[] into, String what) {
        length(into.length, what, "doubles");
        need(8L * into.length, "doubles");
        for (int i = 0; i < into.length; i++) {
            long hi = readIntUnchecked();
            into[i] = Double.longBitsToDouble(hi << 32 | readIntUnchecked() & 0xffffffffL);
        }
    }

    private void length(int expected, String what, String unit) {
        int n = readInt();
        if (n != expected) {
            throw new InvalidInputException("the snapshot's " + what + " has " + n + " " + unit + ", this stream's "
                    + expected);
        }
    }

    private int readIntUnchecked() {
        int v = (buf[pos] & 0xff) << 24 | (buf[pos + 1] & 0xff) << 16 | (buf[pos + 2] & 0xff) << 8 | buf[pos + 3] & 0xff;
        pos += 4;
        return v;
    }

    private void need(long bytes, String what) {
        if (bytes > end - pos) {
            throw new InvalidInputException("the snapshot ends early: " + what + " needs " + bytes + " bytes, "
                    + (end - pos) + " are left");
        }
    }
}
