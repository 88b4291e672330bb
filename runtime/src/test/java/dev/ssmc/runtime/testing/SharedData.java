package dev.ssmc.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the shared directory that holds the reference's golden files, in the order the README
 * gives: system property {@code ssmc.shared}, environment variable {@code SSMC_SHARED},
 * {@code ../shared} next to the repository (no path of a particular machine). Tests that need it
 * fail, not skip, when it is missing: a silently skipped golden test is a test that never runs.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The shared directory (one with a {@code golden} subdirectory); fails the test if there is none. */
    public static Path dir() {
        List<String> looked = new ArrayList<>();
        List<Path> candidates = new ArrayList<>();
        addIfSet(candidates, looked, "system property ssmc.shared", System.getProperty("ssmc.shared"));
        addIfSet(candidates, looked, "environment variable SSMC_SHARED", System.getenv("SSMC_SHARED"));
        Path repositoryRoot = repositoryRoot();
        candidates.add(repositoryRoot.resolve("..").resolve("shared").normalize());
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate.resolve("golden"))) {
                return candidate;
            }
            looked.add(candidate.toAbsolutePath() + " (no golden/ directory there)");
        }
        return fail("the shared data directory was not found; looked at: " + String.join("; ", looked));
    }

    public static Path golden() {
        return dir().resolve("golden");
    }

    /** Layer cases computed by the reference's own code entirely in float64 (see its README). */
    public static Path goldenF64() {
        return dir().resolve("golden-f64");
    }

    private static void addIfSet(List<Path> candidates, List<String> looked, String source, String value) {
        if (value == null || value.isBlank()) {
            looked.add(source + " (not set)");
        } else {
            candidates.add(Path.of(value));
        }
    }

    /**
     * The nearest directory above the working directory that has {@code .git} (a directory in a
     * clone, a file in a worktree); the parent of the module directory if there is none, since
     * surefire runs in the module directory.
     */
    private static Path repositoryRoot() {
        Path workingDirectory = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = workingDirectory; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return p;
            }
        }
        Path parent = workingDirectory.getParent();
        return parent != null ? parent : workingDirectory;
    }
}
