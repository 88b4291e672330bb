package dev.ssmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * ssmc in a JVM of its own, started as a user starts it: for what only a real process shows (a
 * kill -9, a file system mounted for it alone).
 */
final class ChildJvm {
    private ChildJvm() {
    }

    /** The command line of {@code ssmc ARGS} in a new JVM, on this JVM's class path, with a heap of 1 GB. */
    static List<String> ssmc(String... args) {
        return ssmcWithHeap("1g", args);
    }

    /** {@link #ssmc} with a heap of {@code maxHeap} (as -Xmx takes it). */
    static List<String> ssmcWithHeap(String maxHeap, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xss8m", "-Xmx" + maxHeap, "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** What a finished process printed, and its status. */
    record Result(List<String> command, int status, String out, String err) {
        @Override
        public String toString() {
            return String.join(" ", command) + "\nstatus " + status + "\nstdout:\n" + out + "stderr:\n" + err;
        }
    }

    /** Runs {@code command} to its end. */
    static Result run(List<String> command, Path work) throws IOException, InterruptedException {
        Path out = Files.createTempFile(work, "out", ".txt");
        Path err = Files.createTempFile(work, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int status = p.waitFor();
        return new Result(command, status, Files.readString(out), Files.readString(err));
    }

    /**
     * Checks that every file of a run's directory is whole: checkpoints and optimizer states parse
     * with every tensor readable, the log is a JSON array, the curves an image. Temporary files a
     * killed process left are skipped: they are not the run's files.
     */
    static void assertWhole(Path dir) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            for (Path p : listing.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp")) {
                    continue;
                }
                if (name.endsWith(".safetensors")) {
                    SafeTensorsFile f = SafeTensors.read(p);
                    for (String tensor : f.names()) {
                        f.f32(tensor);
                    }
                } else if (name.endsWith(".json")) {
                    assertTrue(new Gson().fromJson(Files.readString(p), Object[].class).length > 0, p::toString);
                } else if (name.endsWith(".png")) {
                    assertTrue(ImageIO.read(p.toFile()) != null, () -> p + " is not a whole PNG");
                } else {
                    assertEquals("", name, "an unexpected file in " + dir);
                }
            }
        }
    }
}
