package dev.ssmc.runtime.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A safetensors file is malformed, or does not hold what the caller asked for.
 *
 * <p>The message always starts with the file and, when one tensor is at fault, names it:
 * {@code layer.safetensors: tensor 'state.A': data_offsets [0, 96] hold 96 bytes but ...}.
 */
public final class SafeTensorsException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String tensor;

    SafeTensorsException(Path file, String tensor, String problem) {
        this(file, tensor, problem, null);
    }

    SafeTensorsException(Path file, String tensor, String problem, Throwable cause) {
        super(file + ": " + (tensor == null ? "" : "tensor '" + tensor + "': ") + problem, cause);
        this.file = file;
        this.tensor = tensor;
    }

    static SafeTensorsException ofFile(Path file, String problem) {
        return new SafeTensorsException(file, null, problem);
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The tensor at fault, when the problem belongs to one tensor. */
    public Optional<String> tensor() {
        return Optional.ofNullable(tensor);
    }
}
