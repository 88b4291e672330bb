package dev.ssmc.compiler.reference;

import dev.ssmc.runtime.io.InvalidInputException;

/** A reference constructor config is missing a key or has a value of the wrong kind. */
public final class ConfigException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
