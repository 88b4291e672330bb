package dev.ssmc.compiler.codegen;

import static dev.ssmc.compiler.codegen.GeneratedStreamTest.assertClose;
import static dev.ssmc.compiler.codegen.GeneratedStreamTest.randn;
import static dev.ssmc.compiler.codegen.GeneratedStreamTest.split;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.plan.NetworkPlan;
import dev.ssmc.compiler.plan.Pass;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.plan.Search;
import dev.ssmc.compiler.plan.TimeAlgorithm;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.stream.ActivationFrames;
import dev.ssmc.runtime.stream.FrameNode;
import dev.ssmc.runtime.stream.RecurrentSsmFrames;
import dev.ssmc.runtime.testing.Property;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.lang.model.element.Modifier;
import org.junit.jupiter.api.Test;

/**
 * Every form a generated step can take (where E and Bhat meet the recurrence, which index runs
 * along the lanes), on both paths, steps as the runtime's general {@link RecurrentSsmFrames}
 * does, over sizes that leave whole vectors and scalar tails; and the forms are read off the
 * planner's step plans.
 */
class StepFormsTest {

    /** The one block of {@code network T { input a: CIN channels; MODE(...) to COUT }} and its plans. */
    static NetworkPlan.BlockPlan block(SsmMode mode, int cin, int cout, int states, int blocks) {
        String options = "states " + states + (mode == SsmMode.S5 || mode == SsmMode.NECK ? ", blocks " + blocks : "");
        String src = "network T {\n  input a: " + cin + " channels\n  " + mode.spelling() + "(" + options + ", activations off) to "
                + cout + "\n}\n";
        Frontend.Compilation c = Frontend.compile("t.ssm", src);
        assertTrue(c.ok(), c.render());
        return NetworkPlan.of(c.networks().get(0).network(), Profile.defaults()).blocks().get(0);
    }

    /** The step class of {@code layer} in the given form, compiled inside a holder with a factory. */
    static FrameNode step(SsmLayer layer, StepForm form, Params p, boolean vector) throws Exception {
        ClassName holder = ClassName.get("steps", "Holder");
        ClassName step = holder.nestedClass("Block0Step");
        TypeSpec type = TypeSpec.classBuilder(holder).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addMethod(MethodSpec.methodBuilder("make").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                        .returns(FrameNode.class).addParameter(ActivationFrames.class, "in").addParameter(Params.class, "p")
                        .addParameter(boolean.class, "vector")
                        .addStatement("return new $T(in, null, p, vector)", step).build())
                .addType(StepEmitter.stepClass(layer, form, step))
                .build();
        String source = JavaFile.builder("steps", type).indent("    ").build().toString();
        Class<?> c = InMemoryCompiler.compile(Map.of("steps.Holder", source)).loadClass("steps.Holder");
        return (FrameNode) c.getMethod("make", ActivationFrames.class, Params.class, boolean.class)
                .invoke(null, layer.mode() == SsmMode.DWS ? identity(layer, p) : null, p, vector);
    }

    private static ActivationFrames identity(SsmLayer layer, Params p) {
        return new ActivationFrames(NormKind.NONE, PostactKind.IDENTITY, layer.inputNormKey(), layer.inChannels(), p);
    }

    /** Random parameters of the layer (no prefix: a one-layer network), dt in [0.05, 0.6]. */
    static Params params(SsmLayer l, Random rnd) {
        int cin = l.inChannels();
        int cout = l.ssmOutChannels();
        int n = l.states();
        int j = l.blocks();
        Map<String, float[]> m = new HashMap<>();
        int kernel = switch (l.mode()) {
            case DWS -> cin * n;
            case S5, NECK -> j * n;
            case FULL -> cout * cin * n;
        };
        m.put("A", new float[2 * kernel]);
        for (int i = 0; i < 2 * kernel; i++) {
            m.get("A")[i] = (float) (i % 2 == 0 ? rnd.nextGaussian() : 3 * rnd.nextGaussian());
        }
        int dts = switch (l.mode()) {
            case DWS -> cin * n;
            case S5 -> j * n;
            case NECK -> j;
            case FULL -> cout * n;
        };
        float[] logDt = new float[dts];
        for (int i = 0; i < dts; i++) {
            logDt[i] = (float) (-3 + 2.5 * rnd.nextDouble());
        }
        m.put("log_dt", logDt);
        switch (l.mode()) {
            case DWS -> {
                m.put("E", randn(rnd, cin * n));
                m.put("mixer.1.weight", randn(rnd, cout * cin));
            }
            case S5 -> {
                m.put("B", randn(rnd, j * n * cin));
                m.put("C", randn(rnd, cout * j * n));
            }
            case NECK -> {
                m.put("B", randn(rnd, j * cin));
                m.put("C", randn(rnd, cout * j));
                m.put("E", randn(rnd, j * n));
            }
            case FULL -> m.put("E", randn(rnd, kernel));
        }
        return key -> {
            float[] v = m.get(key);
            if (v == null) {
                throw new IllegalArgumentException("no parameter " + key);
            }
            return v;
        };
    }

    /** Streams frames through a node in the given calls; the concatenated output. */
    static float[] stream(FrameNode node, float[] in, int[] calls) {
        int cin = node.inChannels();
        int cout = node.outChannels();
        float[] out = new float[(in.length / cin) * cout];
        int at = 0;
        for (int size : calls) {
            node.process(in, at * cin, size, out, at * cout);
            at += size;
        }
        return out;
    }

    @Test
    void everyFormStepsAsTheGeneralRecurrence() {
        Property.forAll(40, in -> new FormCase(integers().between(0, 3).generate(in),
                booleans().all().generate(in),
                booleans().all().generate(in),
                longs().all().generate(in)),
                a -> everyFormStepsAsTheGeneralRecurrence(a.modeIndex(), a.eOnInput(), a.other(), a.seed()));
    }

    /** One try of {@link #everyFormStepsAsTheGeneralRecurrence()}. */
    record FormCase(int modeIndex, boolean eOnInput, boolean other, long seed) {
    }

    private void everyFormStepsAsTheGeneralRecurrence(int modeIndex, boolean eOnInput, boolean other,
            long seed) throws Exception {
        Random rnd = new Random(seed);
        SsmMode mode = SsmMode.values()[modeIndex];
        int cin = mode == SsmMode.NECK && other ? 1 : 1 + rnd.nextInt(12);
        int cout = mode == SsmMode.DWS ? 1 + rnd.nextInt(12) : 1 + rnd.nextInt(12);
        int states = 1 + rnd.nextInt(20);
        int blocks = 1 + rnd.nextInt(3);
        NetworkPlan.BlockPlan b = block(mode, cin, cout, states, blocks);
        SsmLayer layer = b.layer();
        StepForm planned = StepForm.of(layer, b.passes().get(Pass.STREAM_STEP), Profile.defaults());
        // force the form: E on the input or the readout; lanes over states (dws, full) or Bhat after (neck, one input)
        StepForm form = new StepForm(mode, mode != SsmMode.S5 && eOnInput, mode == SsmMode.NECK && other,
                (mode == SsmMode.DWS || mode == SsmMode.FULL) && other, planned.plan(), planned.chosen(), null);
        Params p = params(layer, rnd);
        BlockShape shape = new BlockShape(BlockMode.valueOf(mode.name()), cin, layer.ssmOutChannels(), states,
                layer.blocks());
        FrameNode reference = new RecurrentSsmFrames(shape, layer.key(),
                mode == SsmMode.DWS ? identity(layer, p) : null, null, p);
        int length = 1 + rnd.nextInt(40);
        float[] in = randn(rnd, cin * length);
        float[] want = stream(reference, in, split(rnd, length, 9));
        String what = form.describe() + (form.lanesOverStates() ? " lanes over states" : "") + " " + shape;
        for (boolean vector : VectorSupport.available() ? new boolean[] {true, false} : new boolean[] {false}) {
            FrameNode node = step(layer, form, p, vector);
            assertClose(what + (vector ? " vector" : " scalar"), want, stream(node, in, split(rnd, length, 9)));
            node.reset();
            int[] ones = new int[length];
            Arrays.fill(ones, 1);
            assertClose(what + (vector ? " vector" : " scalar") + " after a reset", want, stream(node, in, ones));
        }
    }

    /**
     * A full layer with lanes over output channels takes blocks of frames at once on the vector
     * path (its state in registers): the same bits as one frame per call, for output channels that
     * fill whole vectors on any machine and leave a tail, with E on either side.
     */
    @Test
    void blocksOfFramesAreFrameByFrameToTheBit() throws Exception {
        Random rnd = new Random(13);
        for (boolean eOnInput : new boolean[] {false, true}) {
            NetworkPlan.BlockPlan b = block(SsmMode.FULL, 3, 67, 5, 1);
            SsmLayer layer = b.layer();
            StepForm planned = StepForm.of(layer, b.passes().get(Pass.STREAM_STEP), Profile.defaults());
            StepForm form = new StepForm(SsmMode.FULL, eOnInput, false, false, planned.plan(), planned.chosen(), null);
            Params p = params(layer, rnd);
            int length = 23;
            float[] in = randn(rnd, 3 * length);
            int[] ones = new int[length];
            Arrays.fill(ones, 1);
            for (boolean vector : VectorSupport.available() ? new boolean[] {true, false} : new boolean[] {false}) {
                float[] byFrame = stream(step(layer, form, p, vector), in, ones);
                float[] blocked = stream(step(layer, form, p, vector), in, new int[] {length});
                org.junit.jupiter.api.Assertions.assertArrayEquals(byFrame, blocked,
                        (eOnInput ? "E on the input" : "E on the readout") + (vector ? " vector" : " scalar"));
            }
        }
    }

    @Test
    void formsAreReadOffThePlannersStepPlans() {
        // s5: Bhat u first, then the update, then C x: the planner's step plan exactly
        StepForm s5 = form(SsmMode.S5, 16, 16, 16, 4);
        assertEquals("scan (((u B) * V') C)", s5.describe());
        assertEquals(s5.plan().shape(), s5.describe());
        assertNull(s5.note());
        // neck: E applied at the readout, as the planner orders it (the runtime's general step applies it to the input)
        StepForm neck = form(SsmMode.NECK, 8, 8, 8, 2);
        assertEquals("scan ((((u B) * V') E) C)", neck.describe());
        assertFalse(neck.eOnInput());
        assertNull(neck.note());
        // neck with one input channel: Bhat (one number per block) may scale each block's input or, after the
        // recurrence, its readout, for the same work; the cost model ranks these orders (and others that apply B
        // later still) equal to a few picoseconds, so which one the planner lists first is arbitrary. The form
        // follows whichever of its two orders it is given, exactly, and says when it reorders another.
        NetworkPlan.BlockPlan b1 = block(SsmMode.NECK, 1, 16, 4, 4);
        NetworkPlan.PassPlan step1 = b1.passes().get(Pass.STREAM_STEP);
        StepForm neck1 = StepForm.of(b1.layer(), step1, Profile.defaults());
        if (neck1.plan().shape().equals(neck1.describe())) {
            assertNull(neck1.note());
            assertEquals(bAfterTheScan(neck1.plan().shape()), neck1.bAfter(), neck1.describe());
        } else {
            assertTrue(neck1.note().contains("same work in another order"), neck1.note());
        }
        for (String shape : List.of("scan ((((u * V') E) B) C)", "scan ((((u B) * V') E) C)")) {
            Plan given = Search.candidates(step1.spec(), Profile.defaults()).stream()
                    .filter(p -> p.shape().equals(shape)).findFirst().orElseThrow(() -> new AssertionError("no plan " + shape));
            StepForm f = StepForm.of(b1.layer(), new NetworkPlan.PassPlan(step1.spec(), given, null, null), Profile.defaults());
            assertEquals(shape, f.describe());
            assertEquals(bAfterTheScan(shape), f.bAfter(), shape);
            assertFalse(f.eOnInput(), shape);
            assertNull(f.note(), shape);
        }
        // a step plan that transforms time (an FFT over the one frame, which the cost model may rank first for a
        // single frame): the step runs the cheapest scan instead, and says so
        NetworkPlan.BlockPlan d = block(SsmMode.DWS, 24, 24, 16, 1);
        NetworkPlan.PassPlan dwsStep = d.passes().get(Pass.STREAM_STEP);
        Plan fft = Search.candidates(dwsStep.spec(), Profile.defaults()).stream()
                .filter(p -> p.algorithm() instanceof TimeAlgorithm.Fft).findFirst().orElseThrow();
        StepForm dws = StepForm.of(d.layer(), new NetworkPlan.PassPlan(dwsStep.spec(), fft, null, null), Profile.defaults());
        assertEquals("scan ((u * V') E)", dws.describe());
        assertEquals(fft, dws.chosen());
        assertNotNull(dws.note());
        assertTrue(dws.note().contains("carries its state"), dws.note());
        // lanes: over channels when there are enough of them, else over the states of each channel
        assertFalse(dws.lanesOverStates());
        assertTrue(form(SsmMode.FULL, 1, 1, 8, 1).lanesOverStates());
        assertFalse(form(SsmMode.FULL, 4, 16, 8, 1).lanesOverStates());
    }

    /** Whether a neck scan's shape applies B after the recurrence (read off the text, independently of StepForm). */
    private static boolean bAfterTheScan(String shape) {
        return shape.indexOf('B') > shape.indexOf("* V'");
    }

    private static StepForm form(SsmMode mode, int cin, int cout, int states, int blocks) {
        NetworkPlan.BlockPlan b = block(mode, cin, cout, states, blocks);
        return StepForm.of(b.layer(), b.passes().get(Pass.STREAM_STEP), Profile.defaults());
    }
}
