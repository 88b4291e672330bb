package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Diagnostic;
import dev.ssmc.compiler.syntax.DiagnosticRenderer;
import dev.ssmc.compiler.syntax.Pos;
import dev.ssmc.compiler.syntax.SourceParser;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The front end's entry point: {@code .ssm} text in, checked IR networks or diagnostics out. Errors
 * in the user's file are diagnostics, never exceptions.
 */
public final class Frontend {
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
        List<Lowering.Lowered> lowered;
        try {
            lowered = new Lowering(file, diags).lower(parsed.file().get());
        } catch (StackOverflowError deep) {
            return new Compilation(file, text, parsed.file(), List.of(), List.of(SourceParser.tooDeep(file)));
        }
        List<CheckedNetwork> networks = new ArrayList<>();
        if (diags.errorCount() == 0) {
            for (Lowering.Lowered l : lowered) {
                networks.add(new CheckedNetwork(l.network(), l.shapes(), l.decl()));
            }
        }
        return new Compilation(file, text, parsed.file(), networks, diags.all());
    }

    /** Reads and compiles a file; an unreadable file is a diagnostic too. */
    public static Compilation compile(Path path) {
        String name = path.toString();
        try {
            byte[] bytes = Files.readAllBytes(path);
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return compile(name, text);
        } catch (NoSuchFileException e) {
            return unreadable(name, "no such file");
        } catch (CharacterCodingException e) {
            return unreadable(name, "the file is not UTF-8 text");
        } catch (IOException e) {
            return unreadable(name, "cannot read the file: " + e.getMessage());
        }
    }

    private static Compilation unreadable(String name, String message) {
        Diagnostic d = Diagnostic.error(new Pos(name, 0, 0, 0, 0, 0), message);
        return new Compilation(name, "", Optional.empty(), List.of(), List.of(d));
    }
}
