package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.exec.Engine;
import dev.ssmc.compiler.exec.Engines;
import dev.ssmc.compiler.golden.GoldenReport;
import dev.ssmc.compiler.golden.GoldenRunner;
import dev.ssmc.compiler.golden.Tolerance;
import dev.ssmc.compiler.syntax.importer.ImportedNetworks;
import dev.ssmc.runtime.io.InvalidInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ssmc golden DIR}: checks every engine against the reference's golden files. */
@Command(name = "golden", mixinStandardHelpOptions = true,
        description = "Rebuild the layer or network of every .safetensors golden file in DIR from its config, "
                + "run its input through each engine and compare with the reference's outputs. Tolerance "
                + "per tensor: |x - ref| <= REL * max|ref| + REL/100 (REL from --tolerance); each tensor's "
                + "error is printed as a fraction of max|ref|. Last line: N passed, M failed.")
public final class GoldenCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A directory of golden .safetensors files.")
    Path dir;

    @Option(names = "--engine", paramLabel = "ENGINES",
            description = "Comma-separated engines to run (default: all: ${DEFAULT-VALUE}).")
    String engines = String.join(",", Engines.names());

    @Option(names = "--tolerance", paramLabel = "REL",
            description = "Allowed error as a fraction of max|ref|, positive (default: ${DEFAULT-VALUE}). The "
                    + "absolute floor for all-zero references scales with it: REL/100.")
    String tolerance = String.valueOf(Tolerance.DEFAULT.relative());

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Engine> selected;
        try {
            selected = Engines.select(engines);
        } catch (InvalidInputException e) {
            throw new UserError("--engine: " + e.getMessage());
        }
        Tolerance allowed = tolerance();
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": not a directory (give the directory that holds the golden .safetensors files)");
        }
        List<Path> files = GoldenRunner.goldenFiles(dir);
        if (files.isEmpty()) {
            throw new UserError(dir + ": no .safetensors files here");
        }
        GoldenRunner runner = new GoldenRunner(selected, ImportedNetworks::viaSource, allowed);
        int passed = 0;
        for (Path f : files) {
            GoldenReport r = runner.run(f);
            out.println(r.line());
            out.flush();
            passed += r.passed() ? 1 : 0;
        }
        int failed = files.size() - passed;
        out.println(passed + " passed, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    /** The --tolerance text as a tolerance; read here, not by picocli, so every bad value gets one line in the user's words. */
    private Tolerance tolerance() {
        try {
            return new Tolerance(Double.parseDouble(tolerance));
        } catch (NumberFormatException | InvalidInputException e) { // not a number, or not a tolerance
            throw new UserError("--tolerance: '" + tolerance + "' is not a positive, finite fraction of max|ref| (e.g. 1e-4)");
        }
    }
}
