package dev.ssmc.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.ssmc.compiler.codegen.Poet.Code;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.Modifier;

/**
 * Writes the streaming step of one SSM block: a class extending the runtime's {@code SsmFrames}
 * (which runs the mixer) whose sizes are constants, whose multipliers {@code exp(dtA)} and weights
 * (with {@code dt} folded in) are computed once when a stream is made, laid out so the hot loop
 * runs with unit stride along the lanes, and whose {@code step} advances the recurrence by one
 * frame in the order of the block's {@link StepForm}.
 *
 * <p>Two paths: plain loops, and a nested {@code Lanes} class with the Vector API loops over
 * {@code FloatVector.SPECIES_PREFERRED} (whole vectors, then the scalar code for the lanes left).
 * {@code Lanes} is only loaded when a stream takes the vector path, so a JVM without the
 * {@code jdk.incubator.vector} module runs the scalar path. As the runtime's {@code StreamVector}
 * explains, C2 (JDK 17) boxes a vector passed to a method it does not inline or accumulated
 * through two loop levels: every vector kernel is written out in one method, takes and returns
 * only arrays and ints, and accumulates in one loop level.
 */
final class StepEmitter {
    private static final ClassName FV = Poet.FLOAT_VECTOR;

    private final SsmLayer layer;
    private final StepForm form;
    private final ClassName type;
    private final ClassName lanes;
    private final int cin;
    private final int cout;
    private final int n;
    private final int blocks;
    private final int states;

    private StepEmitter(SsmLayer layer, StepForm form, ClassName type) {
        this.layer = layer;
        this.form = form;
        this.type = type;
        this.lanes = type.nestedClass("Lanes");
        this.cin = layer.inChannels();
        this.cout = layer.mode() == SsmMode.DWS ? layer.inChannels() : layer.ssmOutChannels();
        this.n = layer.states();
        this.blocks = layer.blocks();
        this.states = switch (layer.mode()) {
            case DWS -> cin * n;
            case S5, NECK -> blocks * n;
            case FULL -> cout * cin * n;
        };
    }

    /** The step class of {@code layer}, named {@code type}. */
    static TypeSpec stepClass(SsmLayer layer, StepForm form, ClassName type) {
        return new StepEmitter(layer, form, type).build();
    }

    private TypeSpec build() {
        TypeSpec.Builder t = TypeSpec.classBuilder(type).addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .superclass(Poet.SSM_FRAMES)
                .addJavadoc(classDoc());
        t.addField(Poet.privateConstant("CIN", cin));
        t.addField(Poet.privateConstant("COUT", cout));
        t.addField(Poet.privateConstant("N", n));
        if (layer.mode() == SsmMode.S5 || layer.mode() == SsmMode.NECK) {
            t.addField(Poet.privateConstant("BLOCKS", blocks));
        }
        if (layer.mode() == SsmMode.FULL) {
            t.addField(Poet.privateConstant("PAIRS", cin * n));
        }
        t.addField(Poet.privateConstant("STATES", states));
        t.addField(FieldSpec.builder(String.class, "KEY", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$S", layer.key()).build());
        t.addField(FieldSpec.builder(Poet.BLOCK_SHAPE, "SHAPE", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("new $T($T.$L, CIN, $L, N, $L)", Poet.BLOCK_SHAPE, Poet.BLOCK_MODE, layer.mode().name(),
                        layer.ssmOutChannels(), blocks)
                .build());
        t.addField(Poet.floats("dr", "{@code Re(a - 1)}, {@code a = exp(dtA)}, per state, in this step's layout ("
                + layoutDoc() + "): states step {@code x += (a - 1) x + v}, whose pole a float {@code a} would move. "
                + "Like every weight array here, shared by the network's streams (read only)."));
        t.addField(Poet.floats("di", "{@code Im(a - 1)} per state."));
        t.addField(Poet.floats("xr", "STATES", "The state, real parts."));
        t.addField(Poet.floats("xi", "STATES", "The state, imaginary parts."));
        weightFields(t);
        t.addField(FieldSpec.builder(TypeName.BOOLEAN, "vector", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("Whether frames take the Vector API path ({@link Lanes}).\n").build());
        t.addMethod(constructor());
        t.addMethod(weights());
        t.addMethod(MethodSpec.methodBuilder("resetState").addAnnotation(Override.class).addModifiers(Modifier.PROTECTED)
                .addStatement("$T.fill(xr, 0f)", java.util.Arrays.class)
                .addStatement("$T.fill(xi, 0f)", java.util.Arrays.class)
                .build());
        t.addMethod(MethodSpec.methodBuilder("flushTinyState").addAnnotation(Override.class).addModifiers(Modifier.PROTECTED)
                .addStatement("flushTiny(xr, vector)")
                .addStatement("flushTiny(xi, vector)")
                .build());
        t.addMethod(MethodSpec.methodBuilder("saveSsmState").addAnnotation(Override.class).addModifiers(Modifier.PROTECTED)
                .addParameter(Poet.STATE_WRITER, "out")
                .addStatement("out.writeFloats(xr)")
                .addStatement("out.writeFloats(xi)")
                .build());
        t.addMethod(MethodSpec.methodBuilder("restoreSsmState").addAnnotation(Override.class).addModifiers(Modifier.PROTECTED)
                .addParameter(Poet.STATE_READER, "in")
                .addStatement("in.readFloats(xr, KEY + $S)", "'s state (real parts)")
                .addStatement("in.readFloats(xi, KEY + $S)", "'s state (imaginary parts)")
                .build());
        t.addMethod(steps());
        t.addMethod(MethodSpec.methodBuilder("step").addAnnotation(Override.class).addModifiers(Modifier.PROTECTED)
                .addParameter(float[].class, "u").addParameter(int.class, "uo")
                .addParameter(float[].class, "y").addParameter(int.class, "yo")
                .addCode(stepBody())
                .build());
        scalarMethods(t);
        t.addType(lanesClass());
        return t.build();
    }

    /**
     * Frames blocked on the vector path ({@link #FRAME_BLOCK} at a time) where the form has a blocked
     * kernel, then one {@code step} per frame.
     */
    private MethodSpec steps() {
        Code c = new Code().s("int f = 0");
        boolean blocked = framesBlocked();
        if (blocked) {
            c.open("if (vector)").open("for (; f + $L <= frames; f += $L)", FRAME_BLOCK, FRAME_BLOCK)
                    .s("int from = $T.frames(this, u, uo + f * CIN, y, yo + f * COUT)", lanes)
                    .open("for (int g = f; g < f + $L; g++)", FRAME_BLOCK)
                    .s("scalarStep(from, u, uo + g * CIN, y, yo + g * COUT)").close().close().close();
        }
        c.open("for (; f < frames; f++)").s("step(u, uo + f * CIN, y, yo + f * COUT)").close();
        return MethodSpec.methodBuilder("steps").addAnnotation(Override.class).addModifiers(Modifier.PROTECTED)
                .addJavadoc(blocked
                        ? "The frames of a call: on the vector path blocks of " + FRAME_BLOCK + " frames with the state in "
                                + "registers ({@link Lanes#frames}), the same operations in the same order as "
                                + "{@link #step} per frame; then one {@link #step} each.\n"
                        : "The frames of a call, one {@link #step} each (bound statically, so it is inlined).\n")
                .addParameter(float[].class, "u").addParameter(int.class, "uo").addParameter(int.class, "frames")
                .addParameter(float[].class, "y").addParameter(int.class, "yo")
                .addCode(c.build())
                .build();
    }

    /**
     * Frames per block of the blocked kernel: four keeps the state, the multipliers and one
     * accumulator per frame in 16 vector registers, so AVX2 machines do not spill either.
     */
    private static final int FRAME_BLOCK = 4;

    /** Whether the form has a kernel over blocks of frames: full with lanes over output channels. */
    private boolean framesBlocked() {
        return layer.mode() == SsmMode.FULL && !form.lanesOverStates();
    }

    // ---- documentation ----

    private CodeBlock classDoc() {
        CodeBlock.Builder d = CodeBlock.builder()
                .add("$L streamed, one frame per step: $L, $L to $L channels, $L state$L$L.\n", key(),
                        layer.mode().spelling(), cin, layer.ssmOutChannels(), states, states == 1 ? "" : "s",
                        blocks > 1 ? " in " + blocks + " blocks" : "")
                .add("\n<p>Recurrence: $L.\n", words());
        d.add("Sizes: {@code CIN} input channels, {@code COUT} channels of the SSM's output frame$L, {@code N} states per $L$L, "
                + "{@code STATES} in all.\n", layer.mode() == SsmMode.DWS ? " (the pointwise conv follows)" : "",
                layer.mode() == SsmMode.S5 || layer.mode() == SsmMode.NECK ? "block, {@code BLOCKS} blocks" : "channel",
                layer.mode() == SsmMode.FULL ? ", {@code PAIRS} (input channel, state) pairs per output channel" : "");
        d.add("Step plan: {@code $L}", Poet.javadoc(form.plan().shape()));
        if (form.plan() == form.chosen()) {
            d.add(" (the planner's choice for one frame, predicted $L ms)", millis(form.chosen()));
        }
        d.add(".\n");
        if (form.note() != null) {
            d.add("$L.\n", Poet.javadoc(form.note()));
        }
        return d.build();
    }

    private static String millis(dev.ssmc.compiler.plan.Plan p) {
        return String.format(Locale.ROOT, "%.3f", p.cost().seconds() * 1e3);
    }

    private String key() {
        return layer.key().isEmpty() ? "The layer" : "{@code " + layer.key() + "}";
    }

    /** The step in words, as the generated loops compute it. */
    private String words() {
        String x = "{@code x = exp(dtA) x + ";
        return switch (layer.mode()) {
            case DWS -> form.eOnInput()
                    ? x + "Ehat[c][n] u[c]}, then {@code y[c] = sum_n Re x[c][n]}"
                    : x + "u[c]}, then {@code y[c] = sum_n Ehat[c][n] Re x[c][n]}";
            case FULL -> form.eOnInput()
                    ? x + "Ehat[d][c][n] u[c]}, then {@code y[d] = sum_{c,n} Re x[d][c][n]}"
                    : x + "u[c]}, then {@code y[d] = sum_{c,n} Ehat[d][c][n] Re x[d][c][n]}";
            case S5 -> "{@code v = Bhat u} first, then " + x + "v} per state, then {@code y = C Re(x)}";
            case NECK -> (form.bAfter() ? "" : "{@code v[j] = sum_c Bhat[j][c] u[c]} first, then ")
                    + x + (form.eOnInput() ? "E[j][m] " : "") + (form.bAfter() ? "u}" : "v[j]}")
                    + ", then {@code q[j] = sum_m " + (form.eOnInput() ? "" : "E[j][m] ") + "Re x[j][m]}"
                    + (form.bAfter() ? " scaled by {@code Bhat[j]}" : "") + ", then {@code y = C q}";
        };
    }

    private String layoutDoc() {
        return switch (layer.mode()) {
            case DWS -> form.lanesOverStates() ? "{@code [c][n]}, lanes over states" : "{@code [n][c]}, lanes over channels";
            case FULL -> form.lanesOverStates() ? "{@code [d][c][n]}, lanes over (c, n) pairs"
                    : "{@code [c][n][d]}, lanes over output channels";
            case S5 -> "{@code [s]}, lanes over states";
            case NECK -> "{@code [j][m]}, lanes over the states of a block";
        };
    }

    // ---- fields and construction ----

    private void weightFields(TypeSpec.Builder t) {
        switch (layer.mode()) {
            case DWS, FULL -> t.addField(Poet.floats("e", "Ehat = E dt per state, in the states' layout."));
            case S5 -> {
                t.addField(Poet.floats("bIn", "Bhat = B dt as {@code [c][s]}."));
                t.addField(Poet.floats("cOut", "C as {@code [s][d]}."));
                t.addField(Poet.floats("v", "STATES", "Scalar path: {@code v = Bhat u} of the frame."));
            }
            case NECK -> {
                t.addField(Poet.floats("bIn", "Bhat = B dt as {@code [j][c]}."));
                t.addField(Poet.floats("e", "E as {@code [j][m]}."));
                t.addField(Poet.floats("cOut", "C as {@code [j][d]}."));
                t.addField(Poet.floats("v", "BLOCKS", "{@code v[j]} of the frame, then {@code q[j]}."));
            }
        }
        if (layer.mode() == SsmMode.FULL && form.lanesOverStates() && cin > 1) {
            t.addField(Poet.floats("uq", "PAIRS", "The input of every (c, n) pair: {@code u[c]}."));
        }
    }

    /** The weight arrays of this mode, in the order {@link #weights()} returns them. */
    private List<String> weightArrays() {
        return switch (layer.mode()) {
            case DWS, FULL -> List.of("dr", "di", "e");
            case S5 -> List.of("dr", "di", "bIn", "cOut");
            case NECK -> List.of("dr", "di", "bIn", "e", "cOut");
        };
    }

    private MethodSpec constructor() {
        Code c = new Code()
                .s("super(SHAPE, KEY, in, out, p, vector)")
                .s("this.vector = vector")
                .s("float[][] w = p.shared($S, () -> weights(p))", "step of " + layer.key());
        List<String> arrays = weightArrays();
        for (int i = 0; i < arrays.size(); i++) {
            c.s("this.$L = w[$L]", arrays.get(i), i);
        }
        return MethodSpec.constructorBuilder()
                .addJavadoc("Takes the step's weights from {@code p}: the network's shared copy, or made here.\n")
                .addParameter(Poet.ACTIVATION_FRAMES, "in").addParameter(Poet.ACTIVATION_FRAMES, "out")
                .addParameter(Poet.PARAMS, "p").addParameter(boolean.class, "vector")
                .addCode(c.build())
                .build();
    }

    /** The static method that discretizes the block's stored tensors into the step's weight arrays. */
    private MethodSpec weights() {
        List<String> arrays = weightArrays();
        Code c = new Code();
        for (String a : arrays) {
            c.s("float[] $L = new float[$L]", a, switch (a) {
                case "bIn" -> layer.mode() == SsmMode.S5 ? "CIN * STATES" : "BLOCKS * CIN";
                case "cOut" -> layer.mode() == SsmMode.S5 ? "STATES * COUT" : "BLOCKS * COUT";
                default -> "STATES";
            });
        }
        c.s("$T d = discretization(SHAPE, KEY, p)", Poet.DISCRETIZATION);
        switch (layer.mode()) {
            case DWS -> {
                c.s("float[] eHat = d.weights().get($S)", "E");
                if (form.lanesOverStates()) { // the reference's own order [c][n]
                    c.s("$T.arraycopy(eHat, 0, e, 0, STATES)", System.class)
                            .open("for (int s = 0; s < STATES; s++)").s("multiplier(d, s, s, dr, di)").close();
                } else {
                    c.open("for (int c = 0; c < CIN; c++)").open("for (int k = 0; k < N; k++)")
                            .s("int s = c * N + k").s("int i = k * CIN + c")
                            .s("multiplier(d, s, i, dr, di)").s("e[i] = eHat[s]").close().close();
                }
            }
            case FULL -> {
                c.s("float[] eHat = d.weights().get($S)", "E");
                if (form.lanesOverStates()) { // the reference's own order [d][c][n]
                    c.s("$T.arraycopy(eHat, 0, e, 0, STATES)", System.class)
                            .open("for (int s = 0; s < STATES; s++)").s("multiplier(d, s, s, dr, di)").close();
                } else {
                    c.open("for (int o = 0; o < COUT; o++)").open("for (int q = 0; q < PAIRS; q++)")
                            .s("int s = o * PAIRS + q").s("int i = q * COUT + o")
                            .s("multiplier(d, s, i, dr, di)").s("e[i] = eHat[s]").close().close();
                }
            }
            case S5 -> {
                c.s("float[] bHat = d.weights().get($S)", "B").s("float[] cw = d.weights().get($S)", "C");
                c.open("for (int s = 0; s < STATES; s++)").s("multiplier(d, s, s, dr, di)")
                        .open("for (int ch = 0; ch < CIN; ch++)").s("bIn[ch * STATES + s] = bHat[s * CIN + ch]").close()
                        .open("for (int o = 0; o < COUT; o++)").s("cOut[s * COUT + o] = cw[o * STATES + s]").close()
                        .close();
            }
            case NECK -> {
                c.s("float[] bHat = d.weights().get($S)", "B").s("float[] cw = d.weights().get($S)", "C")
                        .s("$T.arraycopy(bHat, 0, bIn, 0, BLOCKS * CIN)", System.class)
                        .s("$T.arraycopy(d.weights().get($S), 0, e, 0, STATES)", System.class, "E");
                c.open("for (int s = 0; s < STATES; s++)").s("multiplier(d, s, s, dr, di)").close();
                c.open("for (int j = 0; j < BLOCKS; j++)").open("for (int o = 0; o < COUT; o++)")
                        .s("cOut[j * COUT + o] = cw[o * BLOCKS + j]").close().close();
            }
        }
        c.s("return new float[][] {$L}", String.join(", ", arrays));
        return MethodSpec.methodBuilder("weights").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Discretizes the block's stored tensors (read through {@code p}) into this step's layout: {@code {$L}}.\n",
                        String.join(", ", arrays))
                .returns(float[][].class)
                .addParameter(Poet.PARAMS, "p")
                .addCode(c.build())
                .build();
    }

    // ---- the step ----

    private CodeBlock stepBody() {
        Code c = new Code().comment("$L", form.describe());
        switch (layer.mode()) {
            case DWS, FULL -> {
                if (form.lanesOverStates()) {
                    c.open("if (vector)").s("$T.step(this, u, uo, y, yo)", lanes).orElse()
                            .s("scalarStep(u, uo, y, yo)").close();
                } else {
                    c.s("int from = vector ? $T.step(this, u, uo, y, yo) : 0", lanes).s("scalarStep(from, u, uo, y, yo)");
                }
            }
            case S5 -> c.s("int s = vector ? $T.update(this, u, uo) : 0", lanes).s("update(s, u, uo)")
                    .s("int d = vector ? $T.readout(this, y, yo) : 0", lanes).s("readout(d, y, yo)");
            case NECK -> {
                c.open("if (vector)").s("$T.blocks(this, u, uo)", lanes).orElse().s("blocks(u, uo)").close();
                c.s("int d = vector ? $T.readout(this, y, yo) : 0", lanes).s("readout(d, y, yo)");
            }
        }
        return c.build();
    }

    /**
     * {@link #vectorUpdate} of the lanes from state {@code i} with E where the form puts it: on the
     * input, or weighting the new real parts as they are added to the accumulator {@code acc}.
     */
    private Code vectorUpdateAndAdd(Code c, String input) {
        if (form.eOnInput()) {
            c.s("$T ei = $T.fromArray(S, e, i)", FV, FV);
            vectorUpdate(c, "ei.mul(" + input + ")");
            return c.s("acc = acc.add(nr)");
        }
        vectorUpdate(c, input);
        return c.s("acc = $T.fromArray(S, e, i).fma(nr, acc)", FV);
    }

    /**
     * {@code x = a x + input} on state {@code i}, as {@code x + ((a - 1) x + input)} (in locals pr,
     * pi for {@code a - 1}, sr, si; the new real part in nr).
     */
    private static void scalarUpdate(Code c, String input) {
        c.s("float pr = dr[i]").s("float pi = di[i]").s("float sr = xr[i]").s("float si = xi[i]")
                .s("float nr = sr + (pr * sr - pi * si + $L)", input).s("xi[i] = si + (pr * si + pi * sr)").s("xr[i] = nr");
    }

    /** The vector twin of {@link #scalarUpdate}: lanes from {@code i}, two FMAs and an add per part. */
    private static void vectorUpdate(Code c, String input) {
        c.s("$T pr = $T.fromArray(S, dr, i)", FV, FV).s("$T pi = $T.fromArray(S, di, i)", FV, FV)
                .s("$T sr = $T.fromArray(S, xr, i)", FV, FV).s("$T si = $T.fromArray(S, xi, i)", FV, FV)
                .s("$T nr = sr.add(pr.fma(sr, pi.neg().fma(si, $L)))", FV, input)
                .s("si.add(pr.fma(si, pi.mul(sr))).intoArray(xi, i)").s("nr.intoArray(xr, i)");
    }

    private static MethodSpec.Builder method(String name, String doc) {
        return MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE).addJavadoc(doc + "\n");
    }

    private static MethodSpec.Builder frameIo(MethodSpec.Builder m) {
        return m.addParameter(float[].class, "u").addParameter(int.class, "uo")
                .addParameter(float[].class, "y").addParameter(int.class, "yo");
    }

    private void scalarMethods(TypeSpec.Builder t) {
        t.addMethod(MethodSpec.methodBuilder("multiplier").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("{@code a - 1 = exp(dtA) - 1} of the reference's state {@code s} at index {@code i}: in double, "
                        + "without cancellation, rounded once.\n")
                .addParameter(Poet.DISCRETIZATION, "d").addParameter(int.class, "s").addParameter(int.class, "i")
                .addParameter(float[].class, "dr").addParameter(float[].class, "di")
                .addStatement("dr[i] = (float) $T.decayRe(d.dtARe()[s], d.dtAIm()[s])", Poet.SSM_KERNELS)
                .addStatement("di[i] = (float) $T.decayIm(d.dtARe()[s], d.dtAIm()[s])", Poet.SSM_KERNELS)
                .build());
        switch (layer.mode()) {
            case DWS -> t.addMethod(form.lanesOverStates() ? dwsScalarByStates() : dwsScalarByChannels());
            case FULL -> t.addMethod(form.lanesOverStates() ? fullScalarByPairs() : fullScalarByOutputs());
            case S5 -> {
                t.addMethod(s5ScalarUpdate());
                t.addMethod(readoutScalar("STATES", "xr", "C Re(x)"));
            }
            case NECK -> {
                t.addMethod(neckScalarBlocks());
                t.addMethod(readoutScalar("BLOCKS", "v", "C q"));
            }
        }
    }

    /**
     * The scalar twin of {@link #vectorUpdateAndAdd}: {@link #scalarUpdate} of state {@code i} with E
     * on its input, or weighting the new real part as it is added to {@code sum}.
     */
    private Code scalarUpdateAndAdd(Code c, String input, String sum) {
        scalarUpdate(c, form.eOnInput() ? "e[i] * " + input : input);
        return c.s("$L += $L", sum, form.eOnInput() ? "nr" : "e[i] * nr");
    }

    private MethodSpec dwsScalarByChannels() {
        Code c = new Code()
                .open("for (int c = from; c < CIN; c++)").s("y[yo + c] = 0f").close()
                .open("for (int k = 0; k < N; k++)").s("int base = k * CIN")
                .open("for (int c = from; c < CIN; c++)").s("int i = base + c");
        scalarUpdateAndAdd(c, "u[uo + c]", "y[yo + c]").close().close();
        return frameIo(method("scalarStep", "Channels {@code from ..} of a frame, lanes over channels (unit stride).")
                .addParameter(int.class, "from")).addCode(c.build()).build();
    }

    private MethodSpec dwsScalarByStates() {
        Code c = new Code()
                .open("for (int c = 0; c < CIN; c++)").s("float uc = u[uo + c]").s("float sum = 0f")
                .open("for (int i = c * N; i < (c + 1) * N; i++)");
        scalarUpdateAndAdd(c, "uc", "sum").close().s("y[yo + c] = sum").close();
        return frameIo(method("scalarStep", "One frame, channel by channel.")).addCode(c.build()).build();
    }

    private MethodSpec fullScalarByOutputs() {
        Code c = new Code()
                .open("for (int d = from; d < COUT; d++)").s("y[yo + d] = 0f").close()
                .open("for (int q = 0; q < PAIRS; q++)").s("float uc = u[uo + q / N]").s("int base = q * COUT")
                .open("for (int d = from; d < COUT; d++)").s("int i = base + d");
        scalarUpdateAndAdd(c, "uc", "y[yo + d]").close().close();
        return frameIo(method("scalarStep", "Output channels {@code from ..} of a frame, lanes over output channels.")
                .addParameter(int.class, "from")).addCode(c.build()).build();
    }

    private MethodSpec fullScalarByPairs() {
        Code c = new Code()
                .open("for (int d = 0; d < COUT; d++)").s("float sum = 0f").s("int base = d * PAIRS")
                .open("for (int ch = 0; ch < CIN; ch++)").s("float uc = u[uo + ch]")
                .open("for (int k = 0; k < N; k++)").s("int i = base + ch * N + k");
        scalarUpdateAndAdd(c, "uc", "sum").close().close().s("y[yo + d] = sum").close();
        return frameIo(method("scalarStep", "One frame, output channel by output channel.")).addCode(c.build()).build();
    }

    private MethodSpec s5ScalarUpdate() {
        Code c = new Code()
                .open("for (int s = from; s < STATES; s++)").s("v[s] = 0f").close()
                .open("for (int ch = 0; ch < CIN; ch++)").s("float uc = u[uo + ch]").s("int base = ch * STATES")
                .open("for (int s = from; s < STATES; s++)").s("v[s] += bIn[base + s] * uc").close().close()
                .open("for (int i = from; i < STATES; i++)");
        scalarUpdate(c, "v[i]");
        c.close();
        return method("update", "States {@code from ..}: {@code v = Bhat u}, then {@code x = a x + v}.")
                .addParameter(int.class, "from").addParameter(float[].class, "u").addParameter(int.class, "uo")
                .addCode(c.build()).build();
    }

    /** {@code y[d] = sum_k w[k][d] x[k]} for output channels {@code from ..}. */
    private MethodSpec readoutScalar(String k, String x, String what) {
        Code c = new Code()
                .open("for (int d = from; d < COUT; d++)").s("y[yo + d] = 0f").close()
                .open("for (int k = 0; k < $L; k++)", k).s("float r = $L[k]", x).s("int base = k * COUT")
                .open("for (int d = from; d < COUT; d++)").s("y[yo + d] += cOut[base + d] * r").close().close();
        return method("readout", "Output channels {@code from ..}: {@code y = " + what + "}, lanes over output channels.")
                .addParameter(int.class, "from").addParameter(float[].class, "y").addParameter(int.class, "yo")
                .addCode(c.build()).build();
    }

    private MethodSpec neckScalarBlocks() {
        Code c = new Code().open("for (int j = 0; j < BLOCKS; j++)");
        neckInput(c);
        c.s("float q = 0f").open("for (int i = j * N; i < (j + 1) * N; i++)");
        scalarUpdateAndAdd(c, "vj", "q").close();
        c.s("v[j] = $L", form.bAfter() ? "bIn[j] * q" : "q").close();
        return method("blocks", "Every block: its input, the update, {@code q[j]} into {@code v[j]}.")
                .addParameter(float[].class, "u").addParameter(int.class, "uo").addCode(c.build()).build();
    }

    /** neck: {@code vj}, the input of block {@code j}'s states (Bhat u, or u itself when Bhat scales the readout). */
    private void neckInput(Code c) {
        if (form.bAfter()) {
            c.s("float vj = u[uo]");
            return;
        }
        c.s("float vj = 0f").s("int row = j * CIN")
                .open("for (int ch = 0; ch < CIN; ch++)").s("vj += bIn[row + ch] * u[uo + ch]").close();
    }

    // ---- the Vector API path ----

    private TypeSpec lanesClass() {
        TypeSpec.Builder t = TypeSpec.classBuilder(lanes).addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The Vector API path: whole vectors of lanes, each method returning the first lane it left to\n"
                        + "the scalar code or finishing the lanes itself. Loaded only when a stream takes this path.\n");
        t.addField(FieldSpec.builder(Poet.FLOAT_SPECIES, "S", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$T.SPECIES_PREFERRED", FV).build());
        t.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        switch (layer.mode()) {
            case DWS -> t.addMethod(form.lanesOverStates() ? dwsLanesByStates(t) : dwsLanesByChannels(t));
            case FULL -> {
                t.addMethod(form.lanesOverStates() ? fullLanesByPairs(t) : fullLanesByOutputs(t));
                if (framesBlocked()) {
                    t.addMethod(fullLanesByOutputsBlocked());
                }
            }
            case S5 -> {
                t.addMethod(s5LanesUpdate(t));
                t.addMethod(lanesReadout(t, "STATES", "xr"));
            }
            case NECK -> {
                t.addMethod(neckLanesBlocks(t));
                t.addMethod(lanesReadout(t, "BLOCKS", "v"));
            }
        }
        return t.build();
    }

    private static void bound(TypeSpec.Builder t, String name, String count) {
        t.addField(FieldSpec.builder(int.class, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The lanes of {@code $L} that whole vectors cover.\n", count)
                .initializer("S.loopBound($L)", count).build());
    }

    private MethodSpec.Builder lanesMethod(String name, String doc, TypeName returns) {
        return MethodSpec.methodBuilder(name).addModifiers(Modifier.STATIC).returns(returns).addJavadoc(doc + "\n")
                .addParameter(type, "self");
    }

    private static void locals(Code c, String... arrays) {
        for (String a : arrays) {
            c.s("float[] $L = self.$L", a, a);
        }
    }

    private MethodSpec dwsLanesByChannels(TypeSpec.Builder t) {
        bound(t, "UPPER", "CIN");
        Code c = new Code();
        locals(c, "dr", "di", "xr", "xi", "e");
        c.s("int c = 0").open("for (; c < UPPER; c += S.length())")
                .s("$T uc = $T.fromArray(S, u, uo + c)", FV, FV).s("$T acc = $T.zero(S)", FV, FV)
                .open("for (int k = 0; k < N; k++)").s("int i = k * CIN + c");
        vectorUpdateAndAdd(c, "uc").close()
                .s("acc.intoArray(y, yo + c)").close().s("return c");
        return frameIo(lanesMethod("step", "Whole vectors of channels; returns the first channel left.", TypeName.INT))
                .addCode(c.build()).build();
    }

    private MethodSpec dwsLanesByStates(TypeSpec.Builder t) {
        bound(t, "UPPER", "N");
        Code c = new Code();
        locals(c, "dr", "di", "xr", "xi", "e");
        c.open("for (int c = 0; c < CIN; c++)").s("float uc = u[uo + c]").s("$T in = $T.broadcast(S, uc)", FV, FV)
                .s("$T acc = $T.zero(S)", FV, FV).s("int base = c * N").s("int k = 0")
                .open("for (; k < UPPER; k += S.length())").s("int i = base + k");
        vectorUpdateAndAdd(c, "in").close()
                .s("float sum = acc.reduceLanes($T.ADD)", Poet.VECTOR_OPERATORS)
                .open("for (; k < N; k++)").s("int i = base + k");
        scalarUpdateAndAdd(c, "uc", "sum").close().s("y[yo + c] = sum").close();
        return frameIo(lanesMethod("step", "One frame: per channel, whole vectors of its states, then the rest.",
                TypeName.VOID)).addCode(c.build()).build();
    }

    private MethodSpec fullLanesByOutputs(TypeSpec.Builder t) {
        bound(t, "UPPER", "COUT");
        Code c = new Code();
        locals(c, "dr", "di", "xr", "xi", "e");
        c.s("int d = 0").open("for (; d < UPPER; d += S.length())").s("$T acc = $T.zero(S)", FV, FV)
                .comment("one flat loop over the (c, n) pairs: an accumulator carried through two loop levels is boxed")
                .open("for (int q = 0; q < PAIRS; q++)").s("int i = q * COUT + d")
                .s("$T in = $T.broadcast(S, u[uo + q / N])", FV, FV);
        vectorUpdateAndAdd(c, "in").close()
                .s("acc.intoArray(y, yo + d)").close().s("return d");
        return frameIo(lanesMethod("step", "Whole vectors of output channels; returns the first one left.", TypeName.INT))
                .addCode(c.build()).build();
    }

    /**
     * {@link #fullLanesByOutputs} over {@link #FRAME_BLOCK} consecutive frames at once: each (c, n)
     * pair's multipliers and state are loaded once and its state stays in registers through the
     * frames, where frame by frame every step loads and stores the whole state (the keyword
     * spotter's full layer spent a third of its stream's time so). The accumulators are unrolled
     * variables of the one loop (a vector carried through two loop levels is boxed); each frame's
     * operations are those of {@code step}, in its order, so the results are the same bits.
     */
    private MethodSpec fullLanesByOutputsBlocked() {
        Code c = new Code();
        locals(c, "dr", "di", "xr", "xi", "e");
        c.s("int d = 0").open("for (; d < UPPER; d += S.length())");
        for (int f = 0; f < FRAME_BLOCK; f++) {
            c.s("$T acc$L = $T.zero(S)", FV, f, FV);
        }
        c.open("for (int q = 0; q < PAIRS; q++)").s("int i = q * COUT + d").s("int ch = uo + q / N")
                .s("$T pr = $T.fromArray(S, dr, i)", FV, FV).s("$T pi = $T.fromArray(S, di, i)", FV, FV)
                .s("$T ni = pi.neg()", FV).s("$T ei = $T.fromArray(S, e, i)", FV, FV)
                .s("$T sr = $T.fromArray(S, xr, i)", FV, FV).s("$T si = $T.fromArray(S, xi, i)", FV, FV);
        for (int f = 0; f < FRAME_BLOCK; f++) {
            c.s("$T in$L = $T.broadcast(S, u[ch + $L * CIN])", FV, f, FV, f)
                    .s("$T nr$L = sr.add(pr.fma(sr, ni.fma(si, $L)))", FV, f, form.eOnInput() ? "ei.mul(in" + f + ")" : "in" + f)
                    .s("si = si.add(pr.fma(si, pi.mul(sr)))")
                    .s("sr = nr$L", f)
                    .s(form.eOnInput() ? "acc$L = acc$L.add(nr$L)" : "acc$L = ei.fma(nr$L, acc$L)", f, f, f);
        }
        c.s("sr.intoArray(xr, i)").s("si.intoArray(xi, i)").close();
        for (int f = 0; f < FRAME_BLOCK; f++) {
            c.s("acc$L.intoArray(y, yo + $L * COUT + d)", f, f);
        }
        c.close().s("return d");
        return frameIo(lanesMethod("frames", "Whole vectors of output channels over " + FRAME_BLOCK
                + " frames from {@code u[uo]} and {@code y[yo]}; returns the first output channel left.", TypeName.INT))
                .addCode(c.build()).build();
    }

    private MethodSpec fullLanesByPairs(TypeSpec.Builder t) {
        bound(t, "UPPER", "PAIRS");
        Code c = new Code();
        locals(c, "dr", "di", "xr", "xi", "e");
        String input;
        String scalarInput;
        if (cin == 1) {
            c.s("float u0 = u[uo]").s("$T in = $T.broadcast(S, u0)", FV, FV);
            input = "in";
            scalarInput = "u0";
        } else {
            locals(c, "uq");
            c.open("for (int q = 0; q < PAIRS; q++)").s("uq[q] = u[uo + q / N]").close();
            input = "in";
            scalarInput = "uq[q]";
        }
        c.open("for (int d = 0; d < COUT; d++)").s("int base = d * PAIRS").s("$T acc = $T.zero(S)", FV, FV).s("int q = 0")
                .open("for (; q < UPPER; q += S.length())").s("int i = base + q");
        if (cin > 1) {
            c.s("$T in = $T.fromArray(S, uq, q)", FV, FV);
        }
        vectorUpdateAndAdd(c, input).close()
                .s("float sum = acc.reduceLanes($T.ADD)", Poet.VECTOR_OPERATORS)
                .open("for (; q < PAIRS; q++)").s("int i = base + q");
        scalarUpdateAndAdd(c, scalarInput, "sum").close().s("y[yo + d] = sum").close();
        return frameIo(lanesMethod("step", "One frame: per output channel, whole vectors of its (c, n) pairs, then the rest.",
                TypeName.VOID)).addCode(c.build()).build();
    }

    private MethodSpec s5LanesUpdate(TypeSpec.Builder t) {
        bound(t, "UPPER_STATES", "STATES");
        Code c = new Code();
        locals(c, "dr", "di", "xr", "xi", "bIn");
        c.s("int s = 0").open("for (; s < UPPER_STATES; s += S.length())")
                .comment("v = Bhat u in two accumulators (even and odd input channels), halving the FMA chain")
                .s("$T v0 = $T.zero(S)", FV, FV);
        if (cin >= 2) {
            c.s("$T v1 = $T.zero(S)", FV, FV);
            c.open("for (int ch = 0; ch + 1 < CIN; ch += 2)")
                    .s("v0 = $T.fromArray(S, bIn, ch * STATES + s).fma($T.broadcast(S, u[uo + ch]), v0)", FV, FV)
                    .s("v1 = $T.fromArray(S, bIn, (ch + 1) * STATES + s).fma($T.broadcast(S, u[uo + ch + 1]), v1)", FV, FV)
                    .close();
        }
        if (cin % 2 == 1) {
            c.s("v0 = $T.fromArray(S, bIn, (CIN - 1) * STATES + s).fma($T.broadcast(S, u[uo + CIN - 1]), v0)", FV, FV);
        }
        c.s(cin >= 2 ? "$T v = v0.add(v1)" : "$T v = v0", FV).s("int i = s");
        vectorUpdate(c, "v");
        c.close().s("return s");
        return lanesMethod("update", "Whole vectors of states: {@code v = Bhat u}, {@code x = a x + v}; returns the first "
                + "state left.", TypeName.INT)
                .addParameter(float[].class, "u").addParameter(int.class, "uo").addCode(c.build()).build();
    }

    /** {@code y = W x} over whole vectors of output channels, with up to four accumulators over {@code k}. */
    private MethodSpec lanesReadout(TypeSpec.Builder t, String k, String x) {
        bound(t, "UPPER_COUT", "COUT");
        int count = k.equals("STATES") ? states : blocks;
        int acc = Math.min(4, count);
        Code c = new Code();
        locals(c, "cOut", x);
        c.s("int d = 0").open("for (; d < UPPER_COUT; d += S.length())");
        for (int a = 0; a < acc; a++) {
            c.s("$T acc$L = $T.zero(S)", FV, a, FV);
        }
        c.s("int k = 0");
        c.open("for (; k + $L <= $L; k += $L)", acc, k, acc);
        for (int a = 0; a < acc; a++) {
            String kk = a == 0 ? "k" : "k + " + a;
            String row = a == 0 ? "k" : "(k + " + a + ")";
            c.s("acc$L = $T.fromArray(S, cOut, $L * COUT + d).fma($T.broadcast(S, $L[$L]), acc$L)", a, FV, row, FV, x, kk, a);
        }
        c.close();
        if (count % acc != 0) {
            c.open("for (; k < $L; k++)", k)
                    .s("acc0 = $T.fromArray(S, cOut, k * COUT + d).fma($T.broadcast(S, $L[k]), acc0)", FV, FV, x).close();
        }
        String sum = switch (acc) {
            case 1 -> "acc0";
            case 2 -> "acc0.add(acc1)";
            case 3 -> "acc0.add(acc1).add(acc2)";
            default -> "acc0.add(acc1).add(acc2.add(acc3))";
        };
        c.s("$L.intoArray(y, yo + d)", sum).close().s("return d");
        return lanesMethod("readout", "Whole vectors of output channels: {@code y = " + (x.equals("xr") ? "C Re(x)" : "C q")
                + "}; returns the first one left.", TypeName.INT)
                .addParameter(float[].class, "y").addParameter(int.class, "yo").addCode(c.build()).build();
    }

    private MethodSpec neckLanesBlocks(TypeSpec.Builder t) {
        bound(t, "UPPER", "N");
        Code c = new Code();
        locals(c, "dr", "di", "xr", "xi", "bIn", "e", "v");
        c.open("for (int j = 0; j < BLOCKS; j++)");
        if (form.bAfter()) {
            neckInput(c);
        } else {
            // Bhat u on whole vectors of input channels: summed one channel after another, every
            // addition waits for the one before, and that chain was most of a streamed neck's time
            bound(t, "UPPER_CIN", "CIN");
            c.s("int row = j * CIN").s("$T bu = $T.zero(S)", FV, FV).s("int ch = 0")
                    .open("for (; ch < UPPER_CIN; ch += S.length())")
                    .s("bu = $T.fromArray(S, bIn, row + ch).fma($T.fromArray(S, u, uo + ch), bu)", FV, FV).close()
                    .s("float vj = bu.reduceLanes($T.ADD)", Poet.VECTOR_OPERATORS)
                    .open("for (; ch < CIN; ch++)").s("vj += bIn[row + ch] * u[uo + ch]").close();
        }
        c.s("$T in = $T.broadcast(S, vj)", FV, FV).s("$T acc = $T.zero(S)", FV, FV).s("int base = j * N").s("int m = 0")
                .open("for (; m < UPPER; m += S.length())").s("int i = base + m");
        vectorUpdateAndAdd(c, "in").close()
                .s("float q = acc.reduceLanes($T.ADD)", Poet.VECTOR_OPERATORS)
                .open("for (; m < N; m++)").s("int i = base + m");
        scalarUpdateAndAdd(c, "vj", "q").close();
        c.s("v[j] = $L", form.bAfter() ? "bIn[j] * q" : "q").close();
        return lanesMethod("blocks", "Every block: its input, whole vectors of its states then the rest, {@code q[j]} into "
                + "{@code v[j]}.", TypeName.VOID)
                .addParameter(float[].class, "u").addParameter(int.class, "uo").addCode(c.build()).build();
    }
}
