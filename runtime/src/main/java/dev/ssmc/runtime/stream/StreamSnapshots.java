package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The byte format of a stream's snapshot ({@link NetworkStream#snapshot}), version 2 (version 1 had
 * no count of frames since an SSM layer's state was flushed):
 * <pre>
 * int    magic "SSMS"
 * int    format version
 * string network name                      (the fingerprint:)
 * int    L, then L longs                   a digest of each layer's structure ({@link FrameNode#describe})
 * int    T, then T longs                   a digest of each stored tensor ({@link NetworkFingerprint})
 * ...    each node's state in order, then the head's ({@link FrameNode#saveState})
 * int    CRC-32 of every byte before it
 * </pre>
 * Numbers are big-endian, strings UTF-8 after their byte count. The header is checked in full
 * before any state is touched, and a mismatch names what differs: the network, a layer (by this
 * stream's description of it) or the tensors whose weights changed.
 */
final class StreamSnapshots {
    static final int MAGIC = 0x53534D53; // "SSMS"
    static final int VERSION = 2;

    private StreamSnapshots() {
    }

    /** Who a stream is: its network's fingerprint and the structure of its layers, top level, the head last. */
    record Identity(NetworkFingerprint network, List<String> layers, long[] layerDigests) {
        static Identity of(NetworkFingerprint network, FrameNode body, HeadFrames head) {
            List<String> layers = new ArrayList<>();
            if (body instanceof FrameChain chain) {
                chain.nodes().forEach(n -> layers.add(n.describe()));
            } else {
                layers.add(body.describe());
            }
            if (head != null) {
                layers.add(head.describe());
            }
            long[] digests = new long[layers.size()];
            for (int i = 0; i < digests.length; i++) {
                digests[i] = NetworkFingerprint.digest(layers.get(i));
            }
            return new Identity(network, List.copyOf(layers), digests);
        }
    }

    static void writeHeader(StateWriter out, Identity id) {
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeString(id.network().network());
        writeLongs(out, id.layerDigests());
        writeLongs(out, id.network().digestsShared());
    }

    /** Appends the checksum of everything written. */
    static void seal(StateWriter out) {
        CRC32 crc = new CRC32();
        crc.update(out.buffer(), 0, out.size());
        out.writeInt((int) crc.getValue());
    }

    /**
     * A reader of the state in {@code snapshot}, after checking that it is an intact snapshot of
     * the stream {@code id} describes.
     *
     * @throws InvalidInputException naming what differs
     */
    static StateReader open(byte[] snapshot, Identity id) {
        if (snapshot == null) {
            throw new InvalidInputException("no snapshot (null)");
        }
        if (snapshot.length < 12 || new StateReader(snapshot, 0, 4).readInt() != MAGIC) {
            throw new InvalidInputException("not an ssmc stream snapshot (" + snapshot.length
                    + " bytes that do not start with \"SSMS\")");
        }
        int end = snapshot.length - 4;
        CRC32 crc = new CRC32();
        crc.update(snapshot, 0, end);
        if (new StateReader(snapshot, end, snapshot.length).readInt() != (int) crc.getValue()) {
            throw new InvalidInputException("the snapshot is damaged: its " + snapshot.length
                    + " bytes do not match their checksum (truncated or changed on the way)");
        }
        StateReader in = new StateReader(snapshot, 4, end);
        int version = in.readInt();
        if (version != VERSION) {
            throw new InvalidInputException("the snapshot has format version " + version + ", this ssmc reads version "
                    + VERSION);
        }
        String name = in.readString();
        if (!name.equals(id.network().network())) {
            throw new InvalidInputException("the snapshot is of network " + quote(name) + ", this stream of network "
                    + quote(id.network().network()));
        }
        checkLayers(name, readLongs(in), id);
        checkTensors(name, readLongs(in), id.network());
        return in;
    }

    private static void checkLayers(String name, long[] theirs, Identity id) {
        long[] ours = id.layerDigests();
        for (int i = 0; i < Math.min(theirs.length, ours.length); i++) {
            if (theirs[i] != ours[i]) {
                throw new InvalidInputException("the snapshot's network " + quote(name) + " has another structure: its layer "
                        + (i + 1) + " differs from this stream's, " + id.layers().get(i));
            }
        }
        if (theirs.length != ours.length) {
            throw new InvalidInputException("the snapshot's network " + quote(name) + " has another structure: "
                    + theirs.length + " layers, this stream's " + ours.length);
        }
    }

    private static void checkTensors(String name, long[] theirs, NetworkFingerprint ours) {
        long[] digests = ours.digestsShared();
        if (theirs.length != digests.length) {
            throw new InvalidInputException("the snapshot's network " + quote(name) + " has " + theirs.length
                    + " stored tensors, this stream's " + digests.length);
        }
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < digests.length; i++) {
            if (theirs[i] != digests[i]) {
                changed.add(ours.tensors().get(i));
            }
        }
        if (!changed.isEmpty()) {
            String shown = String.join(", ", changed.subList(0, Math.min(5, changed.size())))
                    + (changed.size() > 5 ? String.format(Locale.ROOT, " and %d more", changed.size() - 5) : "");
            throw new InvalidInputException("the snapshot was taken with other weights: " + changed.size() + " of "
                    + digests.length + " tensors of network " + quote(name) + " differ (" + shown
                    + "); restore it into a network loaded from the checkpoint the stream ran on");
        }
    }

    private static void writeLongs(StateWriter out, long[] a) {
        out.writeInt(a.length);
        for (long v : a) {
            out.writeLong(v);
        }
    }

    private static long[] readLongs(StateReader in) {
        int n = in.readInt();
        if (n < 0 || n > in.remaining() / 8) {
            throw new InvalidInputException("the snapshot is corrupt: a list of " + n + " digests");
        }
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readLong();
        }
        return a;
    }

    private static String quote(String name) {
        return name.isEmpty() ? "(unnamed)" : "`" + name + "`";
    }
}
