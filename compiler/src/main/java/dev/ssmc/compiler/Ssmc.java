package dev.ssmc.compiler;

import dev.ssmc.compiler.codegen.NetworkGenerator;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.Diagnostic;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The compiler's entry point: {@code .ssm} files in, Java sources out. The command line, the Maven
 * plugin and programs call this, with one {@link SsmcConfig}.
 */
public final class Ssmc {
    /** The version written into every stamp: a new ssmc regenerates everything. */
    public static final String VERSION = "0.1.0";
    private static final String STAMPS = ".ssmc-stamps";
    /**
     * Which build of ssmc this is, for the stamps: a development build keeps its version while its
     * generator changes, and the sources it wrote must then be written again.
     */
    private static final String BUILD = buildIdentity();

    private Ssmc() {
    }

    /** The front end's errors of one file, rendered as {@code file:line:col: error: ...} with carets. */
    public record FileErrors(Path file, List<Diagnostic> diagnostics, String rendered) {
    }

    /** What a run did: the sources written, the files left as they were, the files with errors. */
    public record Result(List<Path> written, List<Path> upToDate, List<FileErrors> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    /** Compiles every {@code .ssm} file of the configuration; a file that has not changed since its last run is skipped. */
    public static Result compile(SsmcConfig config) throws IOException {
        Profile profile = config.profile() == null ? Profile.defaults() : Profile.read(config.profile());
        List<Path> written = new ArrayList<>();
        List<Path> upToDate = new ArrayList<>();
        List<FileErrors> errors = new ArrayList<>();
        Path packageDir = config.outputDirectory().resolve(config.packageName().replace('.', '/'));
        for (Path file : sourceFiles(config.sources())) {
            Frontend.Source read = Frontend.read(file);
            if (read.problem() != null) {
                Frontend.Compilation unreadable = Frontend.unreadable(file, read.problem());
                errors.add(new FileErrors(file, unreadable.diagnostics(), unreadable.render()));
                continue;
            }
            String text = read.text();
            String stamp = stamp(text, config, profile);
            Path stampFile = config.outputDirectory().resolve(STAMPS).resolve(stampName(file));
            if (!config.force() && Files.isRegularFile(stampFile) && Files.readString(stampFile).equals(stamp)) {
                upToDate.add(file);
                continue;
            }
            Frontend.Compilation c = Frontend.compile(file.toString(), text);
            if (!c.ok()) {
                errors.add(new FileErrors(file, c.diagnostics(), c.render()));
                continue;
            }
            Files.createDirectories(packageDir);
            for (Frontend.CheckedNetwork n : c.networks()) {
                String className = NetworkGenerator.className(n.network().name());
                Path out = packageDir.resolve(className + ".java");
                String source = NetworkGenerator.generate(n.shapes(), config.packageName(), profile,
                        file.getFileName().toString()).toString();
                if (!Files.isRegularFile(out) || !Files.readString(out).equals(source)) {
                    AtomicFile.writeString(out, source); // a build killed here keeps the old class, never half of one
                }
                written.add(out);
            }
            Files.createDirectories(stampFile.getParent());
            AtomicFile.writeString(stampFile, stamp);
        }
        return new Result(written, upToDate, errors);
    }

    /** The {@code .ssm} files named, directories searched recursively, in a stable order. */
    public static List<Path> sourceFiles(List<Path> sources) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path s : sources) {
            if (Files.isDirectory(s)) {
                try (Stream<Path> walk = Files.walk(s)) {
                    walk.filter(p -> p.toString().endsWith(".ssm") && Files.isRegularFile(p)).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(s)) {
                out.add(s);
            } else {
                // NoSuchFileException, as java.nio reports a missing file: the plugin and the CLI catch that one
                throw new java.nio.file.NoSuchFileException(s.toString(), null, "no such file or directory");
            }
        }
        return out;
    }

    /** A hash of everything the output depends on: the source, the package, the profile and ssmc's version. */
    private static String stamp(String text, SsmcConfig config, Profile profile) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String part : List.of(VERSION, BUILD, config.packageName(), profile.toJson(), text)) {
                md.update(part.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A digest of the jar (or class directory) this class was loaded from: its size and time stamps, cheaply. */
    private static String buildIdentity() {
        try {
            Path code = Path.of(Ssmc.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            StringBuilder b = new StringBuilder();
            try (Stream<Path> files = Files.isDirectory(code) ? Files.walk(code) : Stream.of(code)) {
                files.filter(Files::isRegularFile).sorted().forEach(f -> {
                    try {
                        b.append(f).append(' ').append(Files.size(f)).append(' ')
                                .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
                    } catch (IOException e) {
                        b.append(f).append(" unreadable\n");
                    }
                });
            }
            return b.toString();
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            return "unknown"; // no code source to look at: the version alone decides
        }
    }

    private static String stampName(Path file) {
        return file.toAbsolutePath().normalize().toString().replaceAll("[^A-Za-z0-9._-]", "_") + ".sha256";
    }
}
