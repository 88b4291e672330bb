package dev.ssmc.maven;

import dev.ssmc.compiler.Ssmc;
import dev.ssmc.compiler.SsmcConfig;
import dev.ssmc.compiler.syntax.Diagnostic;
import dev.ssmc.runtime.io.InvalidInputException;
import java.io.File;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Compiles the {@code .ssm} files of a source directory to Java sources (one class per network)
 * and adds them to the project's compile sources. A thin wrapper over {@code Ssmc.compile}: the
 * parameters become one {@code SsmcConfig}, the same one {@code ssmc compile} builds, and files
 * that have not changed since their last compile are skipped by the compiler's own stamps.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class CompileMojo extends AbstractMojo {
    /** The directory searched (recursively) for {@code .ssm} files. A missing directory is no error: nothing is done. */
    @Parameter(property = "ssmc.sourceDirectory", defaultValue = "${project.basedir}/src/main/ssm", required = true)
    private File sourceDirectory;

    /** The root of the generated Java sources; it becomes a compile source root of the project. */
    @Parameter(property = "ssmc.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/ssm",
            required = true)
    private File outputDirectory;

    /** The package of the generated classes. */
    @Parameter(property = "ssmc.packageName", defaultValue = SsmcConfig.DEFAULT_PACKAGE)
    private String packageName;

    /** A calibration profile for the planner (JSON, as written by {@code ssmc calibrate}); the default profile when unset. */
    @Parameter(property = "ssmc.profile")
    private File profile;

    /** Regenerate every file, even those that have not changed since their last compile. */
    @Parameter(property = "ssmc.force", defaultValue = "false")
    private boolean force;

    /** Do nothing (and add no source root). */
    @Parameter(property = "ssmc.skip", defaultValue = "false")
    private boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("ssmc: skipped (ssmc.skip)");
            return;
        }
        if (!sourceDirectory.isDirectory()) {
            getLog().info("ssmc: no source directory " + sourceDirectory + ", nothing to compile");
            return;
        }
        SsmcConfig config;
        try {
            config = new SsmcConfig(List.of(sourceDirectory.toPath()), outputDirectory.toPath(), packageName,
                    profile == null ? null : profile.toPath(), force);
        } catch (InvalidInputException e) {
            throw new MojoFailureException("ssmc: packageName: " + e.getMessage());
        }
        Ssmc.Result result;
        try {
            result = Ssmc.compile(config);
        } catch (NoSuchFileException e) {
            throw new MojoFailureException("ssmc: " + e.getFile() + ": no such file", e);
        } catch (InvalidInputException e) {
            // What Ssmc.compile says of a malformed input other than a source: an unreadable profile.
            throw new MojoFailureException("ssmc: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MojoExecutionException("ssmc: " + e, e);
        }
        project.addCompileSourceRoot(outputDirectory.getAbsolutePath());
        for (Path p : result.written()) {
            getLog().debug("ssmc: wrote " + p);
        }
        for (Path p : result.upToDate()) {
            getLog().debug("ssmc: up to date " + p);
        }
        getLog().info("ssmc: " + count(result.written().size(), "class", "classes") + " written, "
                + count(result.upToDate().size(), "file", "files") + " up to date"
                + (result.errors().isEmpty() ? "" : ", " + count(result.errors().size(), "file", "files")
                        + " with errors") + " (" + outputDirectory + ")");
        if (!result.ok()) {
            StringBuilder message = new StringBuilder("ssmc: the .ssm sources have errors:");
            for (Ssmc.FileErrors fe : result.errors()) {
                getLog().error(System.lineSeparator() + fe.rendered().stripTrailing());
                for (Diagnostic d : fe.diagnostics()) {
                    if (d.isError()) {
                        message.append(System.lineSeparator()).append(d.headline());
                    }
                }
            }
            throw new MojoFailureException(message.toString());
        }
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
