package dev.ssmc.compiler;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.SsmMode;
import java.util.Random;
import org.quicktheories.core.Gen;

/**
 * Random reference configs (one layer, a classifier, a denoiser) with causal norms, for properties over engines
 * ({@code Property.forAll(60, RandomConfigs.layers(), ...)}). The configs' builders ({@link #layer},
 * {@link #classifier}, {@link #denoiser}) serve the generated-tests module's random pools too (this module's test jar).
 */
public final class RandomConfigs {
    private static final NormKind[] CAUSAL_NORMS = {NormKind.NONE, NormKind.BATCH, NormKind.LAYER_FEATURE, NormKind.RMS};

    private RandomConfigs() {
    }

    /** A config with the seed of everything else a try draws (weights, inputs, chunks). */
    public record Seeded(JsonObject config, long seed) {
    }

    /** {@code configs}, each with a seed. */
    public static Gen<Seeded> seeded(Gen<JsonObject> configs) {
        return configs.zip(longs().all(), Seeded::new);
    }

    /** What a random layer draws, before its channel counts are fitted to its norm and postact. */
    public record LayerDraw(SsmMode mode, int cin, int cout, int states, int blocks, boolean acts, NormKind norm,
            Postact postact) {
        /** The layer's config with {@code in} and {@code out} channels. */
        public JsonObject config(int in, int out) {
            return layer(mode.spelling(), in, out, states, blocks, acts, norm.spelling(), postact.spelling());
        }
    }

    /** Layers of any mode and postact, one to four channels in and out, with one of {@code norms}. */
    public static Gen<LayerDraw> layerDraws(NormKind[] norms, int maxStates) {
        Gen<SsmMode> modes = arbitrary().enumValues(SsmMode.class);
        Gen<NormKind> normKinds = arbitrary().pick(norms);
        Gen<Postact> postacts = arbitrary().enumValues(Postact.class);
        return in -> new LayerDraw(modes.generate(in), integers().between(1, 4).generate(in),
                integers().between(1, 4).generate(in), integers().between(1, maxStates).generate(in),
                integers().between(1, 3).generate(in), booleans().all().generate(in), normKinds.generate(in),
                postacts.generate(in));
    }

    /** One layer of any mode and postact, with a causal norm (a glu postact gets twice the channels it halves). */
    public static Gen<JsonObject> layers() {
        return layerDraws(CAUSAL_NORMS, 4).map(d -> {
            int glu = d.postact() == Postact.GLU ? 2 : 1;
            return d.config(glu * d.cin(), glu * d.cout());
        });
    }

    public static Gen<JsonObject> classifiers() {
        Gen<String> pools = arbitrary().pick("downsampling", "downsampling_with_bias", "average", "subsampling",
                "downsampling_dw");
        return integers().between(1, 3).zip(longs().all(), pools, (depth, seed, pool) -> {
            Random rnd = new Random(seed);
            JsonObject k = classifier(rnd, depth, pool, false);
            k.addProperty("norm", CAUSAL_NORMS[rnd.nextInt(CAUSAL_NORMS.length)].spelling());
            k.addProperty("postact", new String[] {"relu", "silu", "gelu", "tanh"}[rnd.nextInt(4)]);
            return k;
        });
    }

    public static Gen<JsonObject> denoisers() {
        Gen<String> pools = arbitrary().pick("downsampling", "downsampling_with_bias", "downshaping", "average");
        return integers().between(1, 3).zip(longs().all(), pools, (depth, seed, pool) -> {
            Random rnd = new Random(seed);
            JsonObject k = denoiser(rnd, depth, pool);
            k.addProperty("norm", CAUSAL_NORMS[rnd.nextInt(CAUSAL_NORMS.length)].spelling());
            k.addProperty("postact", new String[] {"silu", "relu", "lelu", "sigmoid"}[rnd.nextInt(4)]);
            return k;
        });
    }

    /**
     * One {@code SSMLayer}'s config, as given (a {@code glu} postact halves the channels it is
     * given, so callers give it even counts).
     */
    public static JsonObject layer(String mode, int cin, int cout, int states, int blocks, boolean acts, String norm,
                                   String postact) {
        JsonObject c = new JsonObject();
        c.addProperty("mode", mode);
        c.addProperty("in_channels", cin);
        c.addProperty("out_channels", cout);
        c.addProperty("num_states", states);
        c.addProperty("state_blocks", blocks);
        c.addProperty("use_activations", acts);
        c.addProperty("norm", norm);
        c.addProperty("postact", postact);
        return c;
    }

    /**
     * A classifier's ({@code Centaurus}) config of {@code depth} stages pooled by {@code pool}, its
     * widths, states, blocks, modes, pooling ratios (1 to 3) and skips drawn from {@code rnd}; the
     * caller adds {@code norm} and {@code postact}. Pooling without a learned projection keeps one
     * width throughout, the input's too; so does {@code groupNorm}, at 4 channels (the groups must
     * divide every width).
     */
    public static JsonObject classifier(Random rnd, int depth, String pool, boolean groupNorm) {
        JsonObject k = new JsonObject();
        boolean sameWidth = groupNorm || !pool.startsWith("downsampling") || pool.equals("downsampling_dw");
        int width = groupNorm ? 4 : 2 + rnd.nextInt(3);
        k.addProperty("in_channels", sameWidth ? width : 1 + rnd.nextInt(2));
        k.addProperty("num_classes", 2 + rnd.nextInt(4));
        Stages stages = new Stages();
        JsonArray skip = new JsonArray();
        for (int i = 0; i < depth; i++) {
            stages.add(rnd, sameWidth ? width : 2 + rnd.nextInt(4));
            stages.ratios.add(1 + rnd.nextInt(3));
            skip.add(rnd.nextBoolean());
        }
        stages.putInto(k, pool);
        k.add("skip", skip);
        return k;
    }

    /**
     * A denoiser's ({@code CentaurusSE}) config of {@code depth} levels pooled by {@code pool}
     * (ratios 2 or 3; {@code downshaping} multiplies the width by the ratio, {@code average} keeps
     * it), its input width (1 or 2), widths, states, blocks and modes drawn from {@code rnd}; the
     * caller adds {@code norm} and {@code postact}.
     */
    public static JsonObject denoiser(Random rnd, int depth, String pool) {
        JsonObject k = new JsonObject();
        int in = 1 + rnd.nextInt(2);
        k.addProperty("in_channels", in);
        Stages stages = new Stages();
        int width = in;
        for (int i = 0; i < depth; i++) {
            int r = 2 + rnd.nextInt(2);
            width = switch (pool) {
                case "downshaping" -> width * r;
                case "average" -> width;
                default -> 2 + rnd.nextInt(4);
            };
            stages.add(rnd, width);
            stages.ratios.add(r);
        }
        stages.putInto(k, pool);
        return k;
    }

    /** The per-stage lists of a classifier's or denoiser's config. */
    private static final class Stages {
        final JsonArray channels = new JsonArray();
        final JsonArray states = new JsonArray();
        final JsonArray blocks = new JsonArray();
        final JsonArray modes = new JsonArray();
        final JsonArray ratios = new JsonArray();

        /** A stage of {@code width} channels with random states (1 to 3), blocks (1 or 2) and mode; its ratio is the caller's. */
        void add(Random rnd, int width) {
            channels.add(width);
            states.add(1 + rnd.nextInt(3));
            blocks.add(1 + rnd.nextInt(2));
            modes.add(SsmMode.values()[rnd.nextInt(4)].spelling());
        }

        void putInto(JsonObject k, String pool) {
            k.add("channels", channels);
            k.add("num_states", states);
            k.add("state_blocks", blocks);
            k.add("mode", modes);
            k.add("downsample", ratios);
            k.addProperty("downsample_mode", pool);
        }
    }
}
