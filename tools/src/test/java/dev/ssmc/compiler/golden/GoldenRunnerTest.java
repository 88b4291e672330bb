package dev.ssmc.compiler.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.cli.Main;
import dev.ssmc.compiler.exec.Engines;
import dev.ssmc.compiler.oracle.OracleEngine;
import dev.ssmc.compiler.syntax.importer.ImportedNetworks;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.io.SafeTensorsWriter;
import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.testing.SharedData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The golden runner fails what is wrong, and the command prints what the issue asks. */
class GoldenRunnerTest {
    @TempDir
    Path tmp;

    /** A copy of a golden file with one tensor changed by {@code delta} at one element. */
    private Path perturbed(String file, String tensor, float delta) throws IOException {
        return perturbed(SharedData.golden(), file, tensor, delta);
    }

    /** A copy of {@code dir}'s golden file with one tensor changed by {@code delta} at one element. */
    private Path perturbed(Path dir, String file, String tensor, float delta) throws IOException {
        SafeTensorsFile f = SafeTensors.read(dir.resolve(file));
        SafeTensorsWriter w = new SafeTensorsWriter();
        f.metadata().forEach(w::metadata);
        for (String name : f.names()) {
            Tensor t = f.f32(name);
            if (name.equals(tensor)) {
                t = t.copy();
                t.data()[t.size() / 2] += delta;
            }
            w.put(name, t);
        }
        Path out = tmp.resolve(file);
        w.write(out);
        return out;
    }

    @Test
    void anOutputOffByMoreThanTheToleranceFails() throws IOException {
        GoldenRunner runner = new GoldenRunner(Engines.all(), ImportedNetworks::viaSource);
        GoldenReport ok = runner.run(perturbed("layer_s5_small.safetensors", "output", 1e-7f));
        assertTrue(ok.passed(), ok.line());
        GoldenReport bad = runner.run(perturbed("layer_s5_small.safetensors", "output", 1e-2f));
        assertFalse(bad.passed(), bad.line());
        double maxAbs = SafeTensors.read(SharedData.golden().resolve("layer_s5_small.safetensors")).f32("output").maxAbs();
        assertTrue(bad.line().contains(String.format(Locale.ROOT, "oracle output %.2e of max|ref| (over tol ", 1e-2 / maxAbs)),
                bad.line());
        GoldenReport badStream = runner.run(perturbed("layer_s5_small.safetensors", "stream.output", -1e-2f));
        assertFalse(badStream.passed(), badStream.line());
    }

    /**
     * The float64 answers hold the oracle to 1e-6 of max|ref|, and a failing tensor says how far
     * off it is in that unit: just over the tolerance (rounding at its edge) or far over it (a
     * wrong result). Only the changed tensor fails.
     */
    @Test
    void aPerturbedFloat64AnswerFailsTheOracleAndShowsItsRelativeError() throws IOException {
        String file = "layer_neck_rms_relu_f64.safetensors";
        float maxAbs = SafeTensors.read(SharedData.goldenF64().resolve(file)).f32("output").maxAbs();
        GoldenRunner runner = new GoldenRunner(List.of(new OracleEngine()), ImportedNetworks::viaSource, new Tolerance(1e-6));

        GoldenReport wrong = runner.run(perturbed(SharedData.goldenF64(), file, "output", 1e-3f * maxAbs));
        assertFalse(wrong.passed(), wrong.line());
        assertEquals(List.of("output"), wrong.checks().stream().filter(c -> !c.passed()).map(TensorCheck::tensor).toList(),
                wrong.line());
        assertTrue(wrong.line().contains("oracle output 1.00e-03 of max|ref| (over tol 1.00e-06)"), wrong.line());
        assertTrue(wrong.line().contains("oracle stream.output 0.00e+00 of max|ref| (tol 1.00e-06)"), wrong.line());

        TensorCheck edge = runner.run(perturbed(SharedData.goldenF64(), file, "output", 2e-6f * maxAbs)).checks().stream()
                .filter(c -> c.tensor().equals("output")).findFirst().orElseThrow();
        assertFalse(edge.passed(), edge.toString());
        assertEquals(2e-6, edge.relativeError(), 1e-7, edge.toString());
    }

    @Test
    void theToleranceOptionSetsTheBoundOfEveryTensor() throws IOException {
        String file = "layer_neck_batch_gelu_f64.safetensors";
        float maxAbs = SafeTensors.read(SharedData.goldenF64().resolve(file)).f32("output").maxAbs();
        perturbed(SharedData.goldenF64(), file, "output", 2e-4f * maxAbs);

        String[] atDefault = golden("--engine", "oracle");
        assertTrue(atDefault[0].contains("oracle output 2.00e-04 of max|ref| (over tol 1.00e-04)")
                && atDefault[0].endsWith("FAIL"), atDefault[0]);
        assertEquals("0 passed, 1 failed", atDefault[1]);

        String[] looser = golden("--engine", "oracle", "--tolerance", "5e-4");
        assertTrue(looser[0].contains("oracle output 2.00e-04 of max|ref| (tol 5.0") && looser[0].endsWith("PASS"),
                looser[0]);
        assertEquals("1 passed, 0 failed", looser[1]);
    }

    /** The lines {@code ssmc golden} prints for {@link #tmp} with these options. */
    private String[] golden(String... options) {
        StringWriter out = new StringWriter();
        List<String> args = new ArrayList<>(List.of("golden", tmp.toString()));
        args.addAll(List.of(options));
        Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()))
                .execute(args.toArray(String[]::new));
        return out.toString().split("\n");
    }

    @Test
    void aToleranceThatIsNotAPositiveFiniteNumberIsAOneLineUserError() {
        for (String bad : List.of("0", "-1e-4", "NaN", "Infinity", "1e-4x", "")) {
            StringWriter err = new StringWriter();
            int status = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                    .execute("golden", tmp.toString(), "--tolerance", bad);
            assertEquals(1, status, bad);
            assertEquals("ssmc golden: error: --tolerance: '" + bad
                    + "' is not a positive, finite fraction of max|ref| (e.g. 1e-4)", err.toString().strip());
        }
    }

    @Test
    void aWrongWeightMakesTheOutputsDisagree() throws IOException {
        GoldenRunner runner = new GoldenRunner(Engines.all(), ImportedNetworks::viaSource);
        GoldenReport r = runner.run(perturbed("net_kws.safetensors", "state.backbone.0.1.0.weight", 0.5f));
        assertFalse(r.passed(), r.line());
        assertTrue(r.checks().stream().noneMatch(TensorCheck::passed), r.line());
    }

    @Test
    void theCommandPrintsALinePerFileAndTheTotals() throws IOException {
        Files.copy(SharedData.golden().resolve("layer_neck_small.safetensors"), tmp.resolve("a.safetensors"));
        perturbed("layer_dws_small.safetensors", "output", 1f);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("golden", tmp.toString(), "--engine", "oracle");
        String[] lines = out.toString().split("\n");
        assertEquals(3, lines.length, out.toString());
        assertTrue(lines[0].startsWith("a.safetensors  oracle output "), lines[0]);
        assertTrue(lines[0].contains("oracle grad.input ") && lines[0].contains("oracle grad.state.log_dt ")
                && !lines[0].contains("skipped") && lines[0].endsWith("PASS"), lines[0]);
        assertTrue(lines[1].startsWith("layer_dws_small.safetensors") && lines[1].endsWith("FAIL"), lines[1]);
        assertEquals("1 passed, 1 failed", lines[2]);
        assertEquals(1, status);
    }

    @Test
    void userErrorsGiveOneLineAndStatusOne() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("golden", tmp.resolve("nowhere").toString());
        assertEquals(1, status);
        assertTrue(err.toString().contains("not a directory"), err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());

        err = new StringWriter();
        status = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("golden", tmp.toString(), "--engine", "oracel");
        assertEquals(1, status);
        assertTrue(err.toString().contains("unknown engine 'oracel' (did you mean 'oracle'?)"), err.toString());
    }

    @Test
    void aBrokenFileIsOneFailedLineNotACrash() throws IOException {
        Files.writeString(tmp.resolve("broken.safetensors"), "not a safetensors file at all");
        GoldenReport r = new GoldenRunner(Engines.all(), ImportedNetworks::viaSource)
                .run(tmp.resolve("broken.safetensors"));
        assertFalse(r.passed());
        assertTrue(r.line().startsWith("broken.safetensors  error: "), r.line());
    }
}
