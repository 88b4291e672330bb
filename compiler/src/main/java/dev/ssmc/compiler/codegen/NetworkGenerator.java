package dev.ssmc.compiler.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.ssmc.compiler.Ssmc;
import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.DtInit;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.plan.NetworkPlan;
import dev.ssmc.compiler.plan.Pass;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.runtime.plan.PlanSteps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Writes the Java class of a network: model, then validate, then write. The class holds the
 * network's stored tensors (loaded from a checkpoint with the reference's keys, or initialized as
 * the reference does), builds the runtime's layers, and has one nested class per SSM block whose
 * methods compute that block's chosen plans: the training forward pass and every gradient.
 */
public final class NetworkGenerator {
    private final Network network;
    private final NetworkShapes shapes;
    private final NetworkPlan plans;
    private final String packageName;
    private final ClassName className;
    private final String sourceName;
    private final Profile profile;
    private final Map<SsmLayer, String> blockNames = new HashMap<>();

    private NetworkGenerator(NetworkShapes shapes, String packageName, Profile profile, String sourceName) {
        this.network = shapes.network();
        this.shapes = shapes;
        this.plans = NetworkPlan.of(network, profile);
        this.packageName = packageName;
        this.className = ClassName.get(packageName, className(network.name()));
        this.sourceName = sourceName;
        this.profile = profile;
        int i = 0;
        for (Node n : shapes.nodes()) {
            if (n instanceof SsmLayer l) {
                blockNames.put(l, "Block" + i++);
            }
        }
    }

    /** The class name of a network: its name in upper camel case, ending in "Network". */
    public static String className(String networkName) {
        String base = Poet.upperCamel(networkName);
        return base.endsWith("Network") ? base : base + "Network";
    }

    /** The generated source file of {@code network}, its shapes inferred (an {@code IrException} if it has none). */
    public static JavaFile generate(Network network, String packageName, Profile profile, String sourceName) {
        return generate(ShapeInference.infer(network), packageName, profile, sourceName);
    }

    /**
     * The generated source file of {@code shapes.network()}, with the shapes it already has: the
     * front end's checked networks carry theirs, and inferring them again would only repeat it.
     */
    public static JavaFile generate(NetworkShapes shapes, String packageName, Profile profile, String sourceName) {
        return new NetworkGenerator(shapes, packageName, profile, sourceName).file();
    }

    private JavaFile file() {
        TypeSpec.Builder type = TypeSpec.classBuilder(className)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(Poet.TRAINABLE)
                .addSuperinterface(Poet.STREAMING_NETWORK)
                .addAnnotation(AnnotationSpec.builder(Poet.GENERATED)
                        .addMember("value", "$S", NetworkGenerator.class.getName())
                        .addMember("comments", "$S", "ssmc " + Ssmc.VERSION + " from " + sourceName)
                        .build())
                .addJavadoc(classDoc());
        constants(type);
        type.addField(FieldSpec.builder(Poet.STRING_FLOATS_MAP, "params", Modifier.PRIVATE, Modifier.FINAL).build());
        type.addField(FieldSpec.builder(Poet.MODEL, "model", Modifier.PRIVATE, Modifier.FINAL).build());
        type.addField(FieldSpec.builder(Poet.WORKSPACE_POOL, "workspaces", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("Where the blocks' whole-sequence passes take their intermediates from, call after call.\n")
                .initializer("new $T()", Poet.WORKSPACE_POOL).build());
        type.addField(FieldSpec.builder(Poet.NETWORK_FINGERPRINT, "fingerprint", Modifier.PRIVATE, Modifier.VOLATILE)
                .addJavadoc("The weights' fingerprint that streams put in their snapshots: made at the first stream, again after {@link #prepare}.\n")
                .build());
        type.addField(FieldSpec.builder(Poet.STREAM_WEIGHTS, "streamWeights", Modifier.PRIVATE, Modifier.VOLATILE)
                .addJavadoc("The weights every stream shares (copies, derived as the streams use them): made at the first stream, again after {@link #prepare}.\n")
                .build());
        type.addField(FieldSpec.builder(ParameterizedTypeName.get(Poet.LIST, Poet.SSM_BLOCK), "blocks", Modifier.PRIVATE,
                Modifier.FINAL).build());
        type.addMethod(constructor());
        type.addMethods(factories());
        type.addMethods(api());
        type.addMethods(streamFactories());
        type.addMethod(MethodSpec.methodBuilder("add")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addTypeVariable(com.palantir.javapoet.TypeVariableName.get("T", Poet.SSM_BLOCK))
                .returns(com.palantir.javapoet.TypeVariableName.get("T"))
                .addParameter(ParameterizedTypeName.get(Poet.LIST, Poet.SSM_BLOCK), "blocks")
                .addParameter(com.palantir.javapoet.TypeVariableName.get("T"), "block")
                .addStatement("blocks.add(block)")
                .addStatement("return block")
                .build());
        for (NetworkPlan.BlockPlan b : plans.blocks()) {
            type.addType(block(b));
        }
        type.addType(streamClass());
        for (NetworkPlan.BlockPlan b : plans.blocks()) {
            SsmLayer l = b.layer();
            type.addType(StepEmitter.stepClass(l, StepForm.of(l, b.passes().get(Pass.STREAM_STEP), profile),
                    className.nestedClass(stepName(l))));
        }
        return JavaFile.builder(packageName, type.build())
                .skipJavaLangImports(true)
                .indent("    ")
                .build();
    }

    private CodeBlock classDoc() {
        CodeBlock.Builder d = CodeBlock.builder()
                .add("The network {@code $L}, generated by ssmc from {@code $L}. Do not edit: regenerate.\n", network.name(),
                        sourceName)
                .add("\n<p>Inputs are {@code float[batch][$L][length]} arrays (row-major) of any length from one\n",
                        network.inChannels())
                .add("{@link #WINDOW} on: a shortening step drops an incomplete last window, as the reference's strided\n")
                .add("convolution does$L. Stored tensors use the reference's checkpoint keys. Every SSM block\n",
                        shapes.padsToWholeWindows() ? "; skip additions span resampling here, so inputs are padded with zeros\n"
                                + "to whole windows and the output cut back to the input's length times the output rate" : "")
                .add("runs the plans ssmc chose for batch $L and length $L:\n<ul>\n", network.planning().batch(),
                        network.planning().length());
        for (NetworkPlan.BlockPlan b : plans.blocks()) {
            d.add("<li>{@code $L} ($L): $L</li>\n", key(b.layer()), b.layer().mode().spelling(),
                    Poet.javadoc(b.passes().get(Pass.FORWARD).chosen().shape()));
        }
        d.add("</ul>\n");
        d.add("\n<p>{@link #newStream()} streams one sequence in calls of any size, without allocating once it has\n")
                .add("seen a call of a size; each SSM block steps frame by frame in the order of its streaming plan\n")
                .add("(its {@code BlockNStep} class). One network serves any number of threads, each with its own\n")
                .add("{@link Stream}.\n");
        return d.build();
    }

    private static String key(SsmLayer l) {
        return l.key().isEmpty() ? "(layer)" : l.key();
    }

    // ---- constants ----

    private void constants(TypeSpec.Builder type) {
        intConstant(type, "IN_CHANNELS", network.inChannels(), "Channels of the input.");
        intConstant(type, "FEATURES", shapes.featureChannels(), "Channels of the body's output (the features).");
        intConstant(type, "CLASSES", shapes.classes(), "Outputs of the classifier head; 0 without a head.");
        intConstant(type, "SAMPLE_RATE", network.sampleRate(), "The input's sample rate in Hz; 0 when not stated.");
        intConstant(type, "TRAIN_BATCH", network.planning().batch(), "The batch the training plans were chosen for.");
        intConstant(type, "TRAIN_LENGTH", network.planning().length(), "The length the training plans were chosen for.");
        intConstant(type, "STREAM_CHUNK", network.planning().chunk(), "The chunk the streaming plans were chosen for.");
        intConstant(type, "WINDOW", shapes.minimumLength(),
                "One window of the network's resampling (its total ratio): the shortest input.");
        CodeBlock.Builder list = CodeBlock.builder().add("$T.of(\n", Poet.LIST).indent();
        List<ParamSpec> params = network.parameters();
        for (int i = 0; i < params.size(); i++) {
            ParamSpec p = params.get(i);
            list.add("new $T($S, $L, $T.$L)$L\n", Poet.PARAMETER, p.key(), Poet.ints(p.shape()), Poet.ROLE,
                    role(p), i + 1 < params.size() ? "," : "");
        }
        list.unindent().add(")");
        type.addField(FieldSpec.builder(ParameterizedTypeName.get(Poet.LIST, Poet.PARAMETER), "PARAMETERS", Modifier.PUBLIC,
                Modifier.STATIC, Modifier.FINAL).addJavadoc("Every stored tensor: its checkpoint key, shape and role.\n")
                .initializer(list.build()).build());
    }

    private static String role(ParamSpec p) {
        return switch (p.role()) {
            case SSM_DYNAMICS -> "DYNAMICS";
            default -> p.role().name();
        };
    }

    private static void intConstant(TypeSpec.Builder type, String name, int value, String doc) {
        type.addField(FieldSpec.builder(TypeName.INT, name, Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc(doc + "\n").initializer("$L", value).build());
    }

    // ---- construction ----

    private MethodSpec constructor() {
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("this.params = params")
                .addStatement("$T p = key -> require(params, key)", Poet.PARAMS)
                .addStatement("$T<$T> blocks = new $T<>()", List.class, Poet.SSM_BLOCK, ArrayList.class)
                .add("$T<$T> body = $T.of(\n", List.class, Poet.LAYER, Poet.LIST).indent()
                .add(nodes(network.body(), false))
                .unindent().add(");\n");
        if (network.head().isPresent()) {
            b.addStatement("this.model = new $T(body, new $T($L, p))", Poet.MODEL, Poet.CLASSIFIER_HEAD, headLinears());
        } else {
            b.addStatement("this.model = new $T(body, null)", Poet.MODEL);
        }
        b.addStatement("this.blocks = $T.copyOf(blocks)", List.class);
        return MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                .addParameter(Poet.STRING_FLOATS_MAP, "params")
                .addCode(b.build())
                .build();
    }

    /** The head's linear layers: {@code List.of(new Head.Linear(...), ...)}. */
    private CodeBlock headLinears() {
        CodeBlock.Builder h = CodeBlock.builder().add("$T.of(", Poet.LIST);
        List<Dense> layers = network.head().orElseThrow().layers();
        for (int i = 0; i < layers.size(); i++) {
            Dense d = layers.get(i);
            h.add("$Lnew $T($S, $L, $L, $T.$L)", i == 0 ? "" : ", ", Poet.HEAD_LINEAR, d.key(), d.in(), d.out(),
                    Poet.POSTACT_KIND, Poet.constant(d.after().spelling()));
        }
        return h.add(")").build();
    }

    /** The nodes, one per line: the model's layers, or (stream) the stream's frame nodes. */
    private CodeBlock nodes(List<Node> nodes, boolean stream) {
        CodeBlock.Builder b = CodeBlock.builder();
        for (int i = 0; i < nodes.size(); i++) {
            b.add(node(nodes.get(i), stream)).add(i + 1 < nodes.size() ? ",\n" : "\n");
        }
        return b.build();
    }

    /**
     * What an IR node becomes: a layer of the model (its SSM blocks registered in {@code blocks}), or
     * (stream) a frame node of the stream, the runtime's for every node but the SSM blocks, whose
     * steps are generated.
     */
    private CodeBlock node(Node n, boolean stream) {
        if (n instanceof SsmLayer s) {
            CodeBlock in = s.mode() == SsmMode.DWS ? activation(s.act(), s.inputNormKey(), s.inChannels(), stream)
                    : CodeBlock.of("null");
            CodeBlock out = s.activations() ? activation(s.act(), s.outputNormKey(), s.ssmOutChannels(), stream)
                    : CodeBlock.of("null");
            return stream ? CodeBlock.of("new $L($L, $L, p, vector)", stepName(s), in, out)
                    : CodeBlock.of("add(blocks, new $L($L, $L, p, workspaces))", blockNames.get(s), in, out);
        }
        if (n instanceof ActLayer a) {
            return activation(a.act(), a.normKey(), a.inChannels(), stream);
        }
        if (n instanceof Resample r) {
            return CodeBlock.of("new $T($T.$L, $L, $L, $L, $S, p)", stream ? Poet.RESAMPLE_FRAMES : Poet.RESAMPLE_LAYER,
                    Poet.RESAMPLE_KIND, Poet.constant(r.mode().spelling()), r.ratio(), r.inChannels(), r.outChannels(),
                    r.key());
        }
        Residual r = (Residual) n;
        int c = r.inChannels();
        // a mask is made by the classes' factory, a residual block by their constructor
        return CodeBlock.builder().add(r.mask() ? "$T.mask($T.of(\n" : "new $T($T.of(\n",
                        stream ? Poet.RESIDUAL_FRAMES : Poet.RESIDUAL_LAYER, stream ? Poet.FRAME_CHAIN : Poet.LIST).indent()
                .add(nodes(r.body(), stream)).unindent()
                .add("), $L, $L)", activation(new Activation(r.norm(), Postact.IDENTITY, 0), r.normKey(), c, stream),
                        activation(new Activation(NormKind.NONE, r.postact(), 0), "", c, stream))
                .build();
    }

    /** An activation layer, or (stream) an activation on frames, in eval mode: there dropout is the identity. */
    private static CodeBlock activation(Activation act, String key, int channels, boolean stream) {
        if (!stream && act.dropout() > 0) {
            return CodeBlock.of("new $T($T.$L, $T.$L, $L, $S, $L, p)", Poet.ACTIVATION_LAYER, Poet.NORM_KIND,
                    Poet.constant(act.norm().spelling()), Poet.POSTACT_KIND, Poet.constant(act.postact().spelling()),
                    act.dropout(), key, channels);
        }
        return CodeBlock.of("new $T($T.$L, $T.$L, $S, $L, p)", stream ? Poet.ACTIVATION_FRAMES : Poet.ACTIVATION_LAYER,
                Poet.NORM_KIND, Poet.constant(act.norm().spelling()), Poet.POSTACT_KIND,
                Poet.constant(act.postact().spelling()), key, channels);
    }

    // ---- factories: of, load, init ----

    private List<MethodSpec> factories() {
        List<MethodSpec> out = new ArrayList<>();
        out.add(MethodSpec.methodBuilder("of").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(className)
                .addJavadoc("The network with these tensors (the arrays are used, not copied); an error lists every\n"
                        + "missing, unexpected or mis-sized one.\n")
                .addParameter(Poet.STRING_FLOATS_MAP, "values")
                .addStatement("return new $T(new $T<>($T.check(values, PARAMETERS, $S)))", className, Poet.LINKED_HASH_MAP,
                        Poet.CHECKPOINTS, network.name())
                .build());
        out.add(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(className)
                .addJavadoc("The network stored in a safetensors checkpoint with the reference's keys; an error names\n"
                        + "every missing, unexpected or differently shaped tensor with both shapes.\n")
                .addParameter(Poet.PATH, "checkpoint").addException(Poet.IO_EXCEPTION)
                .addStatement("return new $T($T.load(checkpoint, PARAMETERS))", className, Poet.CHECKPOINTS)
                .build());
        out.add(MethodSpec.methodBuilder("init").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(className)
                .addJavadoc("A new network, initialized as the reference initializes one, from a seed.\n")
                .addParameter(long.class, "seed")
                .addCode(initCode())
                .build());
        return out;
    }

    private CodeBlock initCode() {
        CodeBlock.Builder b = CodeBlock.builder()
                .addStatement("$T rnd = new $T(seed)", Poet.SPLITTABLE_RANDOM, Poet.SPLITTABLE_RANDOM)
                .addStatement("$T v = new $T<>()", Poet.STRING_FLOATS_MAP, Poet.LINKED_HASH_MAP)
                .beginControlFlow("for ($T p : PARAMETERS)", Poet.PARAMETER)
                .addStatement("v.put(p.key(), new float[p.size()])")
                .endControlFlow();
        Map<String, CodeBlock> special = new HashMap<>();
        for (Node n : shapes.nodes()) {
            if (n instanceof SsmLayer l) {
                ssmInit(l, shapes.rateHz(l), special);
            } else if (n instanceof Resample r && r.mode().hasWeight()) {
                int fanIn = r.mode() == ResampleMode.DOWNSAMPLING_DW ? r.ratio()
                        : r.mode().direction() == ResampleMode.Direction.DOWN ? r.inChannels() * r.ratio() : r.inChannels();
                special.put(r.key() + ".weight", CodeBlock.of("$T.fanIn($$v, $L, rnd)", Poet.INIT, fanIn));
                special.put(r.key() + ".bias", CodeBlock.of("$T.fanIn($$v, $L, rnd)", Poet.INIT, fanIn));
            }
        }
        network.head().ifPresent(h -> h.layers().forEach(d -> {
            special.put(d.key() + ".weight", CodeBlock.of("$T.fanIn($$v, $L, rnd)", Poet.INIT, d.in()));
            special.put(d.key() + ".bias", CodeBlock.of("$T.fanIn($$v, $L, rnd)", Poet.INIT, d.in()));
        }));
        for (ParamSpec p : network.parameters()) {
            CodeBlock how = special.get(p.key());
            if (how == null) {
                how = switch (p.role()) {
                    case NORM -> p.key().endsWith("bias") ? null : CodeBlock.of("$T.constant($$v, 1)", Poet.INIT);
                    case RUNNING_VAR -> CodeBlock.of("$T.constant($$v, 1)", Poet.INIT);
                    default -> null; // zeros: biases of norms, running means
                };
            }
            if (how != null) {
                b.addStatement(how.toString().replace("$v", "v.get(\"" + p.key() + "\")"));
            }
        }
        return b.addStatement("return new $T(v)", className).build();
    }

    /** The reference's initialization of one SSM layer's tensors, its dt as the layer says; {@code rateHz} its rate. */
    private static void ssmInit(SsmLayer l, double rateHz, Map<String, CodeBlock> out) {
        int n = l.states();
        int j = l.blocks();
        int cin = l.inChannels();
        out.put(l.param("A"), CodeBlock.of("$T.dynamics($$v, $L)", Poet.INIT, n));
        out.put(l.param("log_dt"), logDtInit(l, rateHz));
        switch (l.mode()) {
            case DWS -> {
                out.put(l.param("E"), CodeBlock.of("$T.constant($$v, $L)", Poet.INIT, 1 / Math.sqrt(n)));
                out.put(l.pointwiseKey(), CodeBlock.of("$T.fanIn($$v, $L, rnd)", Poet.INIT, l.mixerInChannels()));
            }
            case S5 -> {
                out.put(l.param("B"), CodeBlock.of("$T.constant($$v, $L)", Poet.INIT, 1 / Math.sqrt(cin)));
                out.put(l.param("C"), CodeBlock.of("$T.normal($$v, $L, rnd)", Poet.INIT, Math.sqrt(2.0 / (j * n))));
            }
            case NECK -> {
                out.put(l.param("B"), CodeBlock.of("$T.constant($$v, $L)", Poet.INIT, 1 / Math.sqrt(cin)));
                out.put(l.param("C"), CodeBlock.of("$T.normal($$v, $L, rnd)", Poet.INIT, Math.sqrt(2.0 / (j * n))));
                out.put(l.param("E"), CodeBlock.of("$T.normal($$v, $L, rnd)", Poet.INIT, Math.sqrt(2.0)));
            }
            case FULL -> out.put(l.param("E"), CodeBlock.of("$T.constant($$v, $L)", Poet.INIT, 1 / Math.sqrt(cin)));
        }
    }

    /** The call that fills a layer's {@code log_dt} as {@link DtInit#fill} does (the front end checks it with that). */
    private static CodeBlock logDtInit(SsmLayer l, double rateHz) {
        if (l.dt() instanceof DtInit.Geometric g) {
            return CodeBlock.of("$T.logDt($$v, $T.$L, $L, $L, $L)", Poet.INIT, Poet.BLOCK_MODE, l.mode().name(), l.states(),
                    g.low(), g.high());
        }
        if (!(rateHz > 0)) {
            throw new IllegalArgumentException(l.origin() + ": `dt band` needs the layer's sample rate; the network"
                    + " states none");
        }
        return CodeBlock.of("$T.spreadLogDt($$v, $T.$L, $L, $L, $T.DEFAULT_LOWEST_HZ, $T.DEFAULT_HIGHEST_FRACTION)",
                Poet.MODE_BAND, Poet.BLOCK_MODE, l.mode().name(), l.states(), rateHz, Poet.MODE_BAND, Poet.MODE_BAND);
    }

    // ---- the public API ----

    private List<MethodSpec> api() {
        List<MethodSpec> out = new ArrayList<>();
        out.add(MethodSpec.methodBuilder("save").addModifiers(Modifier.PUBLIC)
                .addJavadoc("Writes the stored tensors as a safetensors checkpoint with the reference's keys.\n")
                .addParameter(Poet.PATH, "file").addException(Poet.IO_EXCEPTION)
                .addStatement("$T.save(file, PARAMETERS, params, $T.of($S, $S))", Poet.CHECKPOINTS, Poet.MAP, "network",
                        network.name())
                .build());
        out.add(MethodSpec.methodBuilder("parameterList").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .returns(ParameterizedTypeName.get(Poet.LIST, Poet.PARAMETER))
                .addStatement("return PARAMETERS")
                .build());
        out.add(MethodSpec.methodBuilder("parameters").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .returns(Poet.STRING_FLOATS_MAP)
                .addJavadoc("The stored tensors by key: the live arrays (an optimizer updates them in place, then\n"
                        + "calls {@link #prepare}).\n")
                .addStatement("return $T.unmodifiableMap(params)", Poet.COLLECTIONS)
                .build());
        out.add(MethodSpec.methodBuilder("prepare").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .addJavadoc("Recomputes what the SSM blocks derive from the stored tensors (after they changed).\n")
                .addStatement("blocks.forEach($T::prepare)", Poet.SSM_BLOCK)
                .addStatement("fingerprint = null")
                .addStatement("streamWeights = null")
                .build());
        out.add(lazily("streamWeights", Modifier.PRIVATE,
                "The weights as streams made now share them (two threads making the first streams at once may\n"
                        + "each make a copy: both are right).\n",
                Poet.STREAM_WEIGHTS, CodeBlock.of("new $T(key -> require(params, key))", Poet.STREAM_WEIGHTS)));
        out.add(lazily("fingerprint", Modifier.PUBLIC,
                "The network's name and a digest of each stored tensor as they are now: what a stream's snapshot\n"
                        + "must match to be restored.\n",
                Poet.NETWORK_FINGERPRINT, CodeBlock.of("$T.of($S, PARAMETERS, params)", Poet.NETWORK_FINGERPRINT,
                        network.name())));
        out.add(MethodSpec.methodBuilder("model").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(Poet.MODEL)
                .addJavadoc("The network as the runtime's layers: forward, streaming in chunks, gradients.\n")
                .addStatement("return model")
                .build());
        out.add(MethodSpec.methodBuilder("forward").addModifiers(Modifier.PUBLIC).returns(Poet.MODEL_OUTPUTS)
                .addJavadoc("The features (and the head's logits) of {@code input[batch][IN_CHANNELS][length]}, in eval mode.\n")
                .addParameter(float[].class, "input").addParameter(int.class, "batch").addParameter(int.class, "length")
                .addStatement("check(input, batch, length)")
                .addStatement("return model.forward(new $T(batch, IN_CHANNELS, length, input))", Poet.SIGNAL)
                .build());
        out.add(MethodSpec.methodBuilder("backward").addModifiers(Modifier.PUBLIC).returns(Poet.STRING_FLOATS_MAP)
                .addJavadoc("The gradients of {@code sum(features * gradFeatures) + sum(logits * gradLogits)} (either may\n"
                        + "be null) by the input (key {@code \"input\"}) and by every trainable tensor (its key), in eval mode.\n")
                .addParameter(float[].class, "input").addParameter(int.class, "batch").addParameter(int.class, "length")
                .addParameter(float[].class, "gradFeatures").addParameter(float[].class, "gradLogits")
                .addStatement("check(input, batch, length)")
                .addStatement("int featureLength = model.featureLength(length)")
                .addStatement("$T grads = new $T()", Poet.GRADS, Poet.GRADS)
                .addStatement("$T dx = model.gradients(new $T(batch, IN_CHANNELS, length, input),\n"
                                + "gradFeatures == null ? null : $T.of(gradFeatures, batch, FEATURES, featureLength),\n"
                                + "gradLogits == null ? null : $T.of(gradLogits, batch, CLASSES), grads)",
                        Poet.SIGNAL, Poet.SIGNAL, Poet.TENSOR, Poet.TENSOR)
                .addStatement("$T result = new $T<>()", Poet.STRING_FLOATS_MAP, Poet.LINKED_HASH_MAP)
                .addStatement("result.put($S, dx.x())", "input")
                .beginControlFlow("for ($T p : PARAMETERS)", Poet.PARAMETER)
                .beginControlFlow("if (p.role().trainable())")
                .addStatement("float[] g = grads.get(p.key())")
                .addStatement("result.put(p.key(), g == null ? new float[p.size()] : g)")
                .endControlFlow()
                .endControlFlow()
                .addStatement("return result")
                .build());
        out.add(MethodSpec.methodBuilder("check").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(float[].class, "input").addParameter(int.class, "batch").addParameter(int.class, "length")
                .beginControlFlow("if (batch < 1 || length < WINDOW)")
                .addStatement("throw new $T($S + batch + $S + length + $S + WINDOW)", IllegalArgumentException.class,
                        "batch must be at least 1 and length at least WINDOW; got batch ", ", length ", ", window ")
                .endControlFlow()
                .beginControlFlow("if (input.length != batch * IN_CHANNELS * length)")
                .addStatement("throw new $T($S + input.length + $S + batch + $S + IN_CHANNELS + $S + length + $S)",
                        IllegalArgumentException.class, "the input has ", " values but [", ", ", ", ", "] needs them all")
                .endControlFlow()
                .build());
        out.add(MethodSpec.methodBuilder("require").addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(float[].class)
                .addParameter(Poet.STRING_FLOATS_MAP, "params").addParameter(String.class, "key")
                .addStatement("float[] v = params.get(key)")
                .beginControlFlow("if (v == null)")
                .addStatement("throw new $T($S + key + $S)", IllegalStateException.class, "no tensor '", "'")
                .endControlFlow()
                .addStatement("return v")
                .build());
        return out;
    }

    /**
     * A getter of the volatile field of its own name, made by {@code make} when it is null (at first
     * use, and again after {@code prepare()} clears it).
     */
    private static MethodSpec lazily(String field, Modifier visibility, String doc, ClassName type, CodeBlock make) {
        return MethodSpec.methodBuilder(field).addModifiers(visibility).returns(type).addJavadoc(doc)
                .addStatement("$T v = $N", type, field)
                .beginControlFlow("if (v == null)")
                .addStatement("v = $L", make)
                .addStatement("$N = v", field)
                .endControlFlow()
                .addStatement("return v")
                .build();
    }

    // ---- streaming ----

    private String stepName(SsmLayer l) {
        return blockNames.get(l) + "Step";
    }

    private List<MethodSpec> streamFactories() {
        ClassName stream = className.nestedClass("Stream");
        List<MethodSpec> out = new ArrayList<>();
        out.add(MethodSpec.methodBuilder("newStream").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .returns(stream)
                .addJavadoc("A new stream at the start of a sequence, on the Vector API path when this JVM has the module\n"
                        + "(and {@code -Dssmc.vector=false} does not turn it off), else on the scalar path. Thread-safe;\n"
                        + "the stream shares the network's streams' copy of the weights as they are now.\n")
                .addStatement("return new Stream(streamWeights(), $T.enabled(), fingerprint())", Poet.VECTOR_SUPPORT)
                .build());
        out.add(MethodSpec.methodBuilder("newStream").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .returns(stream)
                .addJavadoc("A new stream on the Vector API path ({@code vector}) or the scalar path.\n\n"
                        + "@throws IllegalStateException when the vector path is asked for and the JVM lacks the module\n")
                .addParameter(boolean.class, "vector")
                .beginControlFlow("if (vector && !$T.available())", Poet.VECTOR_SUPPORT)
                .addStatement("throw new $T($S)", IllegalStateException.class,
                        "the Vector API module is not in this JVM (--add-modules jdk.incubator.vector)")
                .endControlFlow()
                .addStatement("return new Stream(streamWeights(), vector, fingerprint())")
                .build());
        return out;
    }

    private TypeSpec streamClass() {
        boolean classifier = network.head().isPresent();
        CodeBlock.Builder doc = CodeBlock.builder()
                .add("One stream of {@code $L}: the state of one sequence, fed in calls of any size (the contract is\n",
                        network.name())
                .add("{@link $T}'s). Frames are frame-major, $L float$L each.\n", Poet.NETWORK_STREAM, network.inChannels(),
                        network.inChannels() == 1 ? "" : "s");
        if (classifier) {
            doc.add("\n<p>{@code process(in, off, len, out)} writes the $L logits of the mean of every feature frame so\n",
                    shapes.classes())
                    .add("far ($L floats per frame, one frame per $L input frames) and returns $L, or 0 before the first\n",
                            shapes.featureChannels(), shapes.minimumLength(), shapes.classes())
                    .add("feature frame; {@code processFeatures} writes the feature frames instead.\n");
        } else {
            doc.add("\n<p>{@code process(in, off, len, out)} writes the output frames the call completed ($L float$L\n",
                    shapes.featureChannels(), shapes.featureChannels() == 1 ? "" : "s")
                    .add("each), frame-major from {@code out[0]}, and returns the floats written; {@code out} needs\n")
                    .add("{@code maxOutput(len)} floats.\n");
        }
        CodeBlock.Builder body = CodeBlock.builder().add("super($T.of(\n", Poet.FRAME_CHAIN).indent().indent();
        if (network.body().isEmpty()) {
            body.add(activation(new Activation(NormKind.NONE, Postact.IDENTITY, 0), "", network.inChannels(), true))
                    .add("\n");
        } else {
            body.add(nodes(network.body(), true));
        }
        body.unindent().add("), ");
        if (classifier) {
            body.add("new $T($L, p), fingerprint);\n", Poet.HEAD_FRAMES, headLinears());
        } else {
            body.add("null, fingerprint);\n");
        }
        body.unindent();
        return TypeSpec.classBuilder("Stream").addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .superclass(Poet.CHAIN_STREAM)
                .addJavadoc(doc.build())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                        .addParameter(Poet.PARAMS, "p").addParameter(boolean.class, "vector")
                        .addParameter(Poet.NETWORK_FINGERPRINT, "fingerprint")
                        .addCode(body.build())
                        .build())
                .build();
    }

    // ---- SSM blocks ----

    private TypeSpec block(NetworkPlan.BlockPlan b) {
        SsmLayer l = b.layer();
        String name = blockNames.get(l);
        TypeSpec.Builder t = TypeSpec.classBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .superclass(Poet.SSM_BLOCK)
                .addJavadoc("$L: $L, $L to $L channels, $L state$L$L. Plans for batch $L, length $L.\n", key(l),
                        l.mode().spelling(), l.inChannels(), l.ssmOutChannels(), l.totalStates(),
                        l.totalStates() == 1 ? "" : "s", l.blocks() > 1 ? " in " + l.blocks() + " blocks" : "", b.batch(),
                        b.length());
        t.addMethod(MethodSpec.constructorBuilder()
                .addParameter(Poet.ACTIVATION_LAYER, "in").addParameter(Poet.ACTIVATION_LAYER, "out")
                .addParameter(Poet.PARAMS, "p").addParameter(Poet.WORKSPACE_POOL, "workspaces")
                .addStatement("super(new $T($T.$L, $L, $L, $L, $L), $S, in, out, p)", Poet.BLOCK_SHAPE, Poet.BLOCK_MODE,
                        l.mode().name(), l.inChannels(), l.ssmOutChannels(), l.states(), l.blocks(), l.key())
                .addStatement("this.workspaces = workspaces")
                .build());
        t.addField(FieldSpec.builder(Poet.WORKSPACE_POOL, "workspaces", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc("The network's workspaces, which this block's passes take their intermediates from.\n").build());
        t.addMethod(sizeMethod(l));
        t.addMethod(MethodSpec.methodBuilder("respond").addAnnotation(Override.class).addModifiers(Modifier.PROTECTED)
                .returns(float[].class).addParameter(float[].class, "u").addParameter(int.class, "batch")
                .addParameter(int.class, "length").addStatement("return forward(u, batch, length)").build());
        t.addField(FieldSpec.builder(Poet.PLAN_CACHE, "cache", Modifier.PRIVATE, Modifier.FINAL)
                .initializer("new $T()", Poet.PLAN_CACHE).build());
        Map<Pass, NetworkPlan.PassPlan> passes = b.passes();
        PlanEmitter forward = new PlanEmitter();
        String y = forward.value(passes.get(Pass.FORWARD).chosen(), PlanSteps.Part.KERNEL);
        t.addMethod(MethodSpec.methodBuilder("forward").addModifiers(Modifier.PRIVATE).returns(float[].class)
                .addJavadoc(planJavadoc(passes.get(Pass.FORWARD)))
                .addParameter(float[].class, "u").addParameter(int.class, "batch").addParameter(int.class, "length")
                .addCode(inWorkspace(forward.code(), CodeBlock.builder().addStatement("return ws.detach($L)", y).build())).build());

        // every backward pass in one method, so that they share what they have in common
        PlanEmitter backward = new PlanEmitter();
        CodeBlock.Builder javadoc = CodeBlock.builder().add("The backward passes, sharing their common steps:\n<ul>\n");
        String input = null;
        Map<String, String> weights = new LinkedHashMap<>();
        String[] dynamics = new String[2];
        for (Map.Entry<Pass, NetworkPlan.PassPlan> e : passes.entrySet()) {
            Pass pass = e.getKey();
            if (pass.streaming() || pass == Pass.FORWARD) {
                continue;
            }
            javadoc.add("<li>").add(planJavadoc(e.getValue())).add("</li>\n");
            Plan plan = e.getValue().chosen();
            switch (pass) {
                case GRAD_INPUT -> input = backward.value(plan, PlanSteps.Part.KERNEL);
                case GRAD_B, GRAD_C, GRAD_E -> weights.put(pass.weight().orElseThrow(), backward.value(plan, PlanSteps.Part.KERNEL));
                case GRAD_DYNAMICS -> {
                    dynamics[0] = backward.value(plan, PlanSteps.Part.DERIVATIVE_RE);
                    dynamics[1] = backward.value(plan, PlanSteps.Part.DERIVATIVE_IM);
                }
                default -> throw new IllegalStateException("no backward pass " + pass);
            }
        }
        CodeBlock.Builder grads = CodeBlock.builder()
                .addStatement("$T<String, float[]> weights = new $T<>()", Map.class, HashMap.class);
        weights.forEach((param, v) -> grads.addStatement("weights.put($S, ws.detach($L))", param, v));
        grads.add("return new $T(ws.detach($L), weights, ws.detach($L), ws.detach($L));\n", Poet.BLOCK_GRADIENTS, input,
                dynamics[0], dynamics[1]);
        t.addMethod(MethodSpec.methodBuilder("blockGradients").addAnnotation(Override.class).addModifiers(Modifier.PROTECTED)
                .addJavadoc(javadoc.add("</ul>\n").build())
                .returns(Poet.BLOCK_GRADIENTS).addParameter(float[].class, "u").addParameter(float[].class, "g")
                .addParameter(int.class, "batch").addParameter(int.class, "length")
                .addCode(inWorkspace(backward.code(), grads.build())).build());
        return t.build();
    }

    /**
     * {@code steps}, then {@code result} (which detaches what it returns), with a workspace taken
     * from the network's pool for the call and given back however the call ends.
     */
    private static CodeBlock inWorkspace(CodeBlock steps, CodeBlock result) {
        return CodeBlock.builder()
                .addStatement("$T ws = workspaces.acquire()", Poet.WORKSPACE)
                .beginControlFlow("try")
                .add(steps)
                .add(result)
                .nextControlFlow("finally")
                .addStatement("workspaces.release(ws)")
                .endControlFlow()
                .build();
    }

    /** A pass's einsum and predicted time, for the generated javadoc. */
    private static CodeBlock planJavadoc(NetworkPlan.PassPlan p) {
        return CodeBlock.of("$L: {@code $L}, predicted $L ms.\n", p.chosen().spec().pass().label(), p.spec().einsum(),
                String.format(Locale.ROOT, "%.3f", p.chosen().cost().seconds() * 1e3));
    }

    /** The block's index sizes: constants, with batch, length and frequency bins from the call. */
    private static MethodSpec sizeMethod(SsmLayer l) {
        Map<Character, Integer> sizes = dev.ssmc.compiler.plan.Specs.sizes(l, 1, 1);
        MethodSpec.Builder m = MethodSpec.methodBuilder("size").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(int.class).addParameter(int.class, "letter").addParameter(int.class, "batch")
                .addParameter(int.class, "length").addParameter(int.class, "bins")
                .beginControlFlow("switch (letter)")
                .addStatement("case 'b': return batch")
                .addStatement("case 'k': return bins")
                .addStatement("case 't': case 's': case 'l': return length");
        for (Map.Entry<Character, Integer> e : sizes.entrySet()) {
            char c = e.getKey();
            if (c != 'b' && c != 't' && c != 's' && c != 'l') {
                m.addStatement("case '$L': return $L", c, e.getValue());
            }
        }
        return m.addStatement("default: throw new $T(\"no index \" + (char) letter)", IllegalArgumentException.class)
                .endControlFlow().build();
    }
}
