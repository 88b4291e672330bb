package dev.ssmc.flink;

import dev.ssmc.compiler.codegen.InMemoryCompiler;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.stream.StreamingNetwork;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A network as a job carries it to its task managers: the {@code .ssm} source and the checkpoint's
 * bytes, read once where the job is built, so that no task manager needs the files. Each task
 * manager compiles the network once ({@link #load}) and shares it between its operators and
 * their streams.
 *
 * @param sourceName the file's name, for messages
 * @param source     the {@code .ssm} text
 * @param network    the network to run, or null for the file's only one
 * @param checkpoint a safetensors checkpoint with the reference's keys
 */
public record NetworkSpec(String sourceName, String source, String network, byte[] checkpoint) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Compiled networks of this JVM (this class loader: one job), by the digest of what made them. */
    private static final Map<String, Loaded> COMPILED = new ConcurrentHashMap<>();

    /** A network compiled and holding its checkpoint's weights, with the class names the checkpoint's metadata gives. */
    public record Loaded(String name, StreamingNetwork streams, List<String> labels, int inChannels, int sampleRate) {
    }

    /** Reads the files. */
    public static NetworkSpec read(Path ssm, String network, Path checkpoint) throws IOException {
        return new NetworkSpec(ssm.getFileName().toString(), Files.readString(ssm), network, Files.readAllBytes(checkpoint));
    }

    /**
     * The network, compiled in memory the first time this JVM asks for it.
     *
     * @throws InvalidInputException when the source has errors or the checkpoint does not fit the network
     */
    public Loaded load() {
        return COMPILED.computeIfAbsent(digest(), d -> compile());
    }

    private Loaded compile() {
        Frontend.Compilation c = Frontend.compile(sourceName, source);
        if (!c.ok()) {
            throw new InvalidInputException(sourceName + " has errors:\n" + c.render());
        }
        Network net = c.networks().stream().map(Frontend.CheckedNetwork::network)
                .filter(n -> network == null ? c.networks().size() == 1 : n.name().equals(network)).findFirst()
                .orElseThrow(() -> new InvalidInputException(network == null
                        ? sourceName + " holds " + c.networks().size() + " networks; name one"
                        : sourceName + " has no network '" + network + "'"));
        Class<?> type = InMemoryCompiler.networkClass(net, Profile.defaults(), sourceName);
        try {
            Path file = Files.createTempFile("ssmc-checkpoint", ".safetensors");
            try {
                Files.write(file, checkpoint);
                String labels = SafeTensors.read(file).metadata().get("labels");
                StreamingNetwork streams = (StreamingNetwork) type.getMethod("load", Path.class).invoke(null, file);
                return new Loaded(net.name(), streams, labels == null ? List.of() : Arrays.asList(labels.split(",")),
                        net.inChannels(), net.sampleRate());
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (InvocationTargetException e) {
            throw new InvalidInputException("the checkpoint does not fit network " + net.name() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private String digest() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(source.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(String.valueOf(network).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(checkpoint);
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSpec s && sourceName.equals(s.sourceName) && source.equals(s.source)
                && java.util.Objects.equals(network, s.network) && Arrays.equals(checkpoint, s.checkpoint);
    }

    @Override
    public int hashCode() {
        return source.hashCode() * 31 + Arrays.hashCode(checkpoint);
    }

    @Override
    public String toString() {
        return "NetworkSpec[" + sourceName + (network == null ? "" : ", " + network) + ", checkpoint of "
                + checkpoint.length + " bytes]";
    }
}
