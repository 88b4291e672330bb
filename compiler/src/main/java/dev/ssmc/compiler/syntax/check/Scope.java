package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.syntax.Pos;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Named constants and repetition variables visible at a point: a file's, a network's, a repetition's. */
final class Scope {
    /** A bound name: its value and where it was bound. */
    record Binding(String name, BigDecimal value, Pos pos) {
    }

    private final Scope parent;
    private final Map<String, Binding> names = new LinkedHashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Optional<Binding> lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            Binding b = s.names.get(name);
            if (b != null) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    /** Binds a name; the binding it would hide, if any (a duplicate). */
    Optional<Binding> define(String name, BigDecimal value, Pos pos) {
        Optional<Binding> existing = lookup(name);
        if (existing.isEmpty()) {
            names.put(name, new Binding(name, value, pos));
        }
        return existing;
    }

    List<String> visibleNames() {
        List<String> out = new ArrayList<>();
        for (Scope s = this; s != null; s = s.parent) {
            out.addAll(s.names.keySet());
        }
        return out;
    }
}
