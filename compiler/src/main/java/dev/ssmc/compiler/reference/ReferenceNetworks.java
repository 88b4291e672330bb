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
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the IR of the reference package's modules from their constructor arguments, with the
 * reference's checkpoint key names (see {@code centaurus-reference.md}, section 4): a single
 * {@code SSMLayer}, the classifier {@code Centaurus} and the denoiser {@code CentaurusSE}.
 */
public final class ReferenceNetworks {
    /** The reference's default activation of a layer when a config gives none. */
    private static final String DEFAULT_POSTACT = "relu";

    private ReferenceNetworks() {
    }

    /** The network of a golden file's config: a layer file (one SSM layer) or a network file. */
    public static Network fromGoldenConfig(String configJson, String where) {
        ConfigReader c = new ConfigReader(ConfigReader.parse(configJson, where), where);
        String name = c.string("name", "network");
        if (c.has("network")) {
            String kind = c.string("network", "");
            JsonObject kwargs = c.json().getAsJsonObject("kwargs");
            if (kwargs == null) {
                throw c.error("kwargs", "is missing (the constructor arguments of " + kind + ")");
            }
            return network(kind, kwargs, name, where);
        }
        return layer(c.json(), name, where);
    }

    /** A network from the name of its reference class and its constructor arguments. */
    public static Network network(String kind, JsonObject kwargs, String name, String where) {
        return switch (kind) {
            case "Centaurus" -> classifier(kwargs, name, where);
            case "CentaurusSE" -> denoiser(kwargs, name, where);
            default -> throw new ConfigException(where + ": unknown reference network '" + kind + "'"
                    + Names.suggestion(kind, "Centaurus", "CentaurusSE") + "; ssmc knows Centaurus and CentaurusSE");
        };
    }

    /** One SSM layer: config keys {@code mode, in_channels, out_channels, num_states, state_blocks, use_activations, norm, postact}. */
    public static Network layer(JsonObject config, String name, String where) {
        ConfigReader c = new ConfigReader(config, where);
        SsmMode mode = parse(c, "mode", () -> SsmMode.parse(c.string("mode", "")));
        int cin = c.integer("in_channels");
        int cout = c.integer("out_channels");
        int states = c.integer("num_states");
        int blocks = blocksFor(mode, c.integer("state_blocks", 1));
        Activation act = activation(c, null);
        SsmLayer layer = new SsmLayer(Origin.of("layer " + name + " (" + mode.spelling() + ")"), "", mode, cin, cout,
                states, blocks, c.bool("use_activations", true), act);
        return check(new Network(name, Origin.of(name), cin, 0, List.of(layer), Optional.empty(),
                planning(c)), where);
    }

    /** The classifier {@code Centaurus}: backbone stages, then mean over time and a two-layer MLP. */
    public static Network classifier(JsonObject kwargs, String name, String where) {
        ConfigReader c = new ConfigReader(kwargs, where);
        int depth = c.listLength("channels");
        int inChannels = c.integer("in_channels");
        int classes = c.integer("num_classes");
        int[] channels = c.perStageInts("channels", depth, null);
        int[] states = c.perStageInts("num_states", depth, null);
        int[] blocks = c.perStageInts("state_blocks", depth, 1);
        String[] modes = c.perStageStrings("mode", depth);
        int[] ratios = c.perStageInts("downsample", depth, 1);
        boolean[] skip = c.perStageBools("skip", depth, false);
        ResampleMode poolMode = parse(c, "downsample_mode",
                () -> ResampleMode.parse(c.string("downsample_mode", "downsampling")));
        Activation act = activation(c, "batch");

        List<Node> body = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            int stage = i;
            SsmMode mode = parse(c, "mode", () -> SsmMode.parse(modes[stage]));
            int cin = i == 0 ? inChannels : channels[i - 1];
            int cout = channels[i];
            int r = ratios[i];
            int med = r > 1 ? cin : cout;
            String prefix = "backbone." + i;
            Origin origin = Origin.of("stage " + i + " (" + mode.spelling() + " layer)");
            int j = blocksFor(mode, blocks[i]);
            if (skip[i] && cin == med) {
                // The inner layer is built without the network's norm: a dws layer's input act is BatchNorm.
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
                body.add(new ActLayer(Origin.of("stage " + i + " (activation after pooling)"), prefix + ".1.1.0", cout, act));
            }
        }
        int features = channels[depth - 1];
        Head head = new Head(Origin.of("classifier head"), List.of(
                new Dense("classifier.1.0", features, features, act.postact()),
                new Dense("classifier.1.2", features, classes, Postact.IDENTITY)));
        return check(new Network(name, Origin.of(name), inChannels, 0, body, Optional.of(head), Planning.DEFAULT), where);
    }

    /** The denoiser {@code CentaurusSE}: a U-Net of SSM layers with skip additions around each level. */
    public static Network denoiser(JsonObject kwargs, String name, String where) {
        ConfigReader c = new ConfigReader(kwargs, where);
        int depth = c.listLength("channels");
        int inChannels = c.integer("in_channels");
        int[] channels = c.perStageInts("channels", depth, null);
        int[] states = c.perStageInts("num_states", depth, null);
        int[] blocks = c.perStageInts("state_blocks", depth, 1);
        String[] modeNames = c.perStageStrings("mode", depth);
        int[] ratios = c.perStageInts("downsample", depth, 1);
        ResampleMode downMode = parse(c, "downsample_mode",
                () -> ResampleMode.parse(c.string("downsample_mode", "downsampling")));
        if (downMode.direction() != ResampleMode.Direction.DOWN) {
            throw c.error("downsample_mode", "must shorten the time axis, but '" + downMode.spelling() + "' lengthens it");
        }
        Activation act = activation(c, "layer-feature", "silu");
        SsmMode[] modes = new SsmMode[depth];
        for (int i = 0; i < depth; i++) {
            int stage = i;
            modes[i] = parse(c, "mode", () -> SsmMode.parse(modeNames[stage]));
        }

        List<Node> body = new ArrayList<>(level(0, inChannels, channels, states, blocks, modes, ratios, downMode, act));
        SsmMode first = modes[0];
        int j0 = blocksFor(first, blocks[0]);
        body.add(new SsmLayer(Origin.of("last layer 0 (" + first.spelling() + ")"), "last_ssms.0", first,
                inChannels, inChannels, states[0], j0, true, act));
        body.add(new SsmLayer(Origin.of("last layer 1 (" + first.spelling() + ")"), "last_ssms.1", first,
                inChannels, inChannels, states[0], j0, false, act));
        return check(new Network(name, Origin.of(name), inChannels, 0, body, Optional.empty(), Planning.DEFAULT), where);
    }

    /** Level i of the U-Net: [skip(encoder layer, down, inner levels, up), decoder layer]. */
    private static List<Node> level(int i, int inChannels, int[] channels, int[] states, int[] blocks, SsmMode[] modes,
                                    int[] ratios, ResampleMode downMode, Activation act) {
        int depth = channels.length;
        int cin = i == 0 ? inChannels : channels[i - 1];
        int cout = channels[i];
        int r = ratios[i];
        SsmMode mode = modes[i];
        int j = blocksFor(mode, blocks[i]);
        List<Node> inner = new ArrayList<>();
        inner.add(new SsmLayer(Origin.of("encoder " + i + " (" + mode.spelling() + " layer)"), "down_ssms." + i + ".0.0",
                mode, cin, cin, states[i], j, true, act));
        inner.add(new Resample(Origin.of("encoder " + i + " (" + downMode.spelling() + " by " + r + ")"),
                "down_ssms." + i + ".1", downMode, r, cin, cout));
        if (i + 1 < depth) {
            inner.addAll(level(i + 1, inChannels, channels, states, blocks, modes, ratios, downMode, act));
        } else {
            int hidBlocks = blocksFor(SsmMode.S5, blocks[depth - 1]);
            for (int k = 0; k < 2; k++) {
                inner.add(new SsmLayer(Origin.of("middle layer " + k + " (s5)"), "hid_ssms." + k, SsmMode.S5,
                        cout, cout, states[depth - 1], hidBlocks, true, act));
            }
        }
        ResampleMode upMode = downMode.mirror();
        inner.add(new Resample(Origin.of("decoder " + i + " (" + upMode.spelling() + " by " + r + ")"),
                "up_ssms." + i + ".0", upMode, r, cout, cin));
        Origin skipOrigin = Origin.of("level " + i + " (skip addition)");
        return List.of(
                new Residual(skipOrigin, inner, NormKind.NONE, "", Postact.IDENTITY),
                new SsmLayer(Origin.of("decoder " + i + " (" + mode.spelling() + " layer)"), "up_ssms." + i + ".1.0",
                        mode, cin, cin, states[i], j, true, act));
    }

    /** dws and full layers have no state blocks; the reference ignores the value it is given for them. */
    private static int blocksFor(SsmMode mode, int blocks) {
        return mode == SsmMode.S5 || mode == SsmMode.NECK ? blocks : 1;
    }

    private static Activation activation(ConfigReader c, String defaultNorm) {
        return activation(c, defaultNorm, DEFAULT_POSTACT);
    }

    private static Activation activation(ConfigReader c, String defaultNorm, String defaultPostact) {
        NormKind norm = c.has("norm") ? parse(c, "norm", () -> NormKind.parse(c.string("norm", "")))
                : defaultNorm == null ? NormKind.NONE : NormKind.parse(defaultNorm);
        Postact postact = c.has("postact") ? parse(c, "postact", () -> Postact.parse(c.string("postact", "")))
                : Postact.parse(defaultPostact);
        return new Activation(norm, postact, 0);
    }

    private static Planning planning(ConfigReader c) {
        int batch = c.integer("batch", Planning.DEFAULT.batch());
        int length = c.integer("length", Planning.DEFAULT.length());
        return new Planning(batch, length, Planning.DEFAULT.chunk());
    }

    private static <T> T parse(ConfigReader c, String key, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
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
