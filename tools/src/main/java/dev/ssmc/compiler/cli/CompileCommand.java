package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.Ssmc;
import dev.ssmc.compiler.SsmcConfig;
import dev.ssmc.runtime.io.InvalidInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ssmc compile FILE.ssm... -o DIR [--package P]}: writes the Java source of every network. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Write the Java source of every network in the .ssm files (or directories of them): one "
                + "class per network, with its planned SSM blocks. Files that have not changed since their "
                + "last compile into the same directory are skipped (--force regenerates).")
public final class CompileCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = ".ssm files, or directories searched for them.")
    List<Path> sources;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "The root of the generated sources.")
    Path output;

    @Option(names = "--package", paramLabel = "P", description = "The package of the generated classes (default: ${DEFAULT-VALUE}).")
    String packageName = SsmcConfig.DEFAULT_PACKAGE;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "A calibration profile for the planner.")
    Path profile;

    @Option(names = "--force", description = "Regenerate even unchanged files.")
    boolean force;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        SsmcConfig config;
        try {
            config = new SsmcConfig(sources, output, packageName, profile, force);
        } catch (InvalidInputException e) {
            throw new UserError("--package: " + e.getMessage());
        }
        if (profile != null) {
            UserFiles.input(profile, "--profile");
        }
        UserFiles.outputDirectory(output, "-o");
        Ssmc.Result r;
        try {
            r = Ssmc.compile(config);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(e.getMessage()); // a source that is not there: "FILE: no such file or directory"
        } catch (IOException e) {
            throw UserFiles.failure(output, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        for (Ssmc.FileErrors e : r.errors()) {
            err.print(e.rendered());
        }
        r.written().forEach(p -> out.println("wrote " + p));
        r.upToDate().forEach(p -> out.println("up to date " + p));
        out.flush();
        err.flush();
        return r.ok() ? 0 : Main.USER_ERROR;
    }
}
