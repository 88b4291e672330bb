package dev.ssmc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.ir.DtInit;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.cli.Main;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.model.Trainable;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A layer's {@code dt} option reaches every fresh network: the generated class's {@code init}
 * (which {@code ssmc init} and a fresh {@code ssmc train} call) starts each layer's {@code log_dt}
 * exactly as the front end computes it for its check, in every mode and behind resampling; a
 * checkpoint, loaded, brings its own.
 */
class DtInitTest {
    private static final String NET = """
            network Starts {
              input x: 1 channel @ 16 kHz
              norm layer-feature
              act silu

              full(states 8, dt band) to 2 -> dws(states 4, dt 2e-3..0.2) -> downsample conv 4 to 6
              s5(states 4, blocks 3, dt band) -> neck(states 3, blocks 2, dt 0.03) -> downsample average 2
              residual { full(states 2, dt band, activations off) }
              stage residual neck(states 4, blocks 4, dt band) -> downsample conv 2 to 4
              s5(states 2) -> dws(states 2)
              head frames -> linear 3
            }
            """;

    @Test
    void theGeneratedInitStartsEveryLayersDtAsTheFrontEndSays() {
        Frontend.Compilation c = Frontend.compile("starts.ssm", NET);
        assertTrue(c.ok(), c::render);
        NetworkShapes shapes = c.networks().get(0).shapes();
        Trainable net = Networks.init(c.network(), Profile.defaults(), "starts.ssm", 5);
        Set<String> forms = new HashSet<>();
        Set<Double> bandRates = new HashSet<>();
        int layers = 0;
        for (Node n : shapes.nodes()) {
            if (n instanceof SsmLayer l) {
                float[] expected = l.initialLogDt(shapes.rateHz(l));
                assertArrayEquals(expected, net.parameters().get(l.param("log_dt")), l.key());
                forms.add(l.dt().getClass().getSimpleName() + (l.dt().equals(DtInit.REFERENCE) ? " (reference)" : ""));
                if (l.dt() instanceof DtInit.Band) {
                    bandRates.add(shapes.rateHz(l));
                }
                layers++;
            }
        }
        assertEquals(8, layers);
        assertEquals(Set.of("Band", "Geometric", "Geometric (reference)"), forms);
        assertEquals(Set.of(16000.0, 4000.0, 2000.0), bandRates, "band at the input's rate and behind resampling");
    }

    /** {@code ssmc init} writes the option's log_dt; without it, the reference's. */
    @Test
    void ssmcInitWritesTheOptionsDt(@TempDir Path dir) throws Exception {
        String source = "network L {\n  input x: 1 channel @ 16 kHz\n  full(states 8, dt band) -> full(states 8)\n}\n";
        Path file = dir.resolve("l.ssm");
        Files.writeString(file, source);
        Path out = dir.resolve("l.safetensors");
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        assertEquals(0, cl.execute("init", file.toString(), "-o", out.toString()), err::toString);
        SafeTensorsFile f = SafeTensors.read(out);
        Map<String, float[]> written = new HashMap<>();
        for (String name : f.names()) {
            written.put(name, f.f32(name).data());
        }
        Frontend.Compilation c = Frontend.compile("l.ssm", source);
        SsmLayer band = (SsmLayer) c.network().body().get(0);
        SsmLayer reference = (SsmLayer) c.network().body().get(1);
        assertArrayEquals(band.initialLogDt(16000), written.get(band.param("log_dt")));
        assertArrayEquals(reference.initialLogDt(16000), written.get(reference.param("log_dt")));
        // the spread reaches 90% of Nyquist; the reference's rule gives a one-channel layer 1e-3 everywhere
        assertEquals(Math.log(0.9 / 7), band.initialLogDt(16000)[7], 1e-6);
        float[] constant = new float[8];
        Arrays.fill(constant, (float) Math.log(1e-3));
        assertArrayEquals(constant, written.get(reference.param("log_dt")));
        assertNotEquals(written.get(band.param("log_dt"))[7], written.get(reference.param("log_dt"))[7]);

        // a checkpoint brings its own log_dt: the same layers with their options swapped load what it holds
        Frontend.Compilation swapped = Frontend.compile("l.ssm", "network L {\n  input x: 1 channel @ 16 kHz\n"
                + "  full(states 8) -> full(states 8, dt 0.02..0.05)\n}\n");
        assertTrue(swapped.ok(), swapped::render);
        Trainable loaded = Networks.load(swapped.network(), Profile.defaults(), "l.ssm", out);
        for (String key : written.keySet()) {
            assertArrayEquals(written.get(key), loaded.parameters().get(key), key);
        }
    }
}
