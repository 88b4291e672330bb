package dev.ssmc.compiler.codegen;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources in memory (javax.tools) against this JVM's class path and loads
 * them, so a network can run straight from its {@code .ssm} file.
 */
public final class InMemoryCompiler {
    private InMemoryCompiler() {
    }

    /** The generated code failed to compile: a bug in ssmc, reported with javac's messages. */
    public static final class CompilationFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CompilationFailed(String message) {
            super(message);
        }
    }

    /** The package networks compiled in memory live in. */
    public static final String PACKAGE = "ssmc.memory";

    /** The generated class of a network, compiled and loaded. */
    public static Class<?> networkClass(dev.ssmc.compiler.ir.Network network, dev.ssmc.compiler.plan.Profile profile,
                                        String sourceName) {
        String className = PACKAGE + "." + NetworkGenerator.className(network.name());
        String source = NetworkGenerator.generate(network, PACKAGE, profile, sourceName).toString();
        try {
            return compile(Map.of(className, source)).loadClass(className);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the generated class " + className + " was not compiled", e);
        }
    }

    /**
     * This JVM's class path and wherever the runtime's classes were loaded from: a Flink task
     * manager (or any container with its own class loaders) loads ssmc from the job's jar, which
     * is not on {@code java.class.path}.
     */
    static String classPath() {
        String path = System.getProperty("java.class.path", "");
        java.security.CodeSource source = dev.ssmc.runtime.stream.NetworkStream.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null || !"file".equals(source.getLocation().getProtocol())) {
            return path;
        }
        try {
            String runtime = java.nio.file.Path.of(source.getLocation().toURI()).toString();
            return path.isEmpty() ? runtime : path + java.io.File.pathSeparator + runtime;
        } catch (java.net.URISyntaxException | IllegalArgumentException e) {
            return path;
        }
    }

    /** Compiles {@code sources} (fully qualified class name to source) and returns a loader of the classes. */
    public static ClassLoader compile(Map<String, String> sources) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this runtime; run ssmc on a JDK, not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, null);
        JavaFileManager manager = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                       FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        classes.put(className, out);
                        return out;
                    }
                };
            }
        };
        List<JavaFileObject> units = new ArrayList<>();
        sources.forEach((name, text) -> units.add(new SimpleJavaFileObject(
                URI.create("string:///" + name.replace('.', '/') + JavaFileObject.Kind.SOURCE.extension), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return text;
            }
        }));
        List<String> options = List.of("-classpath", classPath(), "-proc:none",
                "--add-modules", "jdk.incubator.vector", "-nowarn", "-Xlint:none");
        StringWriter log = new StringWriter();
        boolean ok = javac.getTask(log, manager, diagnostics, options, null, units).call();
        if (!ok) {
            StringBuilder sb = new StringBuilder("the generated code does not compile (a bug in ssmc):");
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    sb.append("\n  ").append(d.getSource() == null ? "" : d.getSource().getName()).append(':')
                            .append(d.getLineNumber()).append(": ").append(d.getMessage(null));
                }
            }
            throw new CompilationFailed(sb.toString());
        }
        return new ClassLoader(InMemoryCompiler.class.getClassLoader()) { // which sees the runtime, wherever it came from
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                ByteArrayOutputStream bytes = classes.get(name);
                if (bytes == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] b = bytes.toByteArray();
                return defineClass(name, b, 0, b.length);
            }
        };
    }
}
