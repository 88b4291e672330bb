package dev.ssmc.compiler.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The ssmc command-line tool. */
@Command(name = "ssmc", mixinStandardHelpOptions = true, version = "ssmc 0.1.0",
        description = "Compiler for Centaurus-style state-space-model networks.",
        subcommands = {CheckCommand.class, FmtCommand.class, ImportCommand.class})
public final class Main implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
