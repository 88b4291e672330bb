package dev.ssmc.runtime.tensor;

/** A tensor did not have the shape an operation needs; the message names the tensor and both shapes. */
public final class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
        super(message);
    }
}
