package dev.ssmc.compiler.golden;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.exec.Engines;
import dev.ssmc.compiler.syntax.importer.ImportedNetworks;
import dev.ssmc.runtime.testing.SharedData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every golden file of the reference package, its network built through generated .ssm source, passes through every engine. */
class GoldenConformanceTest {
    @TestFactory
    Stream<DynamicTest> everyGoldenFilePasses() throws IOException {
        List<Path> files = GoldenRunner.goldenFiles(SharedData.golden());
        assertFalse(files.isEmpty(), "no golden files in " + SharedData.golden());
        GoldenRunner runner = new GoldenRunner(Engines.all(), ImportedNetworks::viaSource);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            GoldenReport r = runner.run(f);
            assertTrue(r.passed(), r.line());
            // every file has at least its full-sequence and its streamed output checked
            assertTrue(r.checks().stream().anyMatch(c -> c.tensor().startsWith("stream.")), r.line());
        }));
    }
}
