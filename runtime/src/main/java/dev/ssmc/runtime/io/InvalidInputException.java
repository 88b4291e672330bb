package dev.ssmc.runtime.io;

/**
 * Something a user gave ssmc (an option's value, a file's content, a checkpoint, a saved stream
 * state) is not what it accepts; the message names the input and says what is wrong with it.
 *
 * <p>It is the one exception the command line, the Maven plugin and the Flink job report as the
 * user's mistake (a message, no stack trace). Every other {@link IllegalArgumentException} is a
 * broken contract inside ssmc, a bug, and is reported as one. It extends
 * {@code IllegalArgumentException} so that library callers who catch that still catch this.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
