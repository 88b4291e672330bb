package dev.ssmc.compiler.bench;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.Locale;

/** What {@code ssmc bench} and the JMH benchmarks time on generated code. */
public enum BenchPass {
    /** A training step's passes: the forward pass keeping what backward needs, then the gradients of {@code sum(y * g)}. */
    TRAIN,
    /** A full-sequence forward pass over the batch (eval mode). */
    FORWARD,
    /** The whole input fed through one stream in chunks. */
    STREAM;

    public String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The pass spelled {@code text}; an {@link InvalidInputException} lists the choices. */
    public static BenchPass parse(String text) {
        for (BenchPass p : values()) {
            if (p.spelling().equals(text)) {
                return p;
            }
        }
        throw new InvalidInputException("unknown pass '" + text + "'; choose one of train, forward, stream");
    }
}
