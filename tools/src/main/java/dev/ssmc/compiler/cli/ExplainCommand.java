package dev.ssmc.compiler.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.ssmc.compiler.bench.MeasuredSearch;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.plan.NetworkPlan;
import dev.ssmc.compiler.plan.Pass;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ssmc explain FILE.ssm}: the plan of every block and pass, with its cost and the alternatives. */
@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Show, for every SSM block and pass (training forward, each gradient, the streaming step "
                + "and chunk), the chosen plan (contraction tree, FFT placement, time algorithm), its "
                + "predicted cost, the runner-up, the plan of the reference's fixed rule and its cost, and "
                + "the largest intermediate.%nNotation: * convolution, x correlation, # cross-correlation, "
                + "fft(..)/ifft(..) where the time axis is transformed, V~ a kernel made in closed form in "
                + "frequency, V' the multipliers a scan runs on.")
public final class ExplainCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "A .ssm file.")
    Path file;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--measured", paramLabel = "K", arity = "0..1", fallbackValue = "4",
            description = "Measured mode: run the model's K best candidates of each pass (default 4) through the plan executor and keep the fastest.")
    Integer measured;

    @Option(names = "--profile", paramLabel = "PROFILE", description = "A calibration profile (from `ssmc calibrate`); default: the one that ships with ssmc.")
    Path profilePath;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (measured != null && measured < 1) {
            throw new UserError("--measured must be at least 1, not " + measured);
        }
        Profile profile = Profiles.load(profilePath);
        Frontend.Compilation c = NetworkChoice.compiled(file);
        if (measured != null) {
            for (Frontend.CheckedNetwork n : c.networks()) {
                requireMemoryToMeasure(NetworkPlan.of(n.network(), profile));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        JsonArray networks = new JsonArray();
        for (Frontend.CheckedNetwork n : c.networks()) {
            NetworkPlan plan = measured == null ? NetworkPlan.of(n.network(), profile)
                    : NetworkPlan.of(n.network(), profile, (s, p) -> MeasuredSearch.best(s, p, measured));
            if (json) {
                networks.add(toJson(plan));
            } else {
                printTable(out, plan, profile);
            }
        }
        if (json) {
            out.println(new GsonBuilder().setPrettyPrinting().create().toJson(networks));
        }
        out.flush();
        return 0;
    }

    /** Measured mode runs every pass at the plans' batch and length: the model's choice holds its largest intermediate at least. */
    private static void requireMemoryToMeasure(NetworkPlan plan) {
        double largest = 0;
        for (NetworkPlan.BlockPlan b : plan.blocks()) {
            for (NetworkPlan.PassPlan p : b.passes().values()) {
                largest = Math.max(largest, p.chosen().cost().largestBytes());
            }
        }
        Planning shapes = plan.network().planning();
        MemoryNeeds.require((long) Math.min(largest, Long.MAX_VALUE), "measuring the plans of network " + plan.network().name()
                + " at batch " + shapes.batch() + " x length " + shapes.length(), "plan for a smaller batch or length");
    }

    private static void printTable(PrintWriter out, NetworkPlan plan, Profile profile) {
        out.printf("network %s  (profile: %s)%n", plan.network().name(), profile.machine());
        for (NetworkPlan.BlockPlan b : plan.blocks()) {
            out.printf("%nblock %s: %s %d -> %d channels, %d state%s%s; training batch %d x length %d, streaming chunk %d%n",
                    b.layer().key().isEmpty() ? "(layer)" : b.layer().key(), b.layer().mode().spelling(),
                    b.layer().inChannels(), b.layer().ssmOutChannels(), b.layer().totalStates(),
                    b.layer().totalStates() == 1 ? "" : "s",
                    b.layer().blocks() > 1 ? " in " + b.layer().blocks() + " blocks" : "", b.batch(), b.length(), b.chunk());
            out.printf("  %-12s %-52s %10s  %-40s %10s  %-40s %10s %9s%n", "pass", "chosen plan", "predicted",
                    "runner-up", "predicted", "reference rule", "predicted", "largest");
            for (Map.Entry<Pass, NetworkPlan.PassPlan> e : b.passes().entrySet()) {
                NetworkPlan.PassPlan p = e.getValue();
                out.printf("  %-12s %-52s %10s  %-40s %10s  %-40s %10s %9s%n", e.getKey().label(),
                        p.chosen().shape(), ms(p.chosen()), p.runnerUp() == null ? "-" : p.runnerUp().shape(),
                        ms(p.runnerUp()), p.reference() == null ? "-" : p.reference().shape(), ms(p.reference()),
                        bytes(p.chosen().cost().largestBytes()));
            }
        }
        out.println();
    }

    private static String ms(Plan p) {
        return p == null ? "-" : String.format(Locale.ROOT, "%.3f ms", p.cost().seconds() * 1e3);
    }

    private static String bytes(double b) {
        if (b >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MB", b / (1 << 20));
        }
        return String.format(Locale.ROOT, "%.1f kB", b / 1024);
    }

    private static JsonObject toJson(NetworkPlan plan) {
        JsonObject net = new JsonObject();
        net.addProperty("network", plan.network().name());
        JsonArray blocks = new JsonArray();
        for (NetworkPlan.BlockPlan b : plan.blocks()) {
            JsonObject block = new JsonObject();
            block.addProperty("block", b.layer().key());
            block.addProperty("mode", b.layer().mode().spelling());
            block.addProperty("in_channels", b.layer().inChannels());
            block.addProperty("out_channels", b.layer().ssmOutChannels());
            block.addProperty("states", b.layer().totalStates());
            block.addProperty("batch", b.batch());
            block.addProperty("length", b.length());
            block.addProperty("chunk", b.chunk());
            JsonArray passes = new JsonArray();
            for (Map.Entry<Pass, NetworkPlan.PassPlan> e : b.passes().entrySet()) {
                JsonObject p = new JsonObject();
                p.addProperty("pass", e.getKey().label());
                p.addProperty("einsum", e.getValue().spec().einsum());
                p.add("chosen", plan(e.getValue().chosen()));
                if (e.getValue().runnerUp() != null) {
                    p.add("runner_up", plan(e.getValue().runnerUp()));
                }
                if (e.getValue().reference() != null) {
                    p.add("reference", plan(e.getValue().reference()));
                }
                passes.add(p);
            }
            block.add("passes", passes);
            blocks.add(block);
        }
        net.add("blocks", blocks);
        return net;
    }

    private static JsonObject plan(Plan p) {
        JsonObject o = new JsonObject();
        o.addProperty("algorithm", p.algorithm().describe());
        o.addProperty("tree", p.describe());
        o.addProperty("predicted_ms", p.cost().seconds() * 1e3);
        o.addProperty("flops", p.cost().flops());
        o.addProperty("bytes", p.cost().bytes());
        o.addProperty("largest_intermediate_bytes", p.cost().largestBytes());
        return o;
    }
}
