package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.exec.Engine;
import dev.ssmc.compiler.exec.Engines;
import dev.ssmc.compiler.golden.GoldenReport;
import dev.ssmc.compiler.golden.GoldenRunner;
import dev.ssmc.compiler.syntax.importer.ImportedNetworks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ssmc golden DIR}: checks every engine against the reference's golden files. */
@Command(name = "golden", mixinStandardHelpOptions = true,
        description = "Rebuild the layer or network of every .safetensors golden file in DIR from its config, "
                + "run its input through each engine and compare with the reference's outputs. Tolerance "
                + "per tensor: |x - ref| <= 1e-4 * max|ref| + 1e-6. Last line: N passed, M failed.")
public final class GoldenCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A directory of golden .safetensors files.")
    Path dir;

    @Option(names = "--engine", paramLabel = "ENGINES",
            description = "Comma-separated engines to run (default: all: ${DEFAULT-VALUE}).")
    String engines = String.join(",", Engines.names());

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<Engine> selected;
        try {
            selected = Engines.select(engines);
        } catch (IllegalArgumentException e) {
            throw new UserError("--engine: " + e.getMessage());
        }
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": not a directory (give the directory that holds the golden .safetensors files)");
        }
        List<Path> files = GoldenRunner.goldenFiles(dir);
        if (files.isEmpty()) {
            throw new UserError(dir + ": no .safetensors files here");
        }
        GoldenRunner runner = new GoldenRunner(selected, ImportedNetworks::viaSource);
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
}
