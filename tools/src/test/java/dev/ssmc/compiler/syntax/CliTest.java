package dev.ssmc.compiler.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.Examples;
import dev.ssmc.compiler.cli.Main;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.io.SafeTensorsWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The check, fmt and import commands: outputs and exit statuses (0 fine, 1 a user error), never a stack trace. */
class CliTest {
    @TempDir
    Path tmp;

    record Run(int status, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        Run r = new Run(status, out.toString(), err.toString());
        assertFalse(r.err.contains("\tat "), () -> "a stack trace:\n" + r.err);
        return r;
    }

    @Test
    void helpListsTheLanguageCommands() {
        Run r = run("--help");
        assertEquals(0, r.status);
        for (String c : new String[] {"check", "fmt", "import"}) {
            assertTrue(r.out.contains(c), r.out);
        }
    }

    @Test
    void checkPrintsOneSummaryLinePerNetwork() {
        Path kws = Examples.example("kws/kws.ssm");
        Path se = Examples.example("denoise/denoise.ssm");
        Run r = run("check", kws.toString(), se.toString());
        assertEquals(0, r.status, r.err);
        String[] lines = r.out.split("\n");
        assertEquals(2, lines.length, r.out);
        assertEquals(kws + ": KeywordSpotter: 10 layers (4 SSM, 4 resampling, 2 linear), 9,840 parameters, time ratio 1/128,"
                + " receptive field unbounded (IIR SSM layers; the resampling alone spans 128 samples = 8.0 ms @ 16 kHz),"
                + " output 12 classes per input (head mean of 32 channels at 125 frames/s)", lines[0]);
        assertEquals(se + ": Denoiser: 16 layers (10 SSM, 6 resampling, 0 linear), 18,756 parameters, time ratio 1 (1/64 at the"
                + " deepest), receptive field unbounded (IIR SSM layers; the resampling alone spans 64 samples = 4.0 ms @ 16 kHz),"
                + " output 1 channel at 16,000 frames/s, the input's rate", lines[1]);
        // the waveform-level one-channel layers the reference starts at dt 1e-3: one in the spotter, four in the denoiser
        List<String> warnings = r.err.lines().filter(l -> l.contains(": warning: ")).toList();
        assertEquals(List.of(kws + ":9:9", se + ":11:5", se + ":22:29", se + ":25:5", se + ":26:5"),
                warnings.stream().map(l -> l.substring(0, l.indexOf(": warning: "))).toList(), r.err);
        assertTrue(r.err.contains("hint: add `dt band` to its options, as in `full(states 8, dt band)`"), r.err);
    }

    @Test
    void summaryParameterCountIsTheTrainableTensorsSize() throws Exception {
        long expected = ReferenceNetworks.fromGoldenConfig(Golden.config("net_kws"), "kws").parameters().stream()
                .filter(p -> p.role().trainable()).mapToLong(p -> p.size()).sum();
        assertEquals(9_840, expected);
    }

    @Test
    void checkReportsErrorsWithStatusOne() throws Exception {
        Path bad = tmp.resolve("bad.ssm");
        Files.writeString(bad, "network N {\n  input a: 1 channel\n  s5(states 4) -> downsample conv 4 to 8\n  nek(states 2)\n}\n");
        Run r = run("check", bad.toString());
        assertEquals(1, r.status);
        assertEquals("", r.out);
        assertEquals(bad + ":4:3: error: unknown layer mode `nek`\n"
                + "    nek(states 2)\n"
                + "    ^~~\n"
                + "  hint: did you mean `neck`?\n"
                + bad + ": 1 error\n", r.err);
    }

    @Test
    void checkOfAMissingFileIsAUserError() {
        Run r = run("check", tmp.resolve("none.ssm").toString());
        assertEquals(1, r.status);
        assertTrue(r.err.startsWith(tmp.resolve("none.ssm") + ": error: no such file"), r.err);
    }

    @Test
    void fmtPrintsWritesAndChecks() throws Exception {
        Path f = tmp.resolve("f.ssm");
        String messy = "network   N{input a:1 channel;s5( states 4 )->downsample conv 2 to 4 // c\n}";
        String canonical = "network N {\n  input a: 1 channel\n\n  s5(states 4) -> downsample conv 2 to 4  // c\n}\n";
        Files.writeString(f, messy);
        Run printed = run("fmt", f.toString());
        assertEquals(0, printed.status, printed.err);
        assertEquals(canonical, printed.out);
        assertEquals(messy, Files.readString(f));

        Run check = run("fmt", "--check", f.toString());
        assertEquals(1, check.status);
        assertTrue(check.err.contains("not in canonical form"), check.err);

        Run write = run("fmt", "--write", f.toString());
        assertEquals(0, write.status, write.err);
        assertEquals(canonical, Files.readString(f));
        assertEquals(0, run("fmt", "--check", f.toString()).status);
    }

    @Test
    void fmtRefusesASyntaxError() throws Exception {
        Path f = tmp.resolve("bad.ssm");
        Files.writeString(f, "network N {\n  input a: 1 channel\n  s5(states 4\n}\n");
        Run r = run("fmt", "--write", f.toString());
        assertEquals(1, r.status);
        assertTrue(r.err.startsWith(f + ":4:1: error: expected"), r.err);
        assertEquals("network N {\n  input a: 1 channel\n  s5(states 4\n}\n", Files.readString(f));
    }

    @Test
    void importWritesSourceThatChecksAndMatchesTheCheckpoint() throws Exception {
        Path golden = Golden.file("net_kws");
        Path out = tmp.resolve("kws.ssm");
        Run r = run("import", "--config", golden.toString(), "--checkpoint", golden.toString(), "-o", out.toString());
        assertEquals(0, r.status, r.err);
        Frontend.Compilation c = Frontend.compile(out);
        assertTrue(c.ok(), c::render);
        assertEquals(ReferenceNetworks.fromGoldenConfig(Golden.config("net_kws"), "kws").parameters(),
                c.network().parameters());
        assertEquals(0, run("check", out.toString()).status);
    }

    @Test
    void importFromAJsonConfigPrintsTheSource() throws Exception {
        Path json = tmp.resolve("layer.json");
        Files.writeString(json, "{\"name\": \"tiny\", \"mode\": \"s5\", \"in_channels\": 2, \"out_channels\": 4,"
                + " \"num_states\": 3, \"norm\": \"rms\", \"postact\": \"gelu\"}");
        Run r = run("import", "--config", json.toString());
        assertEquals(0, r.status, r.err);
        assertEquals("network tiny {\n  input audio: 2 channels\n  norm rms\n  act gelu\n\n  s5(states 3, activations off) to 4\n}\n", r.out);
    }

    @Test
    void importNamesTheNetworkAfterTheReferenceClassAndStatesItsRate() throws Exception {
        Path json = tmp.resolve("kws.json");
        Files.writeString(json, "{\"network\": \"Centaurus\", \"kwargs\": {\"in_channels\": 1, \"num_classes\": 12,"
                + " \"channels\": [16, 32], \"depth\": 2, \"num_states\": [8, 16], \"mode\": [\"full\", \"s5\"],"
                + " \"downsample\": [4, 4], \"norm\": \"batch\", \"postact\": \"relu\", \"skip\": [false, true]}}");
        Run r = run("import", "--config", json.toString());
        assertEquals(0, r.status, r.err);
        assertTrue(r.out.startsWith("network Centaurus {\n  input audio: 1 channel @ 16 kHz\n"), r.out);
        Run named = run("import", "--config", json.toString(), "--name", "Spotter", "--rate", "8000");
        assertTrue(named.out.startsWith("network Spotter {\n  input audio: 1 channel @ 8 kHz\n"), named.out);
        Path layer = tmp.resolve("layer.json");
        Files.writeString(layer, "{\"mode\": \"s5\", \"in_channels\": 2, \"out_channels\": 4, \"num_states\": 3}");
        assertTrue(run("import", "--config", layer.toString()).out.startsWith("network SSMLayer {\n  input audio: 2 channels\n"));
        Run badName = run("import", "--config", json.toString(), "--name", "two words");
        assertEquals(1, badName.status);
        assertTrue(badName.err.startsWith("ssmc import: error: --name: 'two words' is not a network name"), badName.err);
        Run badRate = run("import", "--config", json.toString(), "--rate", "-5");
        assertEquals(1, badRate.status);
        assertTrue(badRate.err.startsWith("ssmc import: error: --rate: -5 Hz is not a sample rate"), badRate.err);
    }

    @Test
    void importAcceptsTheBatchNormStepCountersOfAPyTorchStateDict() throws Exception {
        // a state dict saved by PyTorch has an int64 num_batches_tracked per BatchNorm, which no
        // computation reads and loading skips: the check must not call it a difference
        SafeTensorsFile golden = SafeTensors.read(Golden.file("net_kws"));
        SafeTensorsWriter stateDict = new SafeTensorsWriter();
        int counters = 0;
        for (String name : golden.names()) {
            if (name.startsWith("state.")) {
                String key = name.substring("state.".length());
                stateDict.put(key, golden.f32(name));
                if (key.endsWith(".running_mean")) {
                    stateDict.putI64(key.replace("running_mean", "num_batches_tracked"), new int[0], new long[] {1000});
                    counters++;
                }
            }
        }
        assertTrue(counters > 0);
        Path checkpoint = tmp.resolve("state_dict.safetensors");
        stateDict.write(checkpoint);
        Run r = run("import", "--config", Golden.file("net_kws").toString(), "--checkpoint", checkpoint.toString());
        assertEquals(0, r.status, r.err);
        assertEquals("", r.err);
    }

    @Test
    void importReportsACheckpointThatDoesNotFit() {
        Run r = run("import", "--config", Golden.file("net_se").toString(), "--checkpoint", Golden.file("net_kws").toString());
        assertEquals(1, r.status);
        assertTrue(r.err.contains("missing from the checkpoint: down_ssms.0.0.0.A [1, 1, 8, 2]"), r.err);
        assertTrue(r.err.contains("not in the network: backbone.0.0.A [1, 1, 8, 2]"), r.err);
        assertTrue(r.err.contains("does not fit network net_se"), r.err);
        assertEquals("", r.out);
    }

    @Test
    void importOfABadConfigIsAUserError() throws Exception {
        Path json = tmp.resolve("bad.json");
        Files.writeString(json, "{\"network\": \"Centaurus\", \"kwargs\": {\"in_channels\": 1}}");
        Run r = run("import", "--config", json.toString());
        assertEquals(1, r.status);
        assertTrue(r.err.startsWith("ssmc import: error: " + json + ": config key"), r.err);
        Files.writeString(json, "{not json");
        Run r2 = run("import", "--config", json.toString());
        assertEquals(1, r2.status);
        assertTrue(r2.err.contains("not valid JSON"), r2.err);
        assertEquals(1, run("import", "--config", tmp.resolve("missing.json").toString()).status);
    }
}
