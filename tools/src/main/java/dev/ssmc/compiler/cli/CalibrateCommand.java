package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.plan.Calibration;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.plan.StepKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ssmc calibrate}: measures this machine and writes the profile the planner costs plans with. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Measure this machine's speed for each kind of step the planner costs (matrix products, "
                + "FFTs, scans, kernel making, elementwise products, memory bandwidth, per-step overhead) "
                + "with the runtime's kernels, and write the profile. explain and the other planning "
                + "commands read ~/.ssmc/profile.json when it exists, else the profile that ships with "
                + "ssmc.")
public final class CalibrateCommand implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where to write the profile (default: ~/.ssmc/profile.json).")
    Path output;

    @Option(names = "--seconds", paramLabel = "S", description = "Seconds per measurement round (default: ${DEFAULT-VALUE}).")
    double seconds = 0.2;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!(seconds > 0 && seconds <= 60)) {
            throw new UserError("--seconds must be in (0, 60], got " + seconds);
        }
        Path out = output == null ? Profiles.defaultPath() : output;
        // where the profile goes is checked before the measuring, which takes a while
        if (out.toAbsolutePath().getParent() != null) {
            UserFiles.outputDirectory(out.toAbsolutePath().getParent(), "-o");
        }
        UserFiles.output(out, "-o");
        Profile p = new Calibration(seconds).measure(Calibration.describeMachine());
        try {
            p.write(out);
        } catch (IOException e) {
            throw UserFiles.failure(out, e);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.printf("machine: %s%n", p.machine());
        for (StepKind k : StepKind.values()) {
            w.printf("  %-12s %8.2f GFLOP/s%n", k.name().toLowerCase(java.util.Locale.ROOT), p.speed(k) / 1e9);
        }
        w.printf("  %-12s %8.2f GB/s%n", "bandwidth", p.bytesPerSecond() / 1e9);
        w.printf("  %-12s %8.2f us%n", "step", p.stepOverhead() * 1e6);
        w.printf("wrote %s%n", out);
        w.flush();
        return 0;
    }
}
