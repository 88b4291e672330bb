package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.reference.ConfigException;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.syntax.importer.CheckpointHeader;
import dev.ssmc.compiler.syntax.importer.ImportedNetworks;
import dev.ssmc.compiler.syntax.importer.SsmWriter;
import dev.ssmc.runtime.io.AtomicFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ssmc import --config CONFIG.json [--checkpoint CKPT] [-o NAME.ssm]}: a reference config as .ssm source. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Write the .ssm source of a reference constructor config (Centaurus, CentaurusSE, or one "
                + "SSMLayer). CONFIG is a JSON file, or a golden .safetensors file whose metadata holds the "
                + "config. With --checkpoint, also check that the checkpoint's tensor names and shapes are "
                + "the network's.")
public final class ImportCommand implements Callable<Integer> {
    /** The reference's audio networks take 16 kHz audio (Speech Commands, its speech enhancement recipes). */
    static final int DEFAULT_RATE = 16_000;
    static final int MAX_RATE = 10_000_000;

    @Option(names = "--config", required = true, paramLabel = "CONFIG", description = "the config (.json or .safetensors)")
    Path config;

    @Option(names = "--checkpoint", paramLabel = "CKPT", description = "a safetensors checkpoint to check against the network")
    Path checkpoint;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "where to write the .ssm source (default: print it)")
    Path output;

    @Option(names = "--name", paramLabel = "NAME",
            description = "the network's name (default: the config's `name`, else the reference's class: Centaurus, "
                    + "CentaurusSE or SSMLayer)")
    String name;

    @Option(names = "--rate", paramLabel = "HZ",
            description = "the input's sample rate in Hz, so plans and `ssmc check` speak in ms (default: 16000 for "
                    + "Centaurus and CentaurusSE, none for a layer)")
    Integer rate;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } catch (CheckpointHeader.BadCheckpoint e) {
            err.println("ssmc import: error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("ssmc import: error: " + UserFiles.failure(config, e).getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int run(PrintWriter out, PrintWriter err) throws IOException, CheckpointHeader.BadCheckpoint {
        UserFiles.input(config, "--config");
        if (checkpoint != null) {
            UserFiles.input(checkpoint, "--checkpoint");
        }
        if (output != null) {
            UserFiles.output(output, "-o");
        }
        String json;
        if (config.toString().endsWith(".safetensors")) {
            json = CheckpointHeader.read(config).config().orElseThrow(
                    () -> new ConfigException(config + ": the file's metadata holds no config"));
        } else {
            json = Files.readString(config, StandardCharsets.UTF_8);
        }
        Network reference = ImportedNetworks.reference(json, config.toString());
        if (name != null) {
            if (name.isEmpty() || !SsmWriter.safeName(name).equals(name)) {
                throw new UserError("--name: '" + name + "' is not a network name (letters, digits and _, not starting "
                        + "with a digit, not a keyword of the language)");
            }
            reference = reference.named(name);
        }
        boolean audio = !ReferenceNetworks.LAYER.equals(ImportedNetworks.referenceClass(json, config.toString()));
        int hz = rate != null ? rate : audio ? DEFAULT_RATE : 0;
        if (hz < 0 || hz > MAX_RATE) {
            throw new UserError("--rate: " + hz + " Hz is not a sample rate (1 to " + MAX_RATE + ")");
        }
        reference = reference.atRate(hz);
        String source = ImportedNetworks.source(reference);
        Frontend.Compilation c = Frontend.compile(output == null ? "<imported>" : output.toString(), source);
        if (!c.ok()) {
            throw new IllegalStateException("the generated source does not compile (a bug of ssmc):\n" + c.render());
        }
        if (checkpoint != null) {
            List<String> problems = CheckpointHeader.mismatches(c.network().parameters(),
                    CheckpointHeader.read(checkpoint).shapes());
            if (!problems.isEmpty()) {
                for (String p : problems) {
                    err.println(checkpoint + ": " + p);
                }
                err.println("ssmc import: error: checkpoint " + checkpoint + " does not fit network "
                        + c.network().name() + " (" + problems.size() + (problems.size() == 1 ? " difference)" : " differences)"));
                return 1;
            }
        }
        if (output == null) {
            out.print(source);
        } else {
            AtomicFile.writeString(output, source);
            err.println("wrote " + output + " (network " + c.network().name() + ", " + c.network().parameters().size()
                    + " tensors" + (checkpoint == null ? "" : ", matching " + checkpoint) + ")");
        }
        return 0;
    }
}
