package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.syntax.check.Summary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ssmc check FILE...}: runs the front end and prints diagnostics, or one summary line per network. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check .ssm files: print their errors (exit status 1), or their warnings and one line per network"
                + " with its layers, parameters, time ratio, receptive field and output.")
public final class CheckCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "the .ssm files to check")
    List<Path> files;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status = 0;
        for (Path file : files) {
            Frontend.Compilation c = Frontend.compile(file);
            if (!c.ok()) {
                err.print(c.render());
                long n = c.diagnostics().stream().filter(d -> d.isError()).count();
                err.println(file + ": " + n + (n == 1 ? " error" : " errors"));
                status = 1;
                continue;
            }
            err.print(c.render()); // the warnings of a file that compiles
            for (Frontend.CheckedNetwork net : c.networks()) {
                out.println(Summary.line(file.toString(), net.network(), net.shapes()));
            }
        }
        out.flush();
        err.flush();
        return status;
    }
}
