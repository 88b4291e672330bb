package dev.ssmc.compiler.ir;

import dev.ssmc.runtime.io.InvalidInputException;

/**
 * A network is not well formed; the message says which element and which shapes disagree. A user's
 * input (a network is what a user writes), so the command line reports it as one.
 */
public final class IrException extends InvalidInputException {
    private static final long serialVersionUID = 1L;
    private final transient Origin origin;

    public IrException(Origin origin, String message) {
        super(origin + ": " + message);
        this.origin = origin;
    }

    public Origin origin() {
        return origin;
    }

    /** The message without the origin prefix, for diagnostics that print the position themselves. */
    public String detail() {
        String m = getMessage();
        String prefix = origin + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
