package dev.ssmc.compiler;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.SsmMode;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;
import net.jqwik.api.Combinators;

/**
 * Random reference configs (one layer, a classifier, a denoiser) with causal norms, for properties over engines:
 * {@code @ForAll(supplier = RandomConfigs.Layers.class) JsonObject config}.
 */
public final class RandomConfigs {
    private static final NormKind[] CAUSAL_NORMS = {NormKind.NONE, NormKind.BATCH, NormKind.LAYER_FEATURE, NormKind.RMS};

    private RandomConfigs() {
    }

    public static Arbitrary<JsonObject> layers() {
        return Combinators.combine(
                Arbitraries.of(SsmMode.values()), Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 3), Arbitraries.of(true, false),
                Arbitraries.of(CAUSAL_NORMS), Arbitraries.of(Postact.values()))
                .as((mode, cin, cout, states, blocks, acts, norm, postact) -> {
                    JsonObject c = new JsonObject();
                    c.addProperty("mode", mode.spelling());
                    c.addProperty("in_channels", postact == Postact.GLU ? 2 * cin : cin);
                    c.addProperty("out_channels", postact == Postact.GLU ? 2 * cout : cout);
                    c.addProperty("num_states", states);
                    c.addProperty("state_blocks", blocks);
                    c.addProperty("use_activations", acts);
                    c.addProperty("norm", norm.spelling());
                    c.addProperty("postact", postact.spelling());
                    return c;
                });
    }

    public static Arbitrary<JsonObject> classifiers() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.longs(),
                Arbitraries.of("downsampling", "downsampling_with_bias", "average", "subsampling", "downsampling_dw"))
                .as((depth, seed, pool) -> {
                    Random rnd = new Random(seed);
                    JsonObject k = new JsonObject();
                    k.addProperty("in_channels", 1 + rnd.nextInt(2));
                    k.addProperty("num_classes", 2 + rnd.nextInt(4));
                    boolean sameWidth = !pool.startsWith("downsampling") || pool.equals("downsampling_dw");
                    int width = 2 + rnd.nextInt(3);
                    JsonArray channels = new JsonArray();
                    JsonArray states = new JsonArray();
                    JsonArray blocks = new JsonArray();
                    JsonArray modes = new JsonArray();
                    JsonArray ratios = new JsonArray();
                    JsonArray skip = new JsonArray();
                    for (int i = 0; i < depth; i++) {
                        channels.add(sameWidth ? width : 2 + rnd.nextInt(4));
                        states.add(1 + rnd.nextInt(3));
                        blocks.add(1 + rnd.nextInt(2));
                        modes.add(SsmMode.values()[rnd.nextInt(4)].spelling());
                        ratios.add(1 + rnd.nextInt(3));
                        skip.add(rnd.nextBoolean());
                    }
                    if (sameWidth) {
                        k.addProperty("in_channels", width);
                    }
                    k.add("channels", channels);
                    k.add("num_states", states);
                    k.add("state_blocks", blocks);
                    k.add("mode", modes);
                    k.add("downsample", ratios);
                    k.add("skip", skip);
                    k.addProperty("downsample_mode", pool);
                    k.addProperty("norm", CAUSAL_NORMS[rnd.nextInt(CAUSAL_NORMS.length)].spelling());
                    k.addProperty("postact", new String[] {"relu", "silu", "gelu", "tanh"}[rnd.nextInt(4)]);
                    return k;
                });
    }

    public static Arbitrary<JsonObject> denoisers() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.longs(),
                Arbitraries.of("downsampling", "downsampling_with_bias", "downshaping", "average"))
                .as((depth, seed, pool) -> {
                    Random rnd = new Random(seed);
                    JsonObject k = new JsonObject();
                    int in = 1 + rnd.nextInt(2);
                    k.addProperty("in_channels", in);
                    JsonArray channels = new JsonArray();
                    JsonArray states = new JsonArray();
                    JsonArray blocks = new JsonArray();
                    JsonArray modes = new JsonArray();
                    JsonArray ratios = new JsonArray();
                    int width = in;
                    for (int i = 0; i < depth; i++) {
                        int r = 2 + rnd.nextInt(2);
                        width = switch (pool) {
                            case "downshaping" -> width * r;
                            case "average" -> width;
                            default -> 2 + rnd.nextInt(4);
                        };
                        channels.add(width);
                        states.add(1 + rnd.nextInt(3));
                        blocks.add(1 + rnd.nextInt(2));
                        modes.add(SsmMode.values()[rnd.nextInt(4)].spelling());
                        ratios.add(r);
                    }
                    k.add("channels", channels);
                    k.add("num_states", states);
                    k.add("state_blocks", blocks);
                    k.add("mode", modes);
                    k.add("downsample", ratios);
                    k.addProperty("downsample_mode", pool);
                    k.addProperty("norm", CAUSAL_NORMS[rnd.nextInt(CAUSAL_NORMS.length)].spelling());
                    k.addProperty("postact", new String[] {"silu", "relu", "lelu", "sigmoid"}[rnd.nextInt(4)]);
                    return k;
                });
    }

    /** {@link #layers()} as a supplier for {@code @ForAll}. */
    public static final class Layers implements ArbitrarySupplier<JsonObject> {
        @Override
        public Arbitrary<JsonObject> get() {
            return layers();
        }
    }

    /** {@link #classifiers()} as a supplier for {@code @ForAll}. */
    public static final class Classifiers implements ArbitrarySupplier<JsonObject> {
        @Override
        public Arbitrary<JsonObject> get() {
            return classifiers();
        }
    }

    /** {@link #denoisers()} as a supplier for {@code @ForAll}. */
    public static final class Denoisers implements ArbitrarySupplier<JsonObject> {
        @Override
        public Arbitrary<JsonObject> get() {
            return denoisers();
        }
    }
}
