package dev.ssmc.gentests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.codegen.NetworkGenerator;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.gentests.support.GeneratedClasses;
import dev.ssmc.gentests.support.Pools;
import dev.ssmc.gentests.support.Structure;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixtures' classes are what a user's build makes: this module's build runs the ssmc Maven
 * plugin on {@code src/main/ssm} and the two examples (see the pom), and compiles its sources as
 * the module's main code, against the runtime alone. Here: the plugin wrote one class per fixture
 * network, byte for byte what the generator gives (so the in-memory classes of the random pools
 * are generated as the plugin's are), the sources compile without a lint warning, and the classes
 * the properties load are those.
 */
class PluginFixturesTest {
    private static final Path SOURCES = Path.of(System.getProperty("ssmc.gentests.pluginSources",
            "target/generated-sources/ssm")).resolve(GeneratedClasses.FIXTURE_PACKAGE.replace('.', '/'));

    @Test
    void thePluginWroteOneClassPerFixtureNetwork() throws IOException {
        Set<String> expected = new TreeSet<>();
        for (Structure s : Pools.fixtures()) {
            expected.add(NetworkGenerator.className(s.name()) + ".java");
        }
        assertEquals(expected, javaFiles().stream().map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new)), "the plugin's sources in " + SOURCES);
        for (Structure s : Pools.fixtures()) {
            Class<?> type = GeneratedClasses.of(s).type();
            Path from = Path.of(type.getProtectionDomain().getCodeSource().getLocation().getPath());
            assertTrue(from.endsWith(Path.of("target", "classes")), type + " is loaded from " + from
                    + ", not from the module's main classes");
        }
    }

    @Test
    void thePluginWritesWhatTheGeneratorGives() throws IOException {
        int files = 0;
        for (Path file : Pools.fixtureFiles()) {
            String stem = file.getFileName().toString();
            for (Structure s : Structure.compileAll(stem, Pools.FIXTURE, file.toString(), Files.readString(file))) {
                String className = NetworkGenerator.className(s.name());
                String want = NetworkGenerator.generate(s.network(), GeneratedClasses.FIXTURE_PACKAGE, Profile.defaults(),
                        stem).toString();
                assertEquals(want, Files.readString(SOURCES.resolve(className + ".java")),
                        className + ": the plugin's source vs NetworkGenerator's for " + file);
                files++;
            }
        }
        assertEquals(Pools.fixtures().size(), files);
    }

    /**
     * Compiles the plugin's sources with every lint on, as a strict user's build might: errors fail,
     * and so do warnings about the generated code (the note that an incubator module is used is not one).
     */
    @Test
    void thePluginsSourcesCompileWithoutWarnings(@TempDir Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diagnostics, null, null)) {
            Iterable<? extends JavaFileObject> units = fm.getJavaFileObjectsFromPaths(javaFiles());
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
            assertTrue(ok && problems.isEmpty(), "javac -Xlint:all on the plugin's sources:\n" + String.join("\n", problems));
        }
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> s = Files.list(SOURCES)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
