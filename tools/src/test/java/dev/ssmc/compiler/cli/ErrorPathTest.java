package dev.ssmc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.io.InvalidInputException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The one user-error path: what a command throws decides whose fault the command line says it is.
 * An {@link InvalidInputException} (or a {@link UserError}) is the user's: one line, status 1. Any
 * other {@link IllegalArgumentException} is a broken contract inside ssmc: a stack trace, status 3,
 * never dressed up as the user's mistake.
 */
class ErrorPathTest {
    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        final RuntimeException thrown;

        Probe(RuntimeException thrown) {
            this.thrown = thrown;
        }

        @Override
        public Integer call() {
            throw thrown;
        }
    }

    private record Outcome(int status, String err) {
    }

    private static Outcome run(RuntimeException thrown) {
        CommandLine cl = Main.handleErrors(new CommandLine(new Probe(thrown)));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int status = cl.execute();
        return new Outcome(status, err.toString());
    }

    @Test
    void invalidInputIsTheUsersMistake() {
        Outcome o = run(new InvalidInputException("x.json: the profile is not valid JSON"));
        assertEquals(Main.USER_ERROR, o.status());
        assertEquals("probe: error: x.json: the profile is not valid JSON", o.err().strip());
    }

    @Test
    void userErrorIsTheUsersMistake() {
        Outcome o = run(new UserError("--runs must be at least 1"));
        assertEquals(Main.USER_ERROR, o.status());
        assertEquals("probe: error: --runs must be at least 1", o.err().strip());
    }

    @Test
    void anyOtherIllegalArgumentIsABug() {
        Outcome o = run(new IllegalArgumentException("offset -1 is negative"));
        assertEquals(Main.INTERNAL_ERROR, o.status(), o.err());
        assertTrue(o.err().contains("internal error"), o.err());
        assertTrue(o.err().contains("\tat "), "a bug shows its stack trace: " + o.err());
        assertFalse(o.err().contains("probe: error:"), o.err());
    }
}
