package dev.ssmc.runtime.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Positional reads that do not stop short, and writes that replace a file atomically. */
final class FileChannels {
    /** Bulk data moves through buffers of this size, so no file or tensor is ever held twice in memory. */
    static final int CHUNK_BYTES = 1 << 20;
    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.[0-9a-f]{16}\\.tmp");

    private FileChannels() {
    }

    /**
     * Reads exactly {@code buffer.remaining()} bytes at {@code position}, then flips the buffer.
     * A file that ends first is an {@link EOFException} carrying the position where it ended.
     */
    static ByteBuffer readFully(FileChannel channel, long position, ByteBuffer buffer) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new EOFException("the file ended at byte " + at);
            }
            at += n;
        }
        return buffer.flip();
    }

    /** Reads {@code length} bytes at {@code position} into a new little-endian buffer. */
    static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        return readFully(channel, position, ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Writes all of {@code buffer} (from its position to its limit). */
    static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** What writes the content of a file. */
    @FunctionalInterface
    interface ContentWriter {
        void writeTo(FileChannel channel) throws IOException;
    }

    /**
     * Writes {@code target} so that readers see either the old file or the complete new one, never a
     * partial one: the content goes to a temporary file in the same directory (same file system, so
     * the rename is atomic), is forced to disk, then renamed over the target. The temporary file is
     * created with default permissions, not the owner-only ones of {@link Files#createTempFile}, so
     * a new file has the permissions any new file would have; a file replaced keeps its own, and a
     * symbolic link is written through. On any failure it is deleted.
     */
    static void writeAtomically(Path target, ContentWriter content) throws IOException {
        // through a symbolic link to the file it names: renaming over the link would replace the link
        Path absolute = Files.isSymbolicLink(target) && Files.exists(target) ? target.toRealPath() : target.toAbsolutePath();
        if (Files.isRegularFile(absolute)) {
            // the rename would replace a file its owner made read-only, which writing in place never
            // could: open it for writing (without changing it) to fail as writing in place would
            FileChannel.open(absolute, StandardOpenOption.WRITE).close();
        }
        Path temporary = absolute.resolveSibling("." + absolute.getFileName() + "."
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            keepPermissions(absolute, temporary);
            try {
                Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } catch (IOException e) {
            throw namingTarget(target, temporary, e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException ignored) {
                    // the write failed already (full disk, gone directory): report that, not the clean-up
                }
            }
        }
    }

    /** Whether {@code name} is one of {@link #writeAtomically}'s temporary files: {@code .NAME.<16 hex digits>.tmp}. */
    static boolean isTemporary(String name) {
        return TEMPORARY.matcher(name).matches();
    }

    /** A file that is replaced keeps its permissions (a read-only or executable file stays so). */
    private static void keepPermissions(Path replaced, Path replacement) throws IOException {
        if (!Files.exists(replaced)) {
            return;
        }
        try {
            Files.setPosixFilePermissions(replacement, Files.getPosixFilePermissions(replaced));
        } catch (UnsupportedOperationException notPosix) {
            // the file system has no POSIX permissions to keep
        }
    }

    /**
     * The failure of a write, naming the file the caller asked for: the temporary file's name means
     * nothing to whoever reads the message, and plain IOExceptions ("No space left on device") name
     * no file at all.
     */
    private static IOException namingTarget(Path target, Path temporary, IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null
                && !Path.of(fs.getFile()).toAbsolutePath().equals(temporary)) {
            return e; // already names a file of the caller's (the target, or its directory)
        }
        FileSystemException named = new FileSystemException(target.toString(), null, IoReason.of(e));
        named.initCause(e);
        return named;
    }
}
