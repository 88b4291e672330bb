package dev.ssmc.compiler.plan;

import java.util.Optional;

/** The computations of a block that are planned separately. */
public enum Pass {
    /** The training forward pass over whole sequences. */
    FORWARD("forward"),
    /** The gradient of the layer's input. */
    GRAD_INPUT("grad u"),
    /** The gradient of B (s5, neck). */
    GRAD_B("grad B"),
    /** The gradient of C (s5, neck). */
    GRAD_C("grad C"),
    /** The gradient of E (dws, neck, full). */
    GRAD_E("grad E"),
    /** The gradient of the discretized dynamics dtA (then A and log_dt by the chain rule). */
    GRAD_DYNAMICS("grad dtA"),
    /** Streaming: one sample at a time, the state carried. */
    STREAM_STEP("stream step"),
    /** Streaming: a chunk of samples, the state carried from the previous chunk. */
    STREAM_CHUNK("stream chunk");

    private final String label;

    Pass(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean streaming() {
        return this == STREAM_STEP || this == STREAM_CHUNK;
    }

    public boolean backward() {
        return !streaming() && this != FORWARD;
    }

    /** The stored tensor whose gradient this pass gives ({@code B}, {@code C} or {@code E}); empty for the others. */
    public Optional<String> weight() {
        return switch (this) {
            case GRAD_B -> Optional.of("B");
            case GRAD_C -> Optional.of("C");
            case GRAD_E -> Optional.of("E");
            default -> Optional.empty();
        };
    }
}
