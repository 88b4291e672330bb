package dev.ssmc.compiler.cli;

/**
 * A mistake in what the user asked for (a missing file, a bad option). The command line prints
 * its message, without a stack trace, and exits with status 1.
 */
public final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }
}
