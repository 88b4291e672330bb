package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.Ssmc;
import dev.ssmc.runtime.io.InvalidInputException;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * The ssmc command-line tool. User errors print one clear message and exit 1; only a bug in ssmc
 * itself shows a stack trace (exit 3).
 */
@Command(name = "ssmc", mixinStandardHelpOptions = true, version = "ssmc " + Ssmc.VERSION,
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
     * a {@link UserError} or an {@link InvalidInputException} (what the libraries throw for a bad
     * input), a stack trace and status 3 for anything else, a plain IllegalArgumentException
     * included: that is a broken contract inside ssmc, not the user's fault. Also used by the
     * commands that live in other modules ({@code ssmc flink}).
     */
    public static CommandLine handleErrors(CommandLine cl) {
        cl.setExecutionStrategy(Main::runCatchingErrors);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof SourceErrors) {
                err.print(ex.getMessage());
                err.flush();
                return USER_ERROR;
            }
            Exception reported = ranOutOfMemory(ex) ? MemoryNeeds.ranOut() : ex;
            if (reported instanceof UserError || reported instanceof InvalidInputException) {
                err.println(commandLine.getCommandSpec().qualifiedName() + ": error: " + reported.getMessage());
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

    /**
     * Runs the command. picocli hands only Exceptions to the exception handler; an Error would leave
     * {@code execute} raw ("Exception in thread main", exit 1, as if it were the user's mistake), so
     * it goes to the handler too: running out of memory as a user error that says how much heap
     * there was, any other Error as the bug it is.
     */
    private static int runCatchingErrors(CommandLine.ParseResult parsed) {
        try {
            return new CommandLine.RunLast().execute(parsed);
        } catch (Error e) {
            List<CommandLine> commands = parsed.asCommandLineList();
            throw new CommandLine.ExecutionException(commands.get(commands.size() - 1), String.valueOf(e), e);
        }
    }

    /** Whether {@code e} carries an OutOfMemoryError (reflection and other threads wrap what they throw). */
    private static boolean ranOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
