package dev.ssmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk and a read-only file system, for real: each command runs in a JVM of its own, in a
 * private mount namespace ({@code unshare -m}) where a tiny tmpfs is mounted for it alone, so
 * nothing outside the test sees the mount. Where the machine does not allow that (no unshare, no
 * right to mount), the tests are skipped; AtomicFileTest injects the same failures into the writer.
 */
class FullDiskTest {
    @TempDir
    static Path tmp;

    static CliFixture f;

    @BeforeAll
    static void privateMountsAreAllowed() throws Exception {
        Path probe = Files.createDirectories(tmp.resolve("probe"));
        ChildJvm.Result r;
        try {
            r = ChildJvm.run(List.of("unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs \"$0\"", probe.toString()),
                    tmp);
        } catch (IOException noUnshare) {
            r = null;
        }
        assumeTrue(r != null && r.status() == 0, "this machine does not let the tests mount a file system of their own");
        f = CliFixture.make(tmp.resolve("fixture"));
    }

    /**
     * Runs ssmc in a JVM of its own on a fresh tmpfs of {@code kilobytes} mounted at {@code mount}
     * (read-only once {@code setUp} has run in it), then copies what is left there to {@code copy}.
     */
    private static ChildJvm.Result onTinyFileSystem(Path mount, int kilobytes, String setUp, Path copy, String... ssmc)
            throws Exception {
        Files.createDirectories(mount);
        Files.createDirectories(copy);
        String script = "mount -t tmpfs -o size=" + kilobytes + "k tmpfs \"$0\" && " + setUp + " && \"$@\"; status=$?; "
                + "cp -a \"$0\"/. \"" + copy + "\"/; exit $status";
        List<String> command = new ArrayList<>(List.of("unshare", "-m", "sh", "-c", script, mount.toString()));
        command.addAll(ChildJvm.ssmc(ssmc));
        return ChildJvm.run(command, tmp);
    }

    private static void assertOneLine(ChildJvm.Result r, String message) {
        assertEquals(1, r.status(), r::toString);
        List<String> errors = r.err().lines().filter(l -> l.contains(": error: ")).toList();
        assertEquals(List.of(message), errors, r::toString);
    }

    private static List<String> names(Path dir) throws IOException {
        try (var listing = Files.list(dir)) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void initOnAFullDiskSaysSoAndLeavesNothing() throws Exception {
        Path mount = tmp.resolve("init");
        Path left = tmp.resolve("init-left");
        // 128 KB of weights for a 64 KB file system
        Path wide = tmp.resolve("wide.ssm");
        Files.writeString(wide, "network Wide {\n  input a: 16 channels @ 16 kHz\n  s5(states 64, blocks 4) to 128\n}\n");
        ChildJvm.Result r = onTinyFileSystem(mount, 64, "true", left, "init", wide.toString(), "-o",
                mount.resolve("ck.safetensors").toString());
        assertOneLine(r, "ssmc init: error: " + mount.resolve("ck.safetensors") + ": no space left on device");
        assertEquals(List.of(), names(left), "no partial checkpoint, no temporary file");
    }

    @Test
    void runOutputOnAFullDiskSaysSoAndLeavesNothing() throws Exception {
        Path mount = tmp.resolve("run");
        Path left = tmp.resolve("run-left");
        Path longWav = tmp.resolve("ten-seconds.wav");
        dev.ssmc.runtime.io.Wav.write(longWav, dev.ssmc.runtime.io.Audio.mono(16000, CliFixture.tone(160000, 5)),
                dev.ssmc.runtime.io.WavEncoding.PCM16);
        ChildJvm.Result r = onTinyFileSystem(mount, 64, "true", left, "run", f.denoiser.toString(), "--checkpoint",
                f.denoiserCheckpoint.toString(), "--input", longWav.toString(), "--output", mount.resolve("out.wav").toString());
        assertOneLine(r, "ssmc run: error: " + mount.resolve("out.wav") + ": no space left on device");
        assertEquals(List.of(), names(left));
    }

    @Test
    void fmtWriteOnAReadOnlyFileSystemSaysSoAndLeavesTheFile() throws Exception {
        Path mount = tmp.resolve("ro");
        Path left = tmp.resolve("ro-left");
        Path messy = tmp.resolve("messy.ssm");
        String text = CliFixture.DENOISER.replace("  s5(states 2) to 1", "  s5( states 2 )  to 1");
        Files.writeString(messy, text);
        ChildJvm.Result r = onTinyFileSystem(mount, 64, "cp " + messy + " \"$0\"/ && mount -o remount,ro \"$0\"", left,
                "fmt", "--write", mount.resolve("messy.ssm").toString());
        assertOneLine(r, mount.resolve("messy.ssm") + ": error: cannot write the file: read-only file system");
        assertEquals(text, Files.readString(left.resolve("messy.ssm")));
    }

    @Test
    void trainingOntoAFullDiskStopsInOneLineWithEveryFileWhole() throws Exception {
        Path mount = tmp.resolve("train");
        Path left = tmp.resolve("train-left");
        ChildJvm.Result r = onTinyFileSystem(mount, 48, "true", left, "train", f.classifier.toString(), "--data",
                f.data.toString(), "--epochs", "20", "--warmup", "0", "-o", mount.resolve("run").toString(), "--no-progress");
        assertEquals(1, r.status(), r::toString);
        List<String> errors = r.err().lines().filter(l -> l.contains(": error: ")).toList();
        assertEquals(1, errors.size(), r::toString);
        assertTrue(errors.get(0).matches("ssmc train: error: " + mount.resolve("run") + "/\\S+: no space left on device"),
                r::toString);
        ChildJvm.assertWhole(left.resolve("run"));
        assertTrue(names(left.resolve("run")).stream().noneMatch(n -> n.endsWith(".tmp")), "no temporary file left");
    }
}
