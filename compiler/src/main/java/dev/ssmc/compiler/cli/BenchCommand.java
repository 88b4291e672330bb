package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.bench.PlanFidelity;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.plan.Profile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ssmc bench}: measurements. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure plans and generated code.",
        subcommands = {BenchCommand.Plans.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code ssmc bench plans}: how often the chosen plan is within 10% of the fastest measured candidate. */
    @Command(name = "plans", mixinStandardHelpOptions = true,
            description = {"For shapes drawn from a grid (batch 1..32, channels 4..128, states 4..64, length 256..16384)",
                    "of each mode, time every candidate plan of the training forward pass through the plan executor",
                    "(those the model predicts within 20x of its choice, at most 24 per shape) and report how often",
                    "the chosen plan is within 10% of the fastest measured one (the fastest of --runs runs after a warm-up)."})
    public static final class Plans implements Callable<Integer> {
        @Option(names = "--shapes", paramLabel = "N", description = "Shapes per mode (default: ${DEFAULT-VALUE}).")
        int perMode = 12;

        @Option(names = "--seed", description = "Seed of the shape draw (default: ${DEFAULT-VALUE}).")
        long seed = 7;

        @Option(names = "--budget", paramLabel = "SECONDS", description = "Skip shapes whose chosen plan is predicted slower (default: ${DEFAULT-VALUE}).")
        double budget = 0.5;

        @Option(names = "--runs", description = "Timed runs per candidate, the fastest kept (default: ${DEFAULT-VALUE}).")
        int runs = 5;

        @Option(names = "--profile", paramLabel = "PROFILE", description = "A calibration profile (default: ~/.ssmc/profile.json or the shipped one).")
        Path profilePath;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (perMode < 1 || runs < 1 || !(budget > 0)) {
                throw new UserError("--shapes and --runs must be at least 1 and --budget positive");
            }
            Profile profile = Profiles.load(profilePath);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-5s %5s %8s %6s %6s %5s  %-44s %10s  %-44s %10s %6s%n", "mode", "batch", "channels", "states",
                    "length", "timed", "chosen", "ms", "fastest", "ms", "ratio");
            out.flush();
            List<PlanFidelity.Point> points = new PlanFidelity(profile, budget, runs).run(perMode, seed, p -> {
                out.printf(Locale.ROOT, "%-5s %5d %8d %6d %6d %5d  %-44s %10.3f  %-44s %10.3f %6.2f%s%n",
                        p.mode().spelling(), p.batch(), p.channels(), p.states(), p.length(), p.timed(), p.chosen().shape(),
                        p.chosenSeconds() * 1e3, p.fastest().shape(), p.fastestSeconds() * 1e3,
                        p.chosenSeconds() / p.fastestSeconds(), p.withinTenPercent() ? "" : "  *");
                out.flush();
            });
            Map<SsmMode, int[]> counts = new EnumMap<>(SsmMode.class);
            for (PlanFidelity.Point p : points) {
                int[] c = counts.computeIfAbsent(p.mode(), m -> new int[2]);
                c[0] += p.withinTenPercent() ? 1 : 0;
                c[1]++;
            }
            int within = 0;
            for (Map.Entry<SsmMode, int[]> e : counts.entrySet()) {
                out.printf(Locale.ROOT, "%s: %d of %d shapes within 10%% of the fastest%n", e.getKey().spelling(),
                        e.getValue()[0], e.getValue()[1]);
                within += e.getValue()[0];
            }
            out.printf(Locale.ROOT, "overall: %d of %d shapes (%.0f%%) within 10%% of the fastest measured candidate%n",
                    within, points.size(), 100.0 * within / Math.max(1, points.size()));
            return 0;
        }
    }
}
