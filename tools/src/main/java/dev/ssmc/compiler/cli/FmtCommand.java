package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.syntax.DiagnosticRenderer;
import dev.ssmc.compiler.syntax.Formatter;
import dev.ssmc.compiler.syntax.SourceParser;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.io.AtomicFile;
import dev.ssmc.runtime.io.IoReason;
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

/** {@code ssmc fmt FILE...}: prints the canonical form of .ssm files, or rewrites them with {@code --write}. */
@Command(name = "fmt", mixinStandardHelpOptions = true,
        description = "Print .ssm files in canonical form (comments kept), or rewrite them in place with --write.")
public final class FmtCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "the .ssm files to format")
    List<Path> files;

    @Option(names = {"-w", "--write"}, description = "rewrite each file in place instead of printing it")
    boolean write;

    @Option(names = "--check", description = "print nothing; exit with status 1 when a file is not in canonical form")
    boolean check;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status = 0;
        for (Path file : files) {
            Frontend.Source source = Frontend.read(file);
            if (source.problem() != null) {
                err.println(file + ": error: " + source.problem());
                status = 1;
                continue;
            }
            String text = source.text();
            SourceParser.Result parsed = SourceParser.parse(file.toString(), text);
            if (!parsed.ok()) {
                err.print(DiagnosticRenderer.render(parsed.diagnostics(), text));
                status = 1;
                continue;
            }
            String formatted;
            try {
                formatted = Formatter.format(parsed.file().get());
            } catch (StackOverflowError deep) {
                err.print(DiagnosticRenderer.render(List.of(SourceParser.tooDeep(file.toString())), text));
                status = 1;
                continue;
            }
            SourceParser.Result again = SourceParser.parse(file.toString(), formatted);
            if (!again.ok() || !again.file().get().equals(parsed.file().get())) {
                // The formatter must never change what a file says; if it would, leave the file alone.
                err.println(file + ": internal error: formatting would change the file's meaning; it is left unchanged");
                status = 2;
                continue;
            }
            if (check) {
                if (!formatted.equals(text)) {
                    err.println(file + ": not in canonical form (run `ssmc fmt --write " + file + "`)");
                    status = Math.max(status, 1);
                }
            } else if (write) {
                if (!formatted.equals(text)) {
                    try {
                        AtomicFile.writeString(file, formatted); // never a half-formatted source
                    } catch (IOException e) {
                        err.println(file + ": error: cannot write the file: " + IoReason.of(e));
                        status = 1;
                    }
                }
            } else {
                out.print(formatted);
            }
        }
        out.flush();
        err.flush();
        return status;
    }
}
