package dev.ssmc.compiler.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The ssmc command-line tool. User errors print one clear message and exit 1; only a bug in ssmc
 * itself shows a stack trace (exit 3).
 */
@Command(name = "ssmc", mixinStandardHelpOptions = true, version = "ssmc 0.1.0",
        description = "Compiler for Centaurus-style state-space-model networks.",
        footer = "The ./ssmc launcher also runs `ssmc flink`: a network as keyed Flink operators (module ssmc-flink).",
        subcommands = {CheckCommand.class, FmtCommand.class, ImportCommand.class, GoldenCommand.class,
                PathCommand.class, ExplainCommand.class, CalibrateCommand.class,
                BenchCommand.class, CompileCommand.class, RunCommand.class,
                InitCommand.class, TrainCommand.class, EvalCommand.class})
public final class Main implements Runnable {
    /** Exit status of a user error. */
    public static final int USER_ERROR = 1;
    /** Exit status of a bug in ssmc. */
    public static final int INTERNAL_ERROR = 3;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: tests call {@code execute} on it with their own writers. */
    public static CommandLine commandLine() {
        return handleErrors(new CommandLine(new Main()));
    }

    /**
     * Installs ssmc's error handling on a command line: {@code ssmc CMD: error: ...} and status 1 for
     * a {@link UserError}, a stack trace and status 3 for a bug. Also used by the commands that live
     * in other modules ({@code ssmc flink}).
     */
    public static CommandLine handleErrors(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof SourceErrors) {
                err.print(ex.getMessage());
                err.flush();
                return USER_ERROR;
            }
            if (ex instanceof UserError) {
                err.println(commandLine.getCommandSpec().qualifiedName() + ": error: " + ex.getMessage());
                err.flush();
                return USER_ERROR;
            }
            err.println("ssmc: internal error (a bug in ssmc; please report it with the command you ran):");
            ex.printStackTrace(err);
            err.flush();
            return INTERNAL_ERROR;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("ssmc: error: " + ex.getMessage());
            err.println("run 'ssmc " + (ex.getCommandLine().getCommandName().equals("ssmc") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help' for usage");
            err.flush();
            return USER_ERROR;
        });
        return cl;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
