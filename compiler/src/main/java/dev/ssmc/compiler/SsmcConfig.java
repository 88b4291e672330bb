package dev.ssmc.compiler;

import dev.ssmc.runtime.io.InvalidInputException;
import java.nio.file.Path;
import java.util.List;

/**
 * What to compile and where: the one configuration the command line, the Maven plugin and the
 * Java API share (as jOOQ's does).
 *
 * @param sources         {@code .ssm} files, or directories searched for them
 * @param outputDirectory the root of the generated Java sources (packages become directories)
 * @param packageName     the package of the generated classes
 * @param profile         a calibration profile for the planner, or null for the default
 * @param force           regenerate even when the sources have not changed
 */
public record SsmcConfig(List<Path> sources, Path outputDirectory, String packageName, Path profile, boolean force) {
    /** The package generated classes go to when none is given. */
    public static final String DEFAULT_PACKAGE = "ssmc.generated";

    public SsmcConfig {
        sources = List.copyOf(sources);
        if (packageName == null || packageName.isBlank()) {
            packageName = DEFAULT_PACKAGE;
        }
        if (!packageName.matches("[a-zA-Z_][a-zA-Z0-9_]*(\\.[a-zA-Z_][a-zA-Z0-9_]*)*")) {
            throw new InvalidInputException("'" + packageName + "' is not a Java package name");
        }
    }
}
