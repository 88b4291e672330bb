package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.model.Parameter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a network's streams carry into their snapshots to say whose state it is: the network's
 * name and a digest of each stored tensor (its key, shape and every float's bits). A snapshot
 * restores only into a stream of a network with the same name, layers and digests, so a state
 * never continues on weights other than those it was computed with; a mismatch is reported by
 * the tensors' keys. Generated networks make one per set of weights and hand it to their streams.
 *
 * <p>Each digest is the first 64 bits of the tensor's SHA-256: far more than enough to tell a
 * changed checkpoint, and small next to a stream's state.
 */
public final class NetworkFingerprint {
    private final String network;
    private final List<String> tensors;
    private final long[] digests;

    private NetworkFingerprint(String network, List<String> tensors, long[] digests) {
        this.network = network;
        this.tensors = List.copyOf(tensors);
        this.digests = digests;
    }

    /**
     * The fingerprint of a network's stored tensors, in the order of {@code parameters}.
     *
     * @throws IllegalArgumentException when a parameter has no values
     */
    public static NetworkFingerprint of(String network, List<Parameter> parameters, Map<String, float[]> values) {
        List<String> keys = new ArrayList<>(parameters.size());
        long[] digests = new long[parameters.size()];
        MessageDigest sha = sha256();
        ByteBuffer bits = ByteBuffer.allocate(4096);
        for (int i = 0; i < digests.length; i++) {
            Parameter p = parameters.get(i);
            float[] v = values.get(p.key());
            if (v == null) {
                throw new IllegalArgumentException("no values for tensor " + p.key());
            }
            keys.add(p.key());
            sha.update(p.key().getBytes(StandardCharsets.UTF_8));
            for (int d : p.shape()) {
                sha.update(ByteBuffer.allocate(4).putInt(d).array());
            }
            for (int at = 0; at < v.length; ) {
                bits.clear();
                for (; at < v.length && bits.remaining() >= 4; at++) {
                    bits.putInt(Float.floatToRawIntBits(v[at]));
                }
                sha.update(bits.array(), 0, bits.position());
            }
            digests[i] = ByteBuffer.wrap(sha.digest()).getLong();
        }
        return new NetworkFingerprint(network, keys, digests);
    }

    /** A network known by its name alone (a hand-built chain): its snapshots do not check weights. */
    public static NetworkFingerprint named(String network) {
        return new NetworkFingerprint(network, List.of(), new long[0]);
    }

    public String network() {
        return network;
    }

    /** The tensors' keys, in the order of their digests. */
    public List<String> tensors() {
        return tensors;
    }

    /** The tensors' digests (a copy). */
    public long[] digests() {
        return digests.clone();
    }

    long[] digestsShared() {
        return digests;
    }

    /** The first 64 bits of the SHA-256 of {@code text}'s UTF-8 bytes. */
    static long digest(String text) {
        return ByteBuffer.wrap(sha256().digest(text.getBytes(StandardCharsets.UTF_8))).getLong();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
