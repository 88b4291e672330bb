package dev.ssmc.compiler.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.Examples;
import dev.ssmc.compiler.exec.Engines;
import dev.ssmc.compiler.golden.GoldenReport;
import dev.ssmc.compiler.golden.GoldenRunner;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.syntax.check.IrStructure;
import dev.ssmc.runtime.testing.SharedData;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The example files describe exactly the golden networks: same structure, same checkpoint keys and shapes. */
public class ExamplesTest {


    @ParameterizedTest
    @CsvSource({"kws/kws.ssm, net_kws, KeywordSpotter, 32, 16000, 128, 1",
                "denoise/denoise.ssm, net_se, Denoiser, 16, 16000, 64, 4"})
    void exampleIsTheGoldenNetwork(String file, String golden, String name, int batch, int length, int chunk,
                                   int oneChannelWaveformLayers) throws Exception {
        Frontend.Compilation c = Frontend.compile(Examples.example(file));
        assertTrue(c.ok(), c::render);
        // the reference starts a one-channel layer at dt 1e-3: each at the input's rate is warned about, nothing else
        assertEquals(oneChannelWaveformLayers, c.diagnostics().size(), c::render);
        assertTrue(c.diagnostics().stream().allMatch(d -> !d.isError()
                && d.message().startsWith("this full layer runs at the input's rate, and with dt 0.001..0.1 (the"
                        + " reference's rule), its initial modes reach only 57 Hz")), c::render);
        Network fromSource = c.network();

        Map<String, List<Integer>> params = new LinkedHashMap<>();
        fromSource.parameters().forEach(p -> params.put(p.key(), Arrays.stream(p.shape()).boxed().toList()));
        assertEquals(Golden.stateShapes(golden), params);

        Network reference = ReferenceNetworks.fromGoldenConfig(Golden.config(golden), golden);
        // The reference knows neither the network's name, nor its sample rate, nor a plan.
        Network comparable = new Network(reference.name(), fromSource.origin(), fromSource.inChannels(), 0,
                fromSource.body(), fromSource.head(), reference.planning());
        assertEquals(IrStructure.withoutOrigins(reference), IrStructure.withoutOrigins(comparable));
        assertEquals(reference.parameters(), fromSource.parameters());
        assertEquals(name, fromSource.name());
        assertEquals(16000, fromSource.sampleRate());
        assertEquals(new Planning(batch, length, chunk), fromSource.planning());
    }

    /** Built from the .ssm file alone, with the golden checkpoint, each example reproduces the reference's outputs. */
    @ParameterizedTest
    @CsvSource({"kws/kws.ssm, net_kws", "denoise/denoise.ssm, net_se"})
    void exampleReproducesTheGoldenOutputs(String file, String golden) {
        Frontend.Compilation c = Frontend.compile(Examples.example(file));
        assertTrue(c.ok(), c::render);
        Network fromSource = c.network();
        GoldenRunner runner = new GoldenRunner(Engines.all(), (config, where) -> fromSource);
        GoldenReport r = runner.run(SharedData.golden().resolve(golden + ".safetensors"));
        assertTrue(r.passed(), r.line());
        assertTrue(r.checks().stream().anyMatch(check -> check.tensor().equals("output")), r.line());
        assertTrue(r.checks().stream().anyMatch(check -> check.tensor().startsWith("stream.")), r.line());
    }
}
