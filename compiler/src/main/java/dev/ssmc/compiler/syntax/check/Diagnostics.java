package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.syntax.Diagnostic;
import dev.ssmc.compiler.syntax.Pos;
import java.util.ArrayList;
import java.util.List;

/** The diagnostics of one file, collected as the checks find them so that one run reports them all. */
final class Diagnostics {
    /** Past this many errors a file is hopeless and more messages only bury the first ones. */
    static final int LIMIT = 100;

    private final List<Diagnostic> list = new ArrayList<>();
    /** Every error found, also those past the limit, so that "did this network add errors" stays true. */
    private int errors;

    void error(Pos pos, String message) {
        add(Diagnostic.error(pos, message));
    }

    void error(Pos pos, String message, String hint) {
        add(Diagnostic.error(pos, message, hint));
    }

    void add(Diagnostic d) {
        if (d.isError()) {
            errors++;
        }
        if (list.size() < LIMIT) {
            list.add(d);
        }
    }

    int errorCount() {
        return errors;
    }

    /** In source order; a message repeated at one place (a repetition's body, checked per value) once. */
    List<Diagnostic> all() {
        return list.stream().distinct()
                .sorted(java.util.Comparator.comparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column))
                .toList();
    }
}
