package dev.ssmc.compiler.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.compiler.Examples;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.grammar.SsmLexer;
import dev.ssmc.runtime.testing.Property;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.junit.jupiter.api.Test;

/**
 * Whatever text the front end is given (random tokens, valid programs with tokens deleted,
 * duplicated, swapped, or numbers replaced by 0, -1 and huge values) it answers in bounded time
 * with networks or with diagnostics whose positions lie in the file, and never with an exception.
 */
class RobustnessTest {
    private static final Duration BOUND = Duration.ofSeconds(5);

    private static final String[] VOCABULARY = {"network", "input", "channel", "channels", "norm", "act", "dropout",
            "let", "stage", "residual", "mask", "activation", "to", "with", "bias", "downsample", "upsample", "repeat", "in",
            "encoder", "bottleneck", "decoder", "output", "head", "linear", "plan", "Hz", "kHz", "ms", "s", "samples",
            "->", "..", "{", "}", "(", ")", "[", "]", ",", ":", ";", "@", "=", "+", "-", "*", "/", "s5", "dws", "neck",
            "full", "states", "blocks", "batch", "layer-feature", "relu", "glu", "conv", "reshape", "mean", "training",
            "streaming", "length", "chunk", "x", "0", "1", "-1", "8", "0.1", "1e-3", "99999999999999999999", "1e999999",
            "2147483648", "$", "\"", "/*", "*/", "//", "é", "\u0000", "\t", "\n"};
    private static final String[] NUMBERS = {"0", "-1", "999999999999", "2147483648", "1e300", "0.5", "65537", "1e-30"};

    private static List<String> programs() throws Exception {
        List<String> out = new ArrayList<>();
        out.add(Files.readString(Examples.example("kws/kws.ssm")));
        out.add(Files.readString(Examples.example("denoise/denoise.ssm")));
        out.add(FormatterTest.MESSY);
        out.add(LanguageTest.EVERYTHING);
        return out;
    }

    /** Runs the front end on {@code text} and checks the answer is well formed. */
    static void frontEndAnswers(String text) {
        Frontend.Compilation c = assertTimeoutPreemptively(BOUND, () -> Frontend.compile("fuzz.ssm", text), () -> text);
        String[] lines = text.split("\r?\n|\r", -1);
        if (c.ok()) {
            assertFalse(c.networks().isEmpty(), text);
            return;
        }
        assertFalse(c.diagnostics().isEmpty());
        for (Diagnostic d : c.diagnostics()) {
            assertTrue(d.line() >= 1 && d.line() <= lines.length, () -> d.headline() + " in:\n" + text);
            assertTrue(d.column() >= 1 && d.column() <= lines[d.line() - 1].length() + 1, () -> d.headline() + " in:\n" + text);
            assertTrue(d.length() >= 1, d::headline);
            assertFalse(d.message().isBlank(), d::headline);
        }
        assertFalse(c.render().isEmpty());
        // Whatever parses also formats, and formatting keeps it.
        c.ast().ifPresent(ast -> {
            String formatted = Formatter.format(ast);
            SourceParser.Result again = SourceParser.parse("formatted.ssm", formatted);
            assertTrue(again.ok(), () -> "formatted text does not parse:\n" + formatted + "\n--- from ---\n" + text);
            assertEquals(ast, again.file().get(), () -> formatted + "\n--- from ---\n" + text);
            assertEquals(formatted, Formatter.format(again.file().get()), () -> "not idempotent on:\n" + text);
        });
    }

    @Test
    void randomTokenSequences() {
        Property.forAll(600, longs().between(0, Long.MAX_VALUE), this::randomTokenSequences);
    }

    private void randomTokenSequences(long seed) {
        Random r = new Random(seed);
        StringBuilder b = new StringBuilder();
        int n = r.nextInt(80);
        for (int i = 0; i < n; i++) {
            b.append(VOCABULARY[r.nextInt(VOCABULARY.length)]).append(r.nextInt(4) == 0 ? "\n" : " ");
        }
        frontEndAnswers(b.toString());
    }

    @Test
    void mutatedValidPrograms() {
        Property.forAll(600, longs().between(0, Long.MAX_VALUE), this::mutatedValidPrograms);
    }

    private void mutatedValidPrograms(long seed) throws Exception {
        Random r = new Random(seed);
        List<String> programs = programs();
        String program = programs.get(r.nextInt(programs.size()));
        List<? extends Token> all = new SsmLexer(CharStreams.fromString(program)).getAllTokens();
        List<String> texts = new ArrayList<>();
        List<Integer> visible = new ArrayList<>();
        for (Token t : all) {
            if (t.getChannel() == Token.DEFAULT_CHANNEL) {
                visible.add(texts.size());
            }
            texts.add(t.getText());
        }
        int mutations = 1 + r.nextInt(3);
        for (int m = 0; m < mutations && !visible.isEmpty(); m++) {
            int k = r.nextInt(visible.size());
            int at = visible.get(k);
            switch (r.nextInt(5)) {
                case 0 -> texts.set(at, "");
                case 1 -> texts.set(at, texts.get(at) + " " + texts.get(at));
                case 2 -> {
                    int other = visible.get(r.nextInt(visible.size()));
                    String t = texts.get(at);
                    texts.set(at, texts.get(other));
                    texts.set(other, t);
                }
                default -> {
                    // numbers get the values most likely to break arithmetic and range checks
                    List<Integer> numbers = visible.stream().filter(i -> texts.get(i).matches("[0-9][0-9_.eE+-]*")).toList();
                    int target = numbers.isEmpty() ? at : numbers.get(r.nextInt(numbers.size()));
                    texts.set(target, NUMBERS[r.nextInt(NUMBERS.length)]);
                }
            }
        }
        frontEndAnswers(String.join("", texts));
    }
}
