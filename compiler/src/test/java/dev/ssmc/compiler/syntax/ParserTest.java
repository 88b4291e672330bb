package dev.ssmc.compiler.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.Examples;
import dev.ssmc.compiler.syntax.check.Frontend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The syntax tree: what each construct parses to, and the positions every node carries. */
class ParserTest {

    private static Ast.SourceFile parse(String text) {
        return FormatterTest.parse("p.ssm", text);
    }

    @Test
    void nodesCarryFileLineColumnAndLength() {
        Ast.SourceFile f = parse("network N {\n  input a: 1 channel\n  s5(states 8, blocks 2) to 16 -> downsample conv 4 to 8\n}\n");
        Ast.NetworkDecl n = (Ast.NetworkDecl) f.statements().get(0);
        Ast.Chain chain = (Ast.Chain) n.body().statements().get(1);
        Ast.Layer layer = (Ast.Layer) chain.items().get(0);
        Pos p = layer.pos();
        assertEquals(List.of("p.ssm", 3, 3, 28, 3, 31), List.of(p.file(), p.line(), p.column(), p.length(), p.endLine(),
                p.endColumn()));
        Ast.Option blocks = layer.options().get(1);
        assertEquals(List.of(3, 16, 6), List.of(blocks.pos().line(), blocks.pos().column(), blocks.key().pos().length()));
        Ast.Resample r = (Ast.Resample) chain.items().get(1);
        assertEquals(List.of(3, 35), List.of(r.pos().line(), r.pos().column()));
        assertEquals(new Ast.Num(Pos.NONE, "8"), r.channels().get());
        assertEquals(List.of(1, 11, 4, 1), List.of(n.body().pos().line(), n.body().pos().column(), n.body().pos().endLine(),
                n.body().pos().endColumn() - 1));
    }

    @Test
    void positionsAreNotPartOfANodesIdentity() {
        Ast.Num a = new Ast.Num(new Pos("a.ssm", 1, 1, 1, 1, 2), "8");
        Ast.Num b = new Ast.Num(new Pos("b.ssm", 9, 4, 1, 9, 5), "8");
        assertEquals(a, b);
        assertNotEquals(a, new Ast.Num(Pos.NONE, "9"));
    }

    @Test
    void expressionsFollowPrecedenceAndGrouping() {
        Ast.Let let = (Ast.Let) parse("let x = -a * (b + 2) - c / 4\n").statements().get(0);
        Pos n = Pos.NONE;
        Ast.Expr expected = new Ast.Binary(n, '-',
                new Ast.Binary(n, '*', new Ast.Neg(n, new Ast.Ref(n, "a")),
                        new Ast.Binary(n, '+', new Ast.Ref(n, "b"), new Ast.Num(n, "2"))),
                new Ast.Binary(n, '/', new Ast.Ref(n, "c"), new Ast.Num(n, "4")));
        assertEquals(expected, let.value());
    }

    @Test
    void statementsNeedNoTerminatorAndSemicolonsSeparate() {
        Ast.SourceFile a = parse("network N { input a: 1 channel; norm batch; act relu; s5(states 2) }");
        Ast.SourceFile b = parse("network N {\n  input a: 1 channel\n  norm batch\n  act relu\n  s5(states 2)\n}\n");
        assertEquals(a, b);
    }

    @Test
    void commentsAreKeptInOrder() {
        Ast.SourceFile f = parse("// a\nlet x = 1 /* b */\n/* c\n d */\n");
        assertEquals(List.of("// a", "/* b */", "/* c\n d */"), f.comments().stream().map(Ast.Comment::text).toList());
        assertEquals(3, f.comments().get(2).pos().line());
    }

    @Test
    void hyphenatedWordsAreOneName() {
        Ast.NetworkDecl n = (Ast.NetworkDecl) parse("network N { norm layer-feature }").statements().get(0);
        assertEquals("layer-feature", ((Ast.DefaultNorm) n.body().statements().get(0)).norm().text());
    }

    @Test
    void encoderDecoderAndHeadShapes() {
        Ast.NetworkDecl n = (Ast.NetworkDecl) parse("network U { encoder { } decoder { } head mean -> linear 3 -> relu }")
                .statements().get(0);
        Ast.EncoderDecoder ed = assertInstanceOf(Ast.EncoderDecoder.class, n.body().statements().get(0));
        assertEquals(Optional.empty(), ed.bottleneck());
        Ast.HeadDecl h = assertInstanceOf(Ast.HeadDecl.class, n.body().statements().get(1));
        assertEquals(List.of(new Ast.Linear(Pos.NONE, new Ast.Num(Pos.NONE, "3")),
                new Ast.HeadAct(Pos.NONE, new Ast.Name(Pos.NONE, "relu"))), h.items());
    }

    /** Every program in the README and the language's page compiles and is in canonical form. */
    @Test
    void theDocumentationsExamplesCheckAndAreCanonical() throws Exception {
        List<String> programs = new ArrayList<>();
        for (String doc : List.of("../README.md", "../docs/language.md")) {
            String text = Files.readString(Examples.example(doc));
            Matcher m = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL).matcher(text);
            int before = programs.size();
            while (m.find()) {
                if (m.group(2).contains("network ") && m.group(2).contains("input ")) {
                    programs.add(m.group(2));
                }
            }
            assertTrue(programs.size() > before, doc + " shows no program");
        }
        for (String p : programs) {
            Frontend.Compilation c = Frontend.compile("doc.ssm", p);
            assertTrue(c.ok(), c::render);
            assertEquals(p, Formatter.format(c.ast().get()));
        }
    }
}
