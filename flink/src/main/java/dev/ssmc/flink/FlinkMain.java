package dev.ssmc.flink;

import dev.ssmc.compiler.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ssmc flink ...}: the command of the Flink module, run by the {@code ./ssmc} launcher
 * (which passes {@code flink} and the rest), with the command line tool's error handling. It lives
 * here so that the compiler's command-line tool carries no Flink.
 */
@Command(name = "ssmc", subcommands = FlinkCommand.class, mixinStandardHelpOptions = true, version = "ssmc 0.1.0")
public final class FlinkMain implements Runnable {
    public static void main(String[] args) {
        System.exit(Main.handleErrors(new CommandLine(new FlinkMain())).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
