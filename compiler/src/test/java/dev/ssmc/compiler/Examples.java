package dev.ssmc.compiler;

import java.nio.file.Path;

/**
 * The repository's {@code examples/} folder for tests, found from a module's directory (where Maven runs
 * them) or from the root (an IDE). Shared through the test-jar, so the tools module's tests find the same
 * files.
 */
public final class Examples {
    private Examples() {
    }

    /** A file under {@code examples/}, e.g. {@code kws/kws.ssm}. */
    public static Path example(String rel) {
        Path p = Path.of("../examples").resolve(rel);
        return p.toFile().exists() ? p : Path.of("examples").resolve(rel);
    }
}
