package dev.ssmc.compiler.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import java.util.Locale;
import javax.lang.model.element.Modifier;

/** The JavaPoet names and small code helpers the generator uses, in one place. */
final class Poet {
    private Poet() {
    }

    static final String RUNTIME = "dev.ssmc.runtime";
    static final ClassName CONTRACT = ClassName.get(RUNTIME + ".kernels", "Contract");
    static final ClassName LAYOUT = ClassName.get(RUNTIME + ".kernels", "Layout");
    static final ClassName PLAN_STEPS = ClassName.get(RUNTIME + ".plan", "PlanSteps");
    static final ClassName SSM_KERNELS = ClassName.get(RUNTIME + ".kernels", "SsmKernels");
    static final ClassName PART = PLAN_STEPS.nestedClass("Part");
    static final ClassName PLAN_CACHE = ClassName.get(RUNTIME + ".plan", "PlanCache");
    static final ClassName WORKSPACE = ClassName.get(RUNTIME + ".plan", "Workspace");
    static final ClassName WORKSPACE_POOL = ClassName.get(RUNTIME + ".plan", "WorkspacePool");
    static final ClassName REAL_FFT = ClassName.get(RUNTIME + ".fft", "RealFft");
    static final ClassName MODEL = ClassName.get(RUNTIME + ".model", "Model");
    /** Source retention: marks generated classes for tools and readers without a runtime dependency. */
    static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
    static final ClassName MODEL_OUTPUTS = MODEL.nestedClass("Outputs");
    static final ClassName LAYER = ClassName.get(RUNTIME + ".model", "Layer");
    static final ClassName SIGNAL = ClassName.get(RUNTIME + ".model", "Signal");
    static final ClassName GRADS = ClassName.get(RUNTIME + ".model", "Grads");
    static final ClassName PARAMS = ClassName.get(RUNTIME + ".model", "Params");
    static final ClassName TRAINABLE = ClassName.get(RUNTIME + ".model", "Trainable");
    static final ClassName PARAMETER = ClassName.get(RUNTIME + ".model", "Parameter");
    static final ClassName ROLE = PARAMETER.nestedClass("Role");
    static final ClassName CHECKPOINTS = ClassName.get(RUNTIME + ".model", "Checkpoints");
    static final ClassName BLOCK_SHAPE = ClassName.get(RUNTIME + ".model", "BlockShape");
    static final ClassName BLOCK_MODE = ClassName.get(RUNTIME + ".model", "BlockMode");
    static final ClassName SSM_BLOCK = ClassName.get(RUNTIME + ".model", "SsmBlockLayer");
    static final ClassName BLOCK_GRADIENTS = SSM_BLOCK.nestedClass("BlockGradients");
    static final ClassName ACTIVATION_LAYER = ClassName.get(RUNTIME + ".model", "ActivationLayer");
    static final ClassName RESAMPLE_LAYER = ClassName.get(RUNTIME + ".model", "ResampleLayer");
    static final ClassName RESIDUAL_LAYER = ClassName.get(RUNTIME + ".model", "ResidualLayer");
    static final ClassName CLASSIFIER_HEAD = ClassName.get(RUNTIME + ".model", "ClassifierHead");
    static final ClassName HEAD_LINEAR = CLASSIFIER_HEAD.nestedClass("Linear");
    static final ClassName DISCRETIZATION = ClassName.get(RUNTIME + ".model", "Discretization");
    static final ClassName VECTOR_SUPPORT = ClassName.get(RUNTIME + ".kernels", "VectorSupport");
    static final ClassName NETWORK_STREAM = ClassName.get(RUNTIME + ".stream", "NetworkStream");
    static final ClassName STREAMING_NETWORK = ClassName.get(RUNTIME + ".stream", "StreamingNetwork");
    static final ClassName CHAIN_STREAM = ClassName.get(RUNTIME + ".stream", "ChainStream");
    static final ClassName FRAME_CHAIN = ClassName.get(RUNTIME + ".stream", "FrameChain");
    static final ClassName SSM_FRAMES = ClassName.get(RUNTIME + ".stream", "SsmFrames");
    static final ClassName ACTIVATION_FRAMES = ClassName.get(RUNTIME + ".stream", "ActivationFrames");
    static final ClassName RESAMPLE_FRAMES = ClassName.get(RUNTIME + ".stream", "ResampleFrames");
    static final ClassName RESIDUAL_FRAMES = ClassName.get(RUNTIME + ".stream", "ResidualFrames");
    static final ClassName HEAD_FRAMES = ClassName.get(RUNTIME + ".stream", "HeadFrames");
    static final ClassName NETWORK_FINGERPRINT = ClassName.get(RUNTIME + ".stream", "NetworkFingerprint");
    static final ClassName STREAM_WEIGHTS = ClassName.get(RUNTIME + ".stream", "StreamWeights");
    static final ClassName STATE_WRITER = ClassName.get(RUNTIME + ".stream", "StateWriter");
    static final ClassName STATE_READER = ClassName.get(RUNTIME + ".stream", "StateReader");
    static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
    static final ClassName VECTOR_SPECIES = ClassName.get("jdk.incubator.vector", "VectorSpecies");
    static final ClassName VECTOR_OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");
    static final TypeName FLOAT_SPECIES = ParameterizedTypeName.get(VECTOR_SPECIES, ClassName.get(Float.class));
    static final ClassName NORM_KIND = ClassName.get(RUNTIME + ".nn", "NormKind");
    static final ClassName POSTACT_KIND = ClassName.get(RUNTIME + ".nn", "PostactKind");
    static final ClassName RESAMPLE_KIND = ClassName.get(RUNTIME + ".nn", "ResampleKind");
    static final ClassName INIT = ClassName.get(RUNTIME + ".train", "Init");
    static final ClassName MODE_BAND = ClassName.get(RUNTIME + ".train", "ModeBand");
    static final ClassName TENSOR = ClassName.get(RUNTIME + ".tensor", "Tensor");
    static final ClassName LIST = ClassName.get("java.util", "List");
    static final ClassName MAP = ClassName.get("java.util", "Map");
    static final ClassName HASH_MAP = ClassName.get("java.util", "HashMap");
    static final ClassName LINKED_HASH_MAP = ClassName.get("java.util", "LinkedHashMap");
    static final ClassName COLLECTIONS = ClassName.get("java.util", "Collections");
    static final ClassName SPLITTABLE_RANDOM = ClassName.get("java.util", "SplittableRandom");
    static final ClassName INT_UNARY = ClassName.get("java.util.function", "IntUnaryOperator");
    static final ClassName PATH = ClassName.get("java.nio.file", "Path");
    static final ClassName IO_EXCEPTION = ClassName.get("java.io", "IOException");
    static final TypeName FLOATS = TypeName.get(float[].class);
    static final TypeName STRING_FLOATS_MAP = ParameterizedTypeName.get(MAP, ClassName.get(String.class), FLOATS);

    /**
     * Text for a Javadoc comment: plan shapes hold {@code *} (a convolution), which next to a
     * {@code /} would end the comment, and {@code @}, which would start a tag.
     */
    static String javadoc(String s) {
        return s.replace("*", "&#42;").replace("@", "&#64;");
    }

    /** An enum constant name from a reference spelling ("layer-feature" to LAYER_FEATURE). */
    static String constant(String spelling) {
        return spelling.replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** {@code new int[] {1, 2, 3}}. */
    static CodeBlock ints(int[] values) {
        CodeBlock.Builder b = CodeBlock.builder().add("new int[] {");
        for (int i = 0; i < values.length; i++) {
            b.add(i == 0 ? "$L" : ", $L", values[i]);
        }
        return b.add("}").build();
    }

    /** A private {@code static final int} constant. */
    static FieldSpec privateConstant(String name, int value) {
        return FieldSpec.builder(TypeName.INT, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$L", value).build();
    }

    /** A final {@code float[]} field of {@code size} (a constant expression) with a one-line javadoc. */
    static FieldSpec floats(String name, String size, String doc) {
        return FieldSpec.builder(FLOATS, name, Modifier.PRIVATE,
                Modifier.FINAL).addJavadoc(doc + "\n").initializer("new float[$L]", size).build();
    }

    /** A private final float array field that the constructor assigns. */
    static FieldSpec floats(String name, String doc) {
        return FieldSpec.builder(FLOATS, name, Modifier.PRIVATE, Modifier.FINAL).addJavadoc(doc + "\n").build();
    }

    /** A Java identifier in upper camel case from a network name ("keyword-spotter" to KeywordSpotter). */
    static String upperCamel(String name) {
        StringBuilder sb = new StringBuilder();
        boolean up = true;
        for (char c : name.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            } else {
                up = true;
            }
        }
        if (sb.length() == 0 || !Character.isJavaIdentifierStart(sb.charAt(0))) {
            sb.insert(0, 'N');
        }
        return sb.toString();
    }

    /** A method body built statement by statement: a thin fluent wrapper of {@link CodeBlock.Builder}. */
    static final class Code {
        private final CodeBlock.Builder b = CodeBlock.builder();

        /** A statement (the semicolon is added). */
        Code s(String format, Object... args) {
            b.addStatement(format, args);
            return this;
        }

        /** {@code format {} and the lines up to {@link #close}, indented. */
        Code open(String format, Object... args) {
            b.beginControlFlow(format, args);
            return this;
        }

        Code orElse() {
            b.nextControlFlow("else");
            return this;
        }

        Code close() {
            b.endControlFlow();
            return this;
        }

        Code comment(String format, Object... args) {
            b.add("// " + format + "\n", args);
            return this;
        }

        CodeBlock build() {
            return b.build();
        }
    }
}
