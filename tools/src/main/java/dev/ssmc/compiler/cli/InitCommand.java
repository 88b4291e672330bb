package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.codegen.InMemoryCompiler;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.syntax.check.Frontend;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ssmc init FILE.ssm --seed S -o C}: a checkpoint of a freshly initialized network. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Write the checkpoint of a network initialized as the reference initializes one, from a seed.")
public final class InitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The .ssm file (one network).")
    Path file;

    @Option(names = "--seed", description = "The seed (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "C", description = "The safetensors file to write.")
    Path output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Frontend.Compilation c = NetworkChoice.compiled(file);
        if (c.networks().size() != 1) {
            throw new UserError(file + " holds " + c.networks().size() + " networks; init takes a file with one");
        }
        Network network = c.network();
        UserFiles.output(output, "-o");
        MemoryNeeds.require(MemoryNeeds.network(network), MemoryNeeds.describe(network), "make the network smaller");
        Class<?> type = InMemoryCompiler.networkClass(network, Profiles.load(null), file.getFileName().toString());
        try {
            Object net = type.getMethod("init", long.class).invoke(null, seed);
            type.getMethod("save", Path.class).invoke(net, output);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw UserFiles.failure(output, io);
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        spec.commandLine().getOut().printf("wrote %s (network %s, seed %d)%n", output, network.name(), seed);
        return 0;
    }
}
