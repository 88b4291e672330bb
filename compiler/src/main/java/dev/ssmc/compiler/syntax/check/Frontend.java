package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Diagnostic;
import dev.ssmc.compiler.syntax.DiagnosticRenderer;
import dev.ssmc.compiler.syntax.Pos;
import dev.ssmc.compiler.syntax.SourceParser;
import dev.ssmc.runtime.io.IoReason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The front end's entry point: {@code .ssm} text in, checked IR networks or diagnostics out. Errors
 * in the user's file are diagnostics, never exceptions.
 */
public final class Frontend {
    /**
     * The largest source file read: far beyond any network's (the limits on statements and
     * expressions bound what a file can usefully say), small enough to read whole.
     */
    public static final long MAX_SOURCE_BYTES = 16L << 20;

    private Frontend() {
    }

    /** A checked network with its shapes and the declaration it came from. */
    public record CheckedNetwork(Network network, NetworkShapes shapes, Ast.NetworkDecl decl) {
    }

    /**
     * What compiling one file gave.
     *
     * @param networks the networks, in file order; empty when there is any error
     */
    public record Compilation(String file, String source, Optional<Ast.SourceFile> ast, List<CheckedNetwork> networks,
                              List<Diagnostic> diagnostics) {
        public boolean ok() {
            return diagnostics.stream().noneMatch(Diagnostic::isError);
        }

        /** The diagnostics as a compiler prints them, with source lines and carets. */
        public String render() {
            return DiagnosticRenderer.render(diagnostics, source);
        }

        /** The one network of the file; an {@link IllegalStateException} when the file failed or holds several. */
        public Network network() {
            if (!ok() || networks.size() != 1) {
                throw new IllegalStateException(ok() ? file + " holds " + networks.size() + " networks, not one"
                        : "the file does not compile:\n" + render());
            }
            return networks.get(0).network();
        }
    }

    /** Parses, checks and lowers {@code text}, naming it {@code file} in diagnostics and IR origins. */
    public static Compilation compile(String file, String text) {
        SourceParser.Result parsed = SourceParser.parse(file, text);
        if (!parsed.ok()) {
            return new Compilation(file, text, Optional.empty(), List.of(), parsed.diagnostics());
        }
        Diagnostics diags = new Diagnostics();
        List<CheckedNetwork> networks;
        try {
            networks = new Lowering(file, diags).lower(parsed.file().get());
        } catch (StackOverflowError deep) {
            return new Compilation(file, text, parsed.file(), List.of(), List.of(SourceParser.tooDeep(file)));
        }
        // A network can lower cleanly while another in the file has errors; a file compiles whole or not at all.
        return new Compilation(file, text, parsed.file(), diags.errorCount() == 0 ? networks : List.of(), diags.all());
    }

    /** Reads and compiles a file; an unreadable file is a diagnostic too. */
    public static Compilation compile(Path path) {
        Source source = read(path);
        return source.problem() == null ? compile(path.toString(), source.text()) : unreadable(path, source.problem());
    }

    /**
     * A source file's text, or why it could not be read.
     *
     * @param problem null when the text was read; else, e.g., "no such file" or "the file is not UTF-8 text"
     */
    public record Source(String text, String problem) {
    }

    /** Reads a {@code .ssm} file as UTF-8, every way of failing put in words (see {@link Source}). */
    public static Source read(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            // read with a bound: a device or a pipe (/dev/zero) has no size to check first
            byte[] bytes = in.readNBytes((int) MAX_SOURCE_BYTES + 1);
            if (bytes.length > MAX_SOURCE_BYTES) {
                return new Source(null, String.format(Locale.ROOT, "the file is larger than %,d bytes, the most a .ssm"
                        + " file may have", MAX_SOURCE_BYTES));
            }
            return new Source(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString(), null);
        } catch (NoSuchFileException e) {
            return new Source(null, "no such file");
        } catch (CharacterCodingException e) {
            return new Source(null, "the file is not UTF-8 text");
        } catch (IOException e) {
            return new Source(null, "cannot read the file: " + IoReason.of(e));
        }
    }

    /** The diagnostic of a file that could not be read. */
    public static Compilation unreadable(Path path, String problem) {
        String name = path.toString();
        Diagnostic d = Diagnostic.error(new Pos(name, 0, 0, 0, 0, 0), problem);
        return new Compilation(name, "", Optional.empty(), List.of(), List.of(d));
    }
}
