package dev.ssmc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole-file writes: whatever moment a write fails at (a full disk, injected here by a writer
 * that throws), the target holds its old content or its new one, nothing is left beside it, and
 * the failure names the target and the reason.
 */
class AtomicFileTest {
    @TempDir
    Path tmp;

    /** Old and new contents, and after how many bytes of the new one the disk is full (-1: it is not). */
    record Attempt(int oldLength, int newLength, int failAfter, long seed) {
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNothingElse() {
        Property.forAll(200, in -> {
            int newLength = integers().between(0, 3 * FileChannels.CHUNK_BYTES / 2).generate(in);
            return new Attempt(integers().between(-1, 5000).generate(in), newLength,
                    integers().between(-1, newLength).generate(in), longs().all().generate(in));
        }, this::aFailedWriteLeavesTheOldFileAndNothingElse);
    }

    private void aFailedWriteLeavesTheOldFileAndNothingElse(Attempt a) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "d");
        Path target = dir.resolve("ck.safetensors");
        Random r = new Random(a.seed());
        byte[] old = a.oldLength() < 0 ? null : bytes(r, a.oldLength());
        if (old != null) {
            Files.write(target, old);
        }
        byte[] fresh = bytes(r, a.newLength());
        AtomicFile.Content content = out -> {
            int written = a.failAfter() < 0 ? fresh.length : a.failAfter();
            out.write(fresh, 0, written);
            out.flush();
            if (a.failAfter() >= 0) {
                throw new IOException("No space left on device");
            }
        };
        if (a.failAfter() < 0) {
            AtomicFile.write(target, content);
            assertArrayEquals(fresh, Files.readAllBytes(target));
        } else {
            FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFile.write(target, content));
            assertEquals(target.toString(), e.getFile(), "the failure names the target, not the temporary file");
            assertEquals("no space left on device", IoReason.of(e));
            if (old == null) {
                assertFalse(Files.exists(target));
            } else {
                assertArrayEquals(old, Files.readAllBytes(target));
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Files.exists(target) ? List.of(target) : List.of(), files.toList(), "nothing left beside it");
        }
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @Test
    void aFileInADirectoryThatIsNotThereNamesTheFile() {
        Path target = tmp.resolve("missing/dir/ck.safetensors");
        FileSystemException e = assertThrows(FileSystemException.class, () -> AtomicFile.writeString(target, "x"));
        assertEquals(target.toString(), e.getFile());
        assertEquals("no such file or directory", IoReason.of(e));
    }

    @Test
    void aReplacedFileKeepsItsPermissionsAndALinkStaysALink() throws IOException {
        Path real = tmp.resolve("net.ssm");
        Files.writeString(real, "old");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwxr-x---"));
        Path link = Files.createSymbolicLink(tmp.resolve("link.ssm"), real);
        AtomicFile.writeString(link, "new");
        assertTrue(Files.isSymbolicLink(link), "the link was replaced by a file");
        assertEquals("new", Files.readString(real));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(real)));
    }

    @Test
    void leftoversOfKilledWritesAreRemovedAndNothingElse() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(dir.resolve(".epoch-002.safetensors.0123456789abcdef.tmp"), "half");
        Files.writeString(dir.resolve(".log.json.fedcba9876543210.tmp"), "[");
        for (String kept : List.of("epoch-001.safetensors", ".hidden.tmp", ".notes.0123.tmp", "x.0123456789abcdef.tmp")) {
            Files.writeString(dir.resolve(kept), "kept");
        }
        AtomicFile.removeLeftovers(dir);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(".hidden.tmp", ".notes.0123.tmp", "epoch-001.safetensors", "x.0123456789abcdef.tmp"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void copyReplacesTheTargetWhole() throws IOException {
        Path from = tmp.resolve("epoch-002.safetensors");
        Path to = tmp.resolve("best.safetensors");
        Files.writeString(from, "two");
        Files.writeString(to, "one, longer");
        AtomicFile.copy(from, to);
        assertEquals("two", Files.readString(to));
    }
}
