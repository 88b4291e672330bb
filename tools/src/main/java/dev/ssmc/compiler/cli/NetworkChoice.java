package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.syntax.check.Frontend;
import java.nio.file.Path;
import java.util.List;

/** The networks a command works on: a file's, compiled, and the one named by {@code --network}. */
final class NetworkChoice {
    private NetworkChoice() {
    }

    /** The file's networks, checked; its diagnostics as a {@link SourceErrors} when it does not compile. */
    static Frontend.Compilation compiled(Path file) {
        Frontend.Compilation c = Frontend.compile(file);
        if (!c.ok()) {
            throw new SourceErrors(c.render());
        }
        return c;
    }

    /** The file's only network, or the one named {@code name}. */
    static Network pick(Frontend.Compilation c, Path file, String name) {
        List<Frontend.CheckedNetwork> nets = c.networks();
        if (name == null) {
            if (nets.size() != 1) {
                throw new UserError(file + " holds " + nets.size() + " networks; name one with --network");
            }
            return nets.get(0).network();
        }
        return nets.stream().map(Frontend.CheckedNetwork::network).filter(n -> n.name().equals(name)).findFirst()
                .orElseThrow(() -> new UserError(file + " has no network '" + name + "'"));
    }
}
