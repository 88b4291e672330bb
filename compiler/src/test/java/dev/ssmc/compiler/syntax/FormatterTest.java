package dev.ssmc.compiler.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.compiler.Examples;
import dev.ssmc.runtime.testing.Property;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The formatter keeps what a file says (parse(format(x)) == x, comments included) and is idempotent. */
class FormatterTest {

    static Ast.SourceFile parse(String name, String text) {
        SourceParser.Result r = SourceParser.parse(name, text);
        assertTrue(r.ok(), () -> DiagnosticRenderer.render(r.diagnostics(), text) + "\n--- text ---\n" + text);
        return r.file().get();
    }

    @Test
    void formattingARandomTreeParsesBackToIt() {
        Property.forAll(400, longs().between(0, Long.MAX_VALUE), this::formattingARandomTreeParsesBackToIt);
    }

    private void formattingARandomTreeParsesBackToIt(long seed) {
        Ast.SourceFile tree = new RandomTrees(seed).file();
        String text = Formatter.format(tree);
        assertEquals(tree, parse("random.ssm", text), () -> "seed " + seed + ":\n" + text);
    }

    @Test
    void formattingIsIdempotent() {
        Property.forAll(400, longs().between(0, Long.MAX_VALUE), this::formattingIsIdempotent);
    }

    private void formattingIsIdempotent(long seed) {
        String once = Formatter.format(new RandomTrees(seed).file());
        String twice = Formatter.format(parse("once.ssm", once));
        assertEquals(once, twice);
    }

    @ParameterizedTest
    @ValueSource(strings = {"kws/kws.ssm", "denoise/denoise.ssm"})
    void examplesAreInCanonicalForm(String example) throws Exception {
        Path p = Examples.example(example);
        String text = Files.readString(p);
        Ast.SourceFile tree = parse(p.toString(), text);
        assertEquals(text, Formatter.format(tree));
        assertEquals(tree, parse("again.ssm", Formatter.format(tree)));
    }

    static final String MESSY = """
            // leading comment of the file
            let   base=8 /* trailing block */
            network   Messy{ // after the brace
              input a:2 channels@16 kHz;norm batch;act relu


              // before a stage
              stage residual ( norm rms ) s5( states base*2,blocks 2 )to 2->downsample conv 4 to 2*(base+1)
              s5(states /* inside */ 4) -> residual{ dws(states 4)
                // inside the block
              } -> activation ( act gelu )   // after the chain
              repeat i in 1 .. 3 { stage s5(states i) }
              head mean->linear 12->relu->linear(3)
              // before the closing brace
            } // after the network
            plan training{batch 4;length 1 s}
            /* the end */
            """;

    @Test
    void messyInputGetsTheCanonicalFormWithEveryComment() {
        Ast.SourceFile tree = parse("messy.ssm", MESSY);
        String formatted = Formatter.format(tree);
        assertEquals("""
                // leading comment of the file
                let base = 8  /* trailing block */

                network Messy {  // after the brace
                  input a: 2 channels @ 16 kHz
                  norm batch
                  act relu

                  // before a stage
                  stage residual(norm rms) s5(states base * 2, blocks 2) to 2 -> downsample conv 4 to 2 * (base + 1)
                  /* inside */
                  s5(states 4) -> residual {
                    dws(states 4)
                    // inside the block
                  } -> activation(act gelu)  // after the chain
                  repeat i in 1..3 {
                    stage s5(states i)
                  }
                  head mean -> linear 12 -> relu -> linear 3
                  // before the closing brace
                }  // after the network

                plan training { batch 4; length 1 s }
                /* the end */
                """, formatted);
        Ast.SourceFile again = parse("formatted.ssm", formatted);
        assertEquals(tree, again);
        assertEquals(formatted, Formatter.format(again));
        assertEquals(tree.comments().stream().map(Ast.Comment::text).toList(),
                again.comments().stream().map(Ast.Comment::text).toList());
        assertEquals(List.of("// leading comment of the file", "/* trailing block */", "// after the brace",
                "// before a stage", "/* inside */", "// inside the block", "// after the chain",
                "// before the closing brace", "// after the network", "/* the end */"),
                again.comments().stream().map(Ast.Comment::text).toList());
    }
}
