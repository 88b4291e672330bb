package dev.ssmc.runtime.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Writes that replace a file whole: the content goes to a temporary file in the same directory,
 * is forced to disk and renamed over the target, so that a process killed at any moment (kill -9,
 * a full disk) leaves the target either as it was or complete, never torn. A failure names the
 * target, not the temporary file, and leaves no temporary file behind (a killed process may leave
 * one, named {@code .NAME.HEX.tmp}, beside an intact target; {@link #removeLeftovers} deletes them).
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** What writes a file's content to a stream (buffered; the stream must not be closed). */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, Content content) throws IOException {
        FileChannels.writeAtomically(target, channel -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), FileChannels.CHUNK_BYTES);
            content.writeTo(out);
            out.flush(); // not close: the channel is forced to disk after this, then closed by its owner
        });
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /**
     * Deletes the temporary files that writes killed midway left in {@code dir} (their targets are
     * intact). Only for a directory no other process is writing into: its temporary files look the same.
     */
    public static void removeLeftovers(Path dir) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path p : listing.filter(p -> FileChannels.isTemporary(p.getFileName().toString())).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Replaces {@code target} with a copy of {@code source}. */
    public static void copy(Path source, Path target) throws IOException {
        write(target, out -> Files.copy(source, out));
    }
}
