package dev.ssmc.gentests;

import static dev.ssmc.gentests.support.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.Ssmc;
import dev.ssmc.compiler.SsmcConfig;
import dev.ssmc.compiler.codegen.NetworkGenerator;
import dev.ssmc.gentests.support.GeneratedClasses;
import dev.ssmc.gentests.support.GeneratedNetwork;
import dev.ssmc.gentests.support.Pools;
import dev.ssmc.gentests.support.RandomValues;
import dev.ssmc.gentests.support.References;
import dev.ssmc.gentests.support.Structure;
import dev.ssmc.runtime.model.Model;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The path a build takes, end to end: {@code Ssmc.compile} (what the CLI and the Maven plugin call)
 * writes the fixtures' Java sources into {@code target/}, javac compiles them with a program that
 * uses them by their static types ({@code src/test/e2e}), and the classes, loaded from disk, compute
 * exactly what the classes the properties compile in memory compute.
 */
class SsmcCompileTest {
    private static final String PACKAGE = "dev.ssmc.gentests.ssmccompile";

    @Test
    void fixturesCompileWithSsmcIntoTargetAndRun() throws Exception {
        Path root = Path.of("target", "ssmc-compile");
        deleteRecursively(root);
        Path sources = root.resolve("generated-sources");
        Path classes = root.resolve("classes");
        List<Path> inputs = Pools.fixtureFiles();
        SsmcConfig config = new SsmcConfig(inputs, sources, PACKAGE, null, false);

        Ssmc.Result result = Ssmc.compile(config);
        assertTrue(result.ok(), () -> result.errors().stream().map(Ssmc.FileErrors::rendered).collect(Collectors.joining("\n")));
        Set<String> expected = new TreeSet<>();
        for (Structure s : Pools.fixtures()) {
            expected.add(NetworkGenerator.className(s.name()) + ".java");
        }
        Set<String> written = result.written().stream().map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, written, "one class per fixture network");
        for (Path p : result.written()) {
            assertTrue(p.startsWith(sources.resolve(PACKAGE.replace('.', '/'))), p + " is not in the package's directory");
        }
        Ssmc.Result again = Ssmc.compile(config);
        assertEquals(inputs.size(), again.upToDate().size(), "a second run finds every unchanged file up to date");
        assertTrue(again.written().isEmpty(), "a second run rewrites nothing");

        List<Path> javaFiles = new ArrayList<>(result.written());
        javaFiles.add(Path.of("src/test/e2e/dev/ssmc/gentests/e2e/FixtureUsage.java"));
        javac(javaFiles, classes);

        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
            Random rnd = new Random(20250601);
            for (Structure s : Pools.fixtures()) {
                GeneratedNetwork disk = GeneratedClasses.onClasspath(loader, PACKAGE, s);
                GeneratedNetwork memory = GeneratedClasses.of(s);
                assertEquals(memory.parameterList(), disk.parameterList(), s + ": PARAMETERS");
                int batch = 1 + rnd.nextInt(2);
                int length = s.randomLength(rnd, 32);
                Map<String, float[]> w = RandomValues.weights(s.network(), rnd);
                float[] x = RandomValues.gaussian(rnd, batch * s.network().inChannels() * length);
                Model.Outputs d = disk.of(RandomValues.copy(w)).forward(x.clone(), batch, length);
                Model.Outputs m = memory.of(RandomValues.copy(w)).forward(x.clone(), batch, length);
                assertArrayEquals(m.features().x(), d.features().x(), s + ": Ssmc.compile's class computes what the in-memory one does");
                References.Outputs oracle = References.oracle(s.network(), w, x, batch, length);
                assertClose(oracle.features(), d.features().x(), "Ssmc.compile's class vs the oracle", s.describe());
            }

            Class<?> usage = loader.loadClass("dev.ssmc.gentests.e2e.FixtureUsage");
            Method kws = usage.getMethod("keywordSpotter", long.class, Path.class);
            float[][] out = (float[][]) kws.invoke(null, 7L, Files.createDirectories(root.resolve("checkpoints")));
            GeneratedNetwork spotter = GeneratedClasses.of(Pools.fixture("KeywordSpotter"));
            int length = 2 * spotter.lengthMultiple();
            assertEquals(spotter.classes(), out[0].length, "one logit per class");
            assertArrayEquals(out[0], out[1], "save then load gives the same network");
            assertClose(out[0], out[2], "of(parameters()) streamed in frames vs the forward pass", "keyword spotter");
            assertEquals(length, out[3].length, "the input's gradient has the input's shape");
            float[] audio = new float[length];
            for (int i = 0; i < length; i++) {
                audio[i] = (float) Math.sin(0.37 * i) * 0.5f;
            }
            assertArrayEquals(spotter.init(7).forward(audio, 1, length).logits().data(), out[0],
                    "init(seed) gives the same network in both classes");

            float[] denoised = (float[]) usage.getMethod("denoiser", long.class).invoke(null, 7L);
            GeneratedNetwork denoiser = GeneratedClasses.of(Pools.fixture("Denoiser"));
            assertEquals(denoiser.features() * denoiser.lengthMultiple(), denoised.length);
        }
    }

    /**
     * Compiles {@code files} with every lint on, as a user's build might: errors fail, and so do
     * warnings about the generated code (the note that an incubator module is used is not one).
     */
    private static void javac(List<Path> files, Path out) throws IOException {
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
            Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(files);
            List<String> options = List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path"),
                    "--release", "17", "--add-modules", "jdk.incubator.vector", "-proc:none", "-Xlint:all", "-Xlint:-options");
            boolean ok = javac.getTask(new StringWriter(), fm, diagnostics, options, null, units).call();
            List<String> problems = new ArrayList<>();
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                boolean incubator = d.getSource() == null && d.getMessage(Locale.ROOT).contains("incubating");
                if (d.getKind() != Diagnostic.Kind.NOTE && d.getKind() != Diagnostic.Kind.OTHER && !incubator) {
                    problems.add(d.getKind() + " " + (d.getSource() == null ? "" : d.getSource().getName() + ":" + d.getLineNumber())
                            + ": " + d.getMessage(Locale.ROOT));
                }
            }
            assertTrue(ok && problems.isEmpty(), "javac on the sources Ssmc.compile wrote:\n" + String.join("\n", problems));
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
