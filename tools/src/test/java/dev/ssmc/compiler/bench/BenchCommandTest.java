package dev.ssmc.compiler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code ssmc bench} on generated code: the output format and the user errors (no timing is checked). */
class BenchCommandTest {
    /** A tiny classifier with resampling (length multiple 2), a head and a planned chunk of 4. */
    private static final String NET = """
            network Tiny {
              input audio: 1 channel @ 8 kHz
              norm batch
              act relu
              stage s5(states 2, blocks 2) to 4 -> downsample conv 2 to 4
              head mean -> linear 3
            }
            plan training { batch 2; length 32 }
            plan streaming { chunk 4 }
            """;
    /** One warm-up run and two timed runs (unless a test sets them): the tests check what is printed, not how fast. */
    private static final String[] QUICK = {"--warmup", "0", "--warmup-runs", "1", "--runs", "2", "--time", "0"};
    private static final Pattern KEY_VALUE = Pattern.compile("[a-z_]+=-?[0-9]+(\\.[0-9]+)?");
    private static final Pattern MEDIAN = Pattern.compile("ms_median=[0-9]+\\.[0-9]{3}");

    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {
        List<String> lines() {
            return Arrays.asList(out.strip().split("\\R"));
        }

        Map<String, Double> values() {
            Map<String, Double> m = new HashMap<>();
            for (String line : lines().subList(1, lines().size())) {
                int eq = line.indexOf('=');
                m.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1)));
            }
            return m;
        }
    }

    private static Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        for (int i = 0; i < QUICK.length; i += 2) {
            if (!all.contains(QUICK[i])) {
                all.add(QUICK[i]);
                all.add(QUICK[i + 1]);
            }
        }
        return execute(all);
    }

    /** The command line {@code args}, its status and what it printed. */
    private static Run execute(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        return new Run(status, out.toString(), err.toString());
    }

    /** {@code ssmc bench SUBCOMMAND args}, with the subcommand's own options only. */
    private static Run subcommand(String name, String... args) {
        List<String> all = new ArrayList<>(List.of("bench", name));
        all.addAll(List.of(args));
        return execute(all);
    }

    /** Exit 0; a line describing the case, then key=value lines, ms_median the last. */
    private static Map<String, Double> assertReport(Run r, String... described) {
        assertEquals(0, r.status(), r.err() + r.out());
        List<String> lines = r.lines();
        assertTrue(lines.get(0).startsWith("bench "), r.out());
        for (String d : described) {
            assertTrue(lines.get(0).contains(d), "'" + d + "' in: " + lines.get(0));
        }
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(KEY_VALUE.matcher(line).matches(), "not key=value: " + line);
        }
        assertTrue(MEDIAN.matcher(lines.get(lines.size() - 1)).matches(), "last line: " + lines.get(lines.size() - 1));
        Map<String, Double> v = r.values();
        assertEquals(2, v.get("runs"));
        assertTrue(v.get("warmup_runs") >= 1, r.out());
        assertTrue(v.get("ms_min") <= v.get("ms_median") && v.get("ms_median") <= v.get("ms_max"), r.out());
        assertTrue(v.get("peak_heap_mb") > 0, r.out());
        assertTrue(v.get("max_heap_mb") > 0, r.out());
        assertTrue(v.containsKey("alloc_mb_per_run"), r.out());
        assertTrue(v.get("cpu_ms_median") >= 0, r.out());
        return v;
    }

    static Stream<Arguments> blockCases() {
        List<Arguments> out = new ArrayList<>();
        for (String mode : List.of("dws", "s5", "neck", "full")) {
            for (String pass : List.of("train", "forward", "stream")) {
                out.add(Arguments.of(mode, pass));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("blockCases")
    void everyModeAndPassOfABlockReportsItsMedianLast(String mode, String pass) {
        boolean blocks = mode.equals("s5") || mode.equals("neck");
        List<String> args = new ArrayList<>(List.of("bench", "--mode", mode, "--pass", pass, "--in", "3", "--out", "5",
                "--states", "2", "--length", "16"));
        if (blocks) {
            args.addAll(List.of("--blocks", "2"));
        }
        if (pass.equals("stream")) {
            args.addAll(List.of("--chunk", "4"));
        } else {
            args.addAll(List.of("--batch", "2"));
        }
        Run r = run(args.toArray(String[]::new));
        assertReport(r, mode + " block: 3 -> 5 channels, 2 states" + (blocks ? " x 2 blocks" : ""), "pass " + pass,
                pass.equals("stream") ? "batch 1, length 16, chunk 4" : "batch 2, length 16");
    }

    @Test
    void blockSizesDefaultToTheComparisonCase() {
        // a short length keeps the test quick; the channels, states and blocks are the defaults
        Run r = run("bench", "--mode", "neck", "--pass", "forward", "--length", "64");
        assertReport(r, "neck block: 64 -> 64 channels, 16 states x 4 blocks", "batch 8, length 64");
        Run full = run("bench", "--mode", "full", "--pass", "stream", "--length", "8");
        assertReport(full, "full block: 16 -> 16 channels, 16 states;", "batch 1, length 8, chunk 1");
    }

    @Test
    void aNetworkFileRunsEveryPassWithItsPlansAsDefaults() throws Exception {
        Path src = tmp.resolve("tiny.ssm");
        Files.writeString(src, NET);
        assertReport(run("bench", src.toString(), "--pass", "train"), "network Tiny", "pass train, batch 2, length 32");
        assertReport(run("bench", src.toString(), "--pass", "forward", "--batch", "3", "--length", "8"),
                "batch 3, length 8");
        assertReport(run("bench", src.toString(), "--pass", "stream"), "batch 1, length 32, chunk 4");
        // a chunk need not fit the resampling: the stream buffers a partial window
        assertReport(run("bench", src.toString(), "--pass", "stream", "--chunk", "1", "--length", "6"), "chunk 1");
    }

    private static void assertUserError(Run r, String message) {
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.err().startsWith("ssmc bench: error: ") || r.err().startsWith("ssmc bench streams: error: "), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(message), "'" + message + "' in: " + r.err());
    }

    @Test
    void userErrorsGiveOneLineAndStatusOne() throws Exception {
        assertUserError(run("bench", "--mode", "ful", "--pass", "train"), "unknown SSM mode 'ful' (did you mean 'full'?)");
        assertUserError(run("bench", "--mode", "s5", "--pass", "backward"), "unknown pass 'backward'");
        assertUserError(run("bench", "--mode", "s5"), "give --pass train, forward or stream");
        assertUserError(run("bench", "--pass", "train"), "give --mode MODE (one SSM block) or a .ssm FILE");
        assertUserError(run("bench", "--mode", "dws", "--pass", "train", "--batch", "0"), "--batch must be at least 1, got 0");
        assertUserError(run("bench", "--mode", "s5", "--pass", "train", "--states", "-2"), "--states must be at least 1, got -2");
        assertUserError(run("bench", "--mode", "neck", "--pass", "forward", "--in", "0"), "--in must be at least 1");
        assertUserError(run("bench", "--mode", "s5", "--pass", "forward", "--length", "0"), "--length must be at least 1");
        assertUserError(run("bench", "--mode", "dws", "--pass", "train", "--blocks", "4"),
                "--blocks applies to s5 and neck only; a dws block has one, not 4");
        assertUserError(run("bench", "--mode", "full", "--pass", "forward", "--blocks", "2"), "a full block has one");
        assertUserError(run("bench", "--mode", "s5", "--pass", "stream", "--length", "100", "--chunk", "64"),
                "--chunk 64 does not divide --length 100");
        assertUserError(run("bench", "--mode", "s5", "--pass", "stream", "--length", "100", "--chunk", "0"),
                "--chunk must be at least 1");
        assertUserError(run("bench", "--mode", "s5", "--pass", "train", "--chunk", "4"), "--chunk applies to --pass stream only");
        assertUserError(run("bench", "--mode", "s5", "--pass", "train", "--runs", "0"), "--runs must be at least 1");
        Path src = tmp.resolve("tiny.ssm");
        Files.writeString(src, NET);
        assertUserError(run("bench", src.toString(), "--mode", "s5", "--pass", "train"), "either a .ssm FILE or --mode");
        assertUserError(run("bench", src.toString(), "--pass", "train", "--states", "4"), "describe a block");
        assertUserError(run("bench", src.toString(), "--pass", "forward", "--length", "33"),
                "--length 33 is not a multiple of 2");
        assertUserError(run("bench", src.toString(), "--pass", "forward", "--network", "Other"), "has no network 'Other'");
        // an unknown option is picocli's error: status 1 too
        assertEquals(1, run("bench", "--mode", "s5", "--pass", "train", "--frobnicate").status());
    }

    @Test
    void aFileThatDoesNotCompileShowsItsDiagnostics() throws Exception {
        Path src = tmp.resolve("bad.ssm");
        Files.writeString(src, NET.replace("s5(", "s6("));
        Run r = run("bench", src.toString(), "--pass", "train");
        assertEquals(1, r.status());
        assertTrue(r.err().contains("bad.ssm:5:9: error: unknown"), r.err());
        Run missing = run("bench", tmp.resolve("nowhere.ssm").toString(), "--pass", "train");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("no such file"), missing.err());
    }

    @Test
    void withoutACaseItPrintsUsageAndPlansStaysASubcommand() {
        StringWriter out = new StringWriter();
        int status = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()))
                .execute("bench");
        assertEquals(0, status);
        assertTrue(out.toString().contains("Usage: ssmc bench"), out.toString());
        StringWriter plans = new StringWriter();
        assertEquals(0, Main.commandLine().setOut(new PrintWriter(plans)).execute("bench", "plans", "--help"));
        assertTrue(plans.toString().contains("Usage: ssmc bench plans"), plans.toString());
    }

    private static Run plans(String... args) {
        return subcommand("plans", args);
    }

    @Test
    void aRecordedFidelityRunReplaysToTheSameReport() throws Exception {
        Path times = tmp.resolve("times.tsv");
        // one small shape per mode, a few candidates each
        Run measured = plans("--shapes", "1", "--budget", "0.002", "--runs", "1", "--candidates", "3",
                "--record", times.toString());
        assertEquals(0, measured.status(), measured.out() + measured.err());
        List<String> recorded = Files.readAllLines(times);
        assertEquals(PlanFidelity.Timing.HEADER, recorded.get(0));
        assertTrue(recorded.size() >= 5, recorded.toString());
        // the same model and profile on the same times: the same choices, times and ratios, line for line
        Run replayed = plans("--replay", times.toString());
        assertEquals(0, replayed.status(), replayed.out() + replayed.err());
        assertEquals(measured.lines(), replayed.lines());
        assertTrue(replayed.out().contains("overall: "), replayed.out());

        Run both = plans("--record", times.toString(), "--replay", times.toString());
        assertEquals(1, both.status());
        assertTrue(both.err().contains("--record and --replay do not go together"), both.err());
        Run missing = plans("--replay", tmp.resolve("none.tsv").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("none.tsv: no such file"), missing.err());
        Path bad = tmp.resolve("bad.tsv");
        Files.writeString(bad, PlanFidelity.Timing.HEADER + "\ns5\t1\t4\tfour\t256\tscan (((u B) * V') C)\t0.001\n");
        Run malformed = plans("--replay", bad.toString());
        assertEquals(1, malformed.status());
        assertTrue(malformed.err().contains("bad.tsv:2: not a number"), malformed.err());
        assertEquals(1, malformed.err().strip().lines().count(), malformed.err());
    }

    /** {@code ssmc bench streams}, which takes none of the timing options of a pass. */
    private static Run streams(String... args) {
        return subcommand("streams", args);
    }

    @Test
    void manyStreamsReportTheirHeapAndTime() throws Exception {
        Path src = tmp.resolve("tiny.ssm");
        Files.writeString(src, NET);
        Run r = streams(src.toString(), "--count", "200", "--time", "0");
        assertEquals(0, r.status(), r.err() + r.out());
        assertTrue(r.lines().get(0).startsWith("bench streams: 200 streams of network Tiny"), r.out());
        Map<String, Double> v = r.values();
        // 200 streams hold at least their states and buffers: more than nothing, less than a MB each
        assertTrue(v.get("streams_heap_mb") > 0 && v.get("kb_per_stream") < 1024, r.out());
        assertEquals(v.get("streams_heap_mb") * 1024 / 200, v.get("kb_per_stream"), 0.05, r.out());
        assertTrue(v.get("ms_per_round") > 0 && v.get("realtime_streams_per_thread") > 0, r.out());
        assertEquals(v.get("realtime_streams"), v.get("realtime_streams_per_thread"), 1, r.out());
        Run two = streams(src.toString(), "--count", "201", "--time", "0", "--threads", "2");
        assertEquals(0, two.status(), two.err() + two.out());
        assertTrue(two.lines().get(0).endsWith(", 2 threads"), two.out());
        Map<String, Double> t = two.values();
        assertEquals(t.get("realtime_streams") / 2, t.get("realtime_streams_per_thread"), 1, two.out());
        assertUserError(streams(src.toString(), "--count", "0"), "--count and --chunk must be at least 1");
        assertUserError(streams(src.toString(), "--threads", "0"), "--threads must be at least 1");
        Files.writeString(src, NET.replace(" @ 8 kHz", ""));
        assertUserError(streams(src.toString()), "has no sample rate");
    }
}
