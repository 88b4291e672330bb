package dev.ssmc.compiler.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A network: its input, a body of nodes applied in order, and an optional classifier head.
 *
 * @param sampleRate the input's sample rate in Hz, 0 when not stated
 */
public record Network(String name, Origin origin, int inChannels, int sampleRate, List<Node> body,
                      Optional<Head> head, Planning planning) {

    public Network {
        body = List.copyOf(body);
    }

    /** This network under another name. */
    public Network named(String newName) {
        return new Network(newName, origin, inChannels, sampleRate, body, head, planning);
    }

    /** This network with its input's sample rate stated ({@code hz} > 0) or not (0). */
    public Network atRate(int hz) {
        return new Network(name, origin, inChannels, hz, body, head, planning);
    }

    /** Every stored tensor, in state-dict order. */
    public List<ParamSpec> parameters() {
        List<ParamSpec> out = new ArrayList<>();
        for (Node n : body) {
            n.collectParams(out);
        }
        head.ifPresent(h -> h.layers().forEach(d -> d.collectParams(out)));
        return out;
    }
}
