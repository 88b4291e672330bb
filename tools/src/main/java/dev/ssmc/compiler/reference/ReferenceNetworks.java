package dev.ssmc.compiler.reference;

import com.google.gson.JsonObject;
import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.Head;
import dev.ssmc.compiler.ir.IrException;
import dev.ssmc.compiler.ir.Names;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Origin;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.runtime.io.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the IR of the reference package's modules from their constructor arguments, with the
 * reference's checkpoint key names (see {@code centaurus-reference.md}, section 4): a single
 * {@code SSMLayer}, the classifier {@code Centaurus} and the denoiser {@code CentaurusSE}.
 */
public final class ReferenceNetworks {
    /** The reference's class names: the classifier, the denoiser, one layer. */
    public static final String CLASSIFIER = "Centaurus";
    public static final String DENOISER = "CentaurusSE";
    public static final String LAYER = "SSMLayer";

    private ReferenceNetworks() {
    }

    /** The network of a golden file's config: a layer file (one SSM layer) or a network file. */
    public static Network fromGoldenConfig(String configJson, String where) {
        ConfigReader c = new ConfigReader(ConfigReader.parse(configJson, where), where);
        if (c.has("network")) {
            String kind = c.string("network", "");
            String name = c.string("name", kind);
            JsonObject kwargs = c.json().getAsJsonObject("kwargs");
            if (kwargs == null) {
                throw c.error("kwargs", "is missing (the constructor arguments of " + kind + ")");
            }
            return network(kind, kwargs, name, where);
        }
        return layer(c.json(), c.string("name", LAYER), where);
    }

    /** A network from the name of its reference class and its constructor arguments. */
    public static Network network(String kind, JsonObject kwargs, String name, String where) {
        return switch (kind) {
            case CLASSIFIER -> classifier(kwargs, name, where);
            case DENOISER -> denoiser(kwargs, name, where);
            default -> throw new ConfigException(where + ": unknown reference network '" + kind + "'"
                    + Names.suggestion(kind, CLASSIFIER, DENOISER) + "; ssmc knows " + CLASSIFIER + " and " + DENOISER);
        };
    }

    /** One SSM layer: config keys {@code mode, in_channels, out_channels, num_states, state_blocks, use_activations, norm, postact}. */
    public static Network layer(JsonObject config, String name, String where) {
        ConfigReader c = new ConfigReader(config, where);
        SsmMode mode = parse(c, "mode", () -> SsmMode.parse(c.string("mode", "s5")));
        int cin = c.integer("in_channels");
        int cout = c.integer("out_channels");
        int states = c.integer("num_states");
        int blocks = blocksFor(mode, c.integer("state_blocks", 1));
        Activation act = new Activation(norm(c, "norm", "batch"), postact(c, "relu"), dropout(c));
        SsmLayer layer = new SsmLayer(Origin.of("layer " + name + " (" + mode.spelling() + ")"), "", mode, cin, cout,
                states, blocks, c.bool("use_activations", false), act);
        return check(new Network(name, Origin.of(name), cin, 0, List.of(layer), Optional.empty(),
                planning(c)), where);
    }

    /** The classifier {@code Centaurus}: backbone stages, then mean over time and a two-layer MLP. */
    public static Network classifier(JsonObject kwargs, String name, String where) {
        ConfigReader c = new ConfigReader(kwargs, where);
        rejectUnsupported(c);
        int depth = c.has("depth") ? c.integer("depth") : c.listLength("channels");
        if (depth < 1) {
            throw c.error("depth", "must be at least 1, got " + depth);
        }
        int inChannels = c.integer("in_channels");
        int classes = c.integer("num_classes");
        int[] channels = c.perStageInts("channels", depth, null, ConfigReader.Pad.LAST);
        int[] states = c.perStageInts("num_states", depth, DEFAULT_STATES, ConfigReader.Pad.LAST);
        int[] blocks = stateBlocks(c, depth);
        SsmMode[] modes = modes(c, depth);
        int[] ratios = c.perStageInts("downsample", depth, 1, ConfigReader.Pad.ONES);
        boolean[] skip = c.perStageBools("skip", depth, false);
        NormKind[] norms = stageNorms(c, depth);
        ResampleMode poolMode = parse(c, "downsample_mode",
                () -> ResampleMode.parse(c.string("downsample_mode", "downsampling")));
        Postact postact = postact(c, "relu");
        double dropout = dropout(c);
        boolean convPool = poolMode.spelling().startsWith("downsampling");

        List<Node> body = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            SsmMode mode = modes[i];
            Activation act = new Activation(norms[i], postact, dropout);
            int cin = i == 0 ? inChannels : channels[i - 1];
            int cout = channels[i];
            int r = ratios[i];
            if (r < 1) {
                throw c.error("downsample", "must hold positive ratios, got " + r + " for stage " + i);
            }
            // The width the SSM layer produces: the pool changes it when it is a learned conv or a reshape.
            int med = r == 1 ? cout : convPool ? cin : poolMode == ResampleMode.DOWNSHAPING
                    ? (int) Math.round((double) cout / r) : cout;
            String prefix = "backbone." + i;
            Origin origin = Origin.of("stage " + i + " (" + mode.spelling() + " layer)");
            int j = blocksFor(mode, blocks[i]);
            if (skip[i] && cin == med) {
                // The inner layer is built without the stage's norm, so it has the layer's default: BatchNorm.
                SsmLayer inner = new SsmLayer(origin, prefix + ".0.layer", mode, cin, med, states[i], j, false,
                        act.withNorm(NormKind.BATCH));
                body.add(new Residual(origin.describing("stage " + i + " (residual " + mode.spelling() + " block)"),
                        List.of(inner), act.norm(), prefix + ".0.residual_connect.norm_drop.0", act.postact()));
            } else {
                body.add(new SsmLayer(origin, prefix + ".0", mode, cin, med, states[i], j, true, act));
            }
            if (r > 1) {
                body.add(new Resample(Origin.of("stage " + i + " (" + poolMode.spelling() + " by " + r + ")"),
                        prefix + ".1.0", poolMode, r, med, cout));
                // Only a conv pool is followed by the stage's activation.
                if (convPool && !act.isIdentityOn(cout)) {
                    body.add(new ActLayer(Origin.of("stage " + i + " (activation after pooling)"), prefix + ".1.1.0",
                            cout, act));
                }
            }
        }
        int features = channels[depth - 1];
        Head head = new Head(Origin.of("classifier head"), List.of(
                new Dense("classifier.1.0", features, features, postact),
                new Dense("classifier.1.2", features, classes, Postact.IDENTITY)));
        return check(new Network(name, Origin.of(name), inChannels, 0, body, Optional.of(head), Planning.DEFAULT), where);
    }

    /** The denoiser {@code CentaurusSE}: a U-Net of SSM layers with skip additions around each level. */
    public static Network denoiser(JsonObject kwargs, String name, String where) {
        ConfigReader c = new ConfigReader(kwargs, where);
        rejectUnsupported(c);
        int depth = c.listLength("channels");
        if (depth < 1) {
            throw c.error("channels", "must list at least one stage");
        }
        if (!c.isList("downsample") || c.listLength("downsample") != depth) {
            throw c.error("downsample", "must list one ratio per stage (" + depth + " stages)");
        }
        int inChannels = c.integer("in_channels");
        SeStages s = new SeStages(inChannels, c.perStageInts("channels", depth, null, ConfigReader.Pad.LAST),
                c.perStageInts("num_states", depth, DEFAULT_STATES, ConfigReader.Pad.LAST), stateBlocks(c, depth),
                modes(c, depth), c.perStageInts("downsample", depth, null, ConfigReader.Pad.LAST),
                parse(c, "downsample_mode", () -> ResampleMode.parse(c.string("downsample_mode", "downsampling"))),
                new Activation(norm(c, "norm", "layer-feature"), postact(c, "silu"), dropout(c)));
        if (s.downMode != ResampleMode.DOWNSAMPLING && s.downMode != ResampleMode.DOWNSAMPLING_WITH_BIAS
                && s.downMode != ResampleMode.DOWNSHAPING && s.downMode != ResampleMode.AVERAGE) {
            throw c.error("downsample_mode", "must be downsampling, downsampling_with_bias, downshaping or average for"
                    + " CentaurusSE (the decoder needs the matching upsampling), not '" + s.downMode.spelling() + "'");
        }
        for (int r : s.ratios) {
            if (r < 1) {
                throw c.error("downsample", "must hold positive ratios, got " + r);
            }
        }
        List<Node> body = new ArrayList<>(s.level(0));
        SsmMode first = s.modes[0];
        int j0 = blocksFor(first, s.blocks[0]);
        body.add(new SsmLayer(Origin.of("last layer 0 (" + first.spelling() + ")"), "last_ssms.0", first,
                inChannels, inChannels, s.states[0], j0, true, s.act));
        body.add(new SsmLayer(Origin.of("last layer 1 (" + first.spelling() + ")"), "last_ssms.1", first,
                inChannels, inChannels, s.states[0], j0, false, s.act));
        return check(new Network(name, Origin.of(name), inChannels, 0, body, Optional.empty(), Planning.DEFAULT), where);
    }

    /** The stages of a denoiser, and how one level of its U-Net is built. */
    private record SeStages(int inChannels, int[] channels, int[] states, int[] blocks, SsmMode[] modes, int[] ratios,
                            ResampleMode downMode, Activation act) {

        /** The width between a level's SSM layer and its pool (the reference's {@code med_channels}). */
        int med(int i) {
            int cin = i == 0 ? inChannels : channels[i - 1];
            return switch (downMode) {
                case DOWNSHAPING -> (int) Math.round((double) channels[i] / ratios[i]);
                case AVERAGE -> channels[i];
                default -> cin;
            };
        }

        /**
         * Level i: the encoder layer (cin to med), the pool (med to cout), the inner levels, the
         * upsampling (cout to med), the skip addition, the decoder layer (med to cin). A conv pool
         * skips from the level's input; a reshaping or averaging pool skips from the encoder
         * layer's output, as the reference does.
         */
        List<Node> level(int i) {
            int depth = channels.length;
            int cin = i == 0 ? inChannels : channels[i - 1];
            int cout = channels[i];
            int med = med(i);
            int r = ratios[i];
            SsmMode mode = modes[i];
            int j = blocksFor(mode, blocks[i]);
            SsmLayer encoder = new SsmLayer(Origin.of("encoder " + i + " (" + mode.spelling() + " layer)"),
                    "down_ssms." + i + ".0.0", mode, cin, med, states[i], j, true, act);
            List<Node> pooled = new ArrayList<>();
            if (r > 1) {
                pooled.add(new Resample(Origin.of("encoder " + i + " (" + downMode.spelling() + " by " + r + ")"),
                        "down_ssms." + i + ".1", downMode, r, med, cout));
            }
            if (i + 1 < depth) {
                pooled.addAll(level(i + 1));
            } else {
                int hidBlocks = blocksFor(SsmMode.S5, blocks[depth - 1]);
                for (int k = 0; k < 2; k++) {
                    pooled.add(new SsmLayer(Origin.of("middle layer " + k + " (s5)"), "hid_ssms." + k, SsmMode.S5,
                            cout, cout, states[depth - 1], hidBlocks, true, act));
                }
            }
            if (r > 1) {
                ResampleMode upMode = downMode.mirror();
                pooled.add(new Resample(Origin.of("decoder " + i + " (" + upMode.spelling() + " by " + r + ")"),
                        "up_ssms." + i + ".0", upMode, r, cout, med));
            }
            SsmLayer decoder = new SsmLayer(Origin.of("decoder " + i + " (" + mode.spelling() + " layer)"),
                    "up_ssms." + i + ".1.0", mode, med, cin, states[i], j, true, act);
            Origin skip = Origin.of("level " + i + " (skip addition)");
            boolean skipFromInput = downMode == ResampleMode.DOWNSAMPLING || downMode == ResampleMode.DOWNSAMPLING_WITH_BIAS;
            if (skipFromInput) {
                List<Node> inner = new ArrayList<>();
                inner.add(encoder);
                inner.addAll(pooled);
                return List.of(new Residual(skip, inner, NormKind.NONE, "", Postact.IDENTITY), decoder);
            }
            return List.of(encoder, new Residual(skip, pooled, NormKind.NONE, "", Postact.IDENTITY), decoder);
        }
    }

    /** The reference constructors' default number of states per block. */
    private static final int DEFAULT_STATES = 16;
    /** The reference constructors' default number of state blocks. */
    private static final int DEFAULT_BLOCKS = 4;

    /** {@code state_blocks}: 4 when absent; a null entry means the layer's default, 1. */
    private static int[] stateBlocks(ConfigReader c, int depth) {
        if (!c.json().has("state_blocks")) {
            int[] out = new int[depth];
            java.util.Arrays.fill(out, DEFAULT_BLOCKS);
            return out;
        }
        return c.perStageInts("state_blocks", depth, 1, ConfigReader.Pad.LAST);
    }

    private static SsmMode[] modes(ConfigReader c, int depth) {
        String[] names = c.json().has("mode") ? c.perStageStrings("mode", depth) : null;
        SsmMode[] modes = new SsmMode[depth];
        for (int i = 0; i < depth; i++) {
            String n = names == null ? "s5" : names[i];
            if (n == null) {
                throw c.error("mode", "gives no mode for stage " + i);
            }
            modes[i] = parse(c, "mode", () -> SsmMode.parse(n));
        }
        return modes;
    }

    private static NormKind[] stageNorms(ConfigReader c, int depth) {
        NormKind[] out = new NormKind[depth];
        if (!c.json().has("norm")) {
            java.util.Arrays.fill(out, NormKind.BATCH);
            return out;
        }
        String[] names = c.perStageStrings("norm", depth);
        for (int i = 0; i < depth; i++) {
            String n = names[i];
            out[i] = n == null ? NormKind.NONE : parse(c, "norm", () -> NormKind.parse(n));
        }
        return out;
    }

    /** A norm key: absent means the constructor's default, null means none. */
    private static NormKind norm(ConfigReader c, String key, String absentDefault) {
        if (c.isExplicitNull(key)) {
            return NormKind.NONE;
        }
        return parse(c, key, () -> NormKind.parse(c.string(key, absentDefault)));
    }

    /** The postact: absent means the constructor's default, null means none. */
    private static Postact postact(ConfigReader c, String absentDefault) {
        if (c.isExplicitNull("postact")) {
            return Postact.IDENTITY;
        }
        return parse(c, "postact", () -> Postact.parse(c.string("postact", absentDefault)));
    }

    private static double dropout(ConfigReader c) {
        if (!c.has("dropout")) {
            return 0;
        }
        com.google.gson.JsonElement e = c.json().get("dropout");
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw c.error("dropout", "must be a number, got " + e);
        }
        double p = e.getAsDouble();
        if (!(p >= 0 && p < 1)) {
            throw c.error("dropout", "must be a probability in [0, 1), got " + p);
        }
        return p;
    }

    /** Options of the reference's constructors that change the computation and that ssmc does not build. */
    private static void rejectUnsupported(ConfigReader c) {
        if (c.has("connect_type")) {
            throw c.error("connect_type", "is not supported by ssmc (only the plain residual addition is); remove it");
        }
        if (c.has("offset") && c.integer("offset") != 0) {
            throw c.error("offset", "is not supported by ssmc (residual offsets); use 0");
        }
    }

    /** dws and full layers have no state blocks; the reference ignores the value it is given for them. */
    private static int blocksFor(SsmMode mode, int blocks) {
        return mode == SsmMode.S5 || mode == SsmMode.NECK ? blocks : 1;
    }

    private static Planning planning(ConfigReader c) {
        int batch = c.integer("batch", Planning.DEFAULT.batch());
        int length = c.integer("length", Planning.DEFAULT.length());
        return new Planning(batch, length, Planning.DEFAULT.chunk());
    }

    private static <T> T parse(ConfigReader c, String key, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (InvalidInputException e) {
            throw c.error(key, e.getMessage());
        }
    }

    private static Network check(Network n, String where) {
        try {
            ShapeInference.infer(n);
        } catch (IrException e) {
            throw new ConfigException(where + ": " + e.getMessage());
        }
        return n;
    }
}
