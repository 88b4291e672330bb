package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.syntax.check.Frontend;
import java.nio.file.Path;
import java.util.List;

/** The network a command works on: the file's only one, or the one named by {@code --network}. */
final class NetworkChoice {
    private NetworkChoice() {
    }

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
