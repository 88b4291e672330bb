package dev.ssmc.compiler.exec;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Weights;

/** A way to execute networks. */
public interface Engine {
    /** The engine's name on the command line ({@code --engine}). */
    String name();

    Execution bind(Network network, Weights weights);
}
