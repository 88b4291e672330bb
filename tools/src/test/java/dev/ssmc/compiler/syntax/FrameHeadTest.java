package dev.ssmc.compiler.syntax;

import static dev.ssmc.compiler.syntax.LanguageTest.diagnostics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.RandomWeights;
import dev.ssmc.compiler.exec.Engine;
import dev.ssmc.compiler.exec.Engines;
import dev.ssmc.compiler.exec.Execution;
import dev.ssmc.compiler.golden.TensorCheck;
import dev.ssmc.compiler.golden.Tolerance;
import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.FrameHead;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Rational;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.syntax.check.IrStructure;
import dev.ssmc.compiler.syntax.check.Summary;
import dev.ssmc.compiler.syntax.importer.SsmWriter;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code head frames -> linear K ...}: per-frame outputs over the network's time axis. What it
 * parses and lowers to (body nodes keyed {@code head.{i}}: pointwise convs with bias and
 * standalone activations), what {@code check} says, its errors, its formatting, and that every
 * engine computes it alike, whole and streamed.
 */
class FrameHeadTest {
    private static final String RECOGNIZER = """
            network Digits {
              input audio: 1 channel @ 8 kHz
              norm layer-feature
              act gelu

              full(states 4, dt band) to 4 -> downsample conv 80 to 8
              s5(states 4, blocks 2)
              head frames -> linear 16 -> relu -> linear 11
            }
            """;

    private static Frontend.CheckedNetwork compile(String source) {
        Frontend.Compilation c = Frontend.compile("t.ssm", source);
        assertTrue(c.ok(), c::render);
        return c.networks().get(0);
    }

    @Test
    void theHeadParsesWithItsPoolingAndItems() {
        Ast.NetworkDecl n = (Ast.NetworkDecl) FormatterTest.parse("p.ssm", RECOGNIZER).statements().get(0);
        Ast.HeadDecl h = (Ast.HeadDecl) n.body().statements().get(5);
        assertEquals("frames", h.pooling().text());
        assertEquals(List.of(8, 3, 8, 6), List.of(h.pos().line(), h.pos().column(), h.pooling().pos().column(),
                h.pooling().pos().length()));
        assertEquals(List.of(new Ast.Linear(Pos.NONE, new Ast.Num(Pos.NONE, "16")), new Ast.HeadAct(Pos.NONE,
                new Ast.Name(Pos.NONE, "relu")), new Ast.Linear(Pos.NONE, new Ast.Num(Pos.NONE, "11"))), h.items());
        assertEquals(List.of(18, 31, 39), h.items().stream().map(i -> i.pos().column()).toList());
    }

    @Test
    void theHeadLowersToPointwiseConvsAndActivationsAtTheEndOfTheBody() {
        Frontend.CheckedNetwork c = compile(RECOGNIZER);
        Network n = c.network();
        assertTrue(n.head().isEmpty(), "a frame head is no classifier head");
        List<Node> head = FrameHead.of(n.body());
        assertEquals(n.body().subList(n.body().size() - 3, n.body().size()), head, "the head ends the body");
        Resample first = (Resample) head.get(0);
        assertEquals(List.of("head.0", ResampleMode.DOWNSAMPLING_WITH_BIAS, 1, 8, 16),
                List.of(first.key(), first.mode(), first.ratio(), first.inChannels(), first.outChannels()));
        assertEquals(new Activation(NormKind.NONE, Postact.RELU, 0), ((ActLayer) head.get(1)).act());
        assertEquals("head.1", ((ActLayer) head.get(1)).normKey());
        Resample last = (Resample) head.get(2);
        assertEquals(List.of("head.2", 16, 11), List.of(last.key(), last.inChannels(), last.outChannels()));

        Map<String, List<Integer>> params = new LinkedHashMap<>();
        n.parameters().stream().filter(p -> p.key().startsWith("head."))
                .forEach(p -> params.put(p.key(), Arrays.stream(p.shape()).boxed().toList()));
        assertEquals(Map.of("head.0.weight", List.of(16, 8, 1), "head.0.bias", List.of(16),
                "head.2.weight", List.of(11, 16, 1), "head.2.bias", List.of(11)), params);

        NetworkShapes shapes = c.shapes();
        assertEquals(11, shapes.featureChannels(), "the network's features are the per-frame outputs");
        assertEquals(0, shapes.classes());
        assertEquals(Rational.of(1, 80), shapes.outputRate());
        assertEquals(List.of(Rational.of(1, 80), Rational.of(1, 80), Rational.of(1, 80)),
                head.stream().map(x -> shapes.rateIn().get(x)).toList());
    }

    /** The head is what the chain of the same pointwise convs and activations is, under its own keys. */
    @Test
    void theHeadIsTheChainOfItsItems() {
        Network head = compile(RECOGNIZER).network();
        Network chain = compile(RECOGNIZER.replace("head frames -> linear 16 -> relu -> linear 11",
                "downsample conv 1 to 16 with bias -> activation(norm none, act relu) -> downsample conv 1 to 11 with bias"))
                .network();
        // the chain's items after the three layers above are layers.3, .4, .5; the head's items head.0, .1, .2
        assertEquals(head.parameters().stream().map(p -> p.key().startsWith("head.")
                        ? "layers." + (3 + Integer.parseInt(p.key().substring(5, 6))) + p.key().substring(6) : p.key()).toList(),
                chain.parameters().stream().map(p -> p.key()).toList());
        assertEquals(head.parameters().stream().map(p -> Arrays.toString(p.shape())).toList(),
                chain.parameters().stream().map(p -> Arrays.toString(p.shape())).toList());
    }

    @Test
    void checkShowsTheOutputFrameRateAndWhatTheHeadGives() {
        Frontend.CheckedNetwork c = compile(RECOGNIZER);
        assertEquals("t.ssm: Digits: 5 layers (2 SSM, 1 resampling, 2 linear), 3,131 parameters, time ratio 1/80,"
                + " receptive field unbounded (IIR SSM layers; the resampling alone spans 80 samples = 10.0 ms @ 8 kHz),"
                + " output 11 channels at 100 frames/s (head frames on 8 channels)",
                Summary.line("t.ssm", c.network(), c.shapes()));
        // without a rate, the frame rate is said in input samples
        Frontend.CheckedNetwork bare = compile("network B {\n  input a: 2 channels\n  s5(states 2) -> downsample average 3"
                + " -> upsample repeat 2\n  head frames -> linear 4 -> glu\n}\n");
        String line = Summary.line("t.ssm", bare.network(), bare.shapes());
        assertTrue(line.endsWith(", output 2 channels at 2 frames per 3 input samples (head frames on 2 channels)"), line);
    }

    @Test
    void mistakesInTheHeadAreReportedWhereTheyAreWritten() {
        String header = "network N {\n  input a: 1 channel @ 16 kHz\n  s5(states 2) to 4\n";
        assertEquals(List.of("t.ssm:4:8: error: unknown head pooling `frame` / hint: did you mean `frames`?"),
                diagnostics(header + "  head frame -> linear 3\n}\n"));
        assertEquals(List.of("t.ssm:4:18: error: an activation in the head follows a `linear` layer / hint: write"
                        + " `head frames -> linear 32 -> tanh -> linear 12`",
                        "t.ssm:4:46: error: a linear layer is followed by one activation, not two"),
                diagnostics(header + "  head frames -> tanh -> linear 3 -> relu -> relu\n}\n"));
        assertEquals(List.of("t.ssm:4:3: error: the head needs at least one `linear` layer / hint: write"
                        + " `head frames -> linear 12`"),
                diagnostics(header + "  head frames\n}\n"));
        assertEquals(List.of("t.ssm:4:30: error: glu halves the channels, so it needs an even channel count, not 3"),
                diagnostics(header + "  head frames -> linear 3 -> glu\n}\n"));
        assertEquals(List.of("t.ssm:5:3: error: nothing can follow the head / hint: the head at line 4 ends the network;"
                        + " move this before it"),
                diagnostics(header + "  head frames -> linear 3\n  s5(states 2)\n}\n"));
    }

    @Test
    void fmtPrintsTheHeadBack() {
        String canonical = "network N {\n  input a: 1 channel\n\n  s5(states 2) to 4\n  head frames -> linear 16 -> relu"
                + " -> linear 11\n}\n";
        assertEquals(canonical, Formatter.format(FormatterTest.parse("f.ssm", canonical)));
        assertEquals(canonical, Formatter.format(FormatterTest.parse("f.ssm",
                canonical.replace("head frames -> linear 16 ->", "head   frames->linear 16\n ->"))));
    }

    /**
     * Against a computation of its own: the network's outputs are the body's outputs (the same
     * network without its head, on the same weights) with the head's linear layers applied to
     * every frame by hand, {@code W x + b}, then relu, then {@code W x + b}.
     */
    @Test
    void theHeadAppliesItsLinearLayersToEveryFrame() {
        Network n = compile(RECOGNIZER).network();
        Network body = compile(RECOGNIZER.replace("  head frames -> linear 16 -> relu -> linear 11\n", "")).network();
        Weights w = RandomWeights.of(n, 23);
        Map<String, Tensor> bodyWeights = new LinkedHashMap<>(w.asMap());
        bodyWeights.keySet().removeIf(k -> k.startsWith("head."));
        int length = 5 * 80 + 11;
        Tensor input = RandomWeights.input(29, 2, 1, length);
        Tensor frames = Engines.all().get(0).bind(body, Weights.bind(body, bodyWeights, "body")).forward(input).features();
        Tensor hidden = perFrame(frames, w.tensor("head.0.weight"), w.tensor("head.0.bias"), true);
        Tensor expected = perFrame(hidden, w.tensor("head.2.weight"), w.tensor("head.2.bias"), false);
        assertEquals(List.of(2, 11, 5), Arrays.stream(expected.shape()).boxed().toList());
        for (Engine e : Engines.all()) {
            TensorCheck check = TensorCheck.compare(e.name(), "features", e.bind(n, w).forward(input).features(), expected,
                    Tolerance.DEFAULT);
            assertTrue(check.passed(), check::toString);
        }
    }

    /** {@code y[b, k, t] = sum_c weight[k, c, 0] x[b, c, t] + bias[k]}, then relu if asked, in double. */
    private static Tensor perFrame(Tensor x, Tensor weight, Tensor bias, boolean relu) {
        int batch = x.shape()[0];
        int in = x.shape()[1];
        int frames = x.shape()[2];
        int out = weight.shape()[0];
        float[] y = new float[batch * out * frames];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < out; k++) {
                for (int t = 0; t < frames; t++) {
                    double sum = bias.data()[k];
                    for (int c = 0; c < in; c++) {
                        sum += (double) weight.data()[k * in + c] * x.data()[(b * in + c) * frames + t];
                    }
                    y[(b * out + k) * frames + t] = (float) (relu ? Math.max(0, sum) : sum);
                }
            }
        }
        return Tensor.of(y, batch, out, frames);
    }

    /** The writer of IR networks gives the head back as written, so lowering its text gives the same network. */
    @Test
    void theWriterWritesTheHeadBack() {
        Network n = compile(RECOGNIZER.replace("-> relu ->", "-> tanh ->").replace("  act gelu\n", "")).network();
        String written = Formatter.format(SsmWriter.write(n));
        assertTrue(written.contains("\n  norm layer-feature\n  act relu\n"), written);
        assertTrue(written.endsWith("\n  head frames -> linear 16 -> tanh -> linear 11\n}\n"), written);
        assertTrue(IrStructure.sameStructure(n, compile(written).network()), written);
    }

    /** The oracle, the plan engine and the generated code agree on the head's outputs, whole and streamed. */
    @Test
    void everyEngineComputesTheHeadAlike() {
        Network n = compile(RECOGNIZER).network();
        Weights w = RandomWeights.of(n, 17);
        int length = 3 * 80 + 37; // three frames and part of a fourth
        Tensor input = RandomWeights.input(18, 2, 1, length);
        List<Engine> engines = Engines.all();
        Execution oracle = engines.get(0).bind(n, w);
        Execution.Outputs reference = oracle.forward(input);
        assertEquals(List.of(2, 11, 3), Arrays.stream(reference.features().shape()).boxed().toList());
        for (Engine e : engines) {
            Execution x = e.bind(n, w);
            for (Execution.Outputs got : List.of(x.forward(input), x.stream(input, new int[] {1, 100, 59, 117}))) {
                TensorCheck check = TensorCheck.compare(e.name(), "features", got.features(), reference.features(),
                        Tolerance.DEFAULT);
                assertTrue(check.passed(), check::toString);
            }
        }
    }
}
