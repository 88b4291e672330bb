package dev.ssmc.compiler.exec;

import dev.ssmc.compiler.ir.Names;
import dev.ssmc.compiler.oracle.OracleEngine;
import dev.ssmc.runtime.io.InvalidInputException;
import java.util.ArrayList;
import java.util.List;

/** The engines ssmc can execute networks with. */
public final class Engines {
    private Engines() {
    }

    /** Every engine, in the order the golden command runs them by default. */
    public static List<Engine> all() {
        return List.of(new OracleEngine(), new PlanEngine(), new GeneratedEngine());
    }

    public static List<String> names() {
        return all().stream().map(Engine::name).toList();
    }

    /** The engines named in a comma-separated list; unknown names are an {@link InvalidInputException}. */
    public static List<Engine> select(String commaSeparated) {
        List<Engine> out = new ArrayList<>();
        for (String name : commaSeparated.split(",")) {
            String n = name.trim();
            if (n.isEmpty()) {
                continue;
            }
            Engine e = all().stream().filter(x -> x.name().equals(n)).findFirst().orElseThrow(() ->
                    new InvalidInputException("unknown engine '" + n + "'"
                            + Names.suggestion(n, names().toArray(String[]::new))
                            + "; available: " + String.join(", ", names())));
            out.add(e);
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("no engine given; available: " + String.join(", ", names()));
        }
        return out;
    }
}
