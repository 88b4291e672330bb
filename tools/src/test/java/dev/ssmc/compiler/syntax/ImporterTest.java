package dev.ssmc.compiler.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.reference.ConfigException;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.compiler.syntax.check.IrStructure;
import dev.ssmc.compiler.syntax.importer.ImportedNetworks;
import dev.ssmc.compiler.syntax.importer.SsmWriter;
import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A reference config, written as .ssm source and compiled, is the network the reference builds:
 * the same structure, checkpoint keys and parameters, for the golden files and for random configs.
 */
class ImporterTest {

    private static void assertSameNetwork(String config, String where) {
        Network built = ImportedNetworks.reference(config, where);
        // A name that is not an identifier of the language (`my layer`, `network`) is written sanitized.
        Network reference = new Network(SsmWriter.safeName(built.name()), built.origin(), built.inChannels(),
                built.sampleRate(), built.body(), built.head(), built.planning());
        Network viaSource = ImportedNetworks.viaSource(config, where);
        assertEquals(IrStructure.withoutOrigins(reference), IrStructure.withoutOrigins(viaSource),
                () -> ImportedNetworks.source(config, where));
        assertEquals(reference.parameters(), viaSource.parameters());
    }

    @ParameterizedTest
    @ValueSource(strings = {"net_kws", "net_se", "layer_dws_small", "layer_dws_medium", "layer_full_small",
            "layer_full_medium", "layer_neck_small", "layer_neck_medium", "layer_s5_small", "layer_s5_medium",
            "layer_s5_silu_layernorm"})
    void everyGoldenNetworkGoesThroughTheLanguage(String golden) throws Exception {
        String config = Golden.config(golden);
        assertSameNetwork(config, golden);
        assertEquals(IrStructure.withoutOrigins(ReferenceNetworks.fromGoldenConfig(config, golden)),
                IrStructure.withoutOrigins(ImportedNetworks.viaSource(config, golden)));
    }

    @Test
    void kwargsAloneAreEnough() throws Exception {
        JsonObject whole = com.google.gson.JsonParser.parseString(Golden.config("net_kws")).getAsJsonObject();
        String kwargs = whole.getAsJsonObject("kwargs").toString();
        Network n = ImportedNetworks.viaSource(kwargs, "kwargs");
        assertEquals(ReferenceNetworks.fromGoldenConfig(Golden.config("net_kws"), "kws").parameters(), n.parameters());
    }

    @Test
    void aConfigThatIsNoneOfTheThreeIsAConfigError() {
        ConfigException e = assertThrows(ConfigException.class, () -> ImportedNetworks.source("{\"foo\": 1}", "x.json"));
        assertTrue(e.getMessage().startsWith("x.json: not a reference config"), e.getMessage());
    }

    @Test
    void randomClassifierConfigs() {
        Property.forAll(150, longs().between(0, Long.MAX_VALUE), this::randomClassifierConfigs);
    }

    private void randomClassifierConfigs(long seed) {
        String config = valid(seed, ImporterTest::classifier);
        assertSameNetwork(config, "classifier " + seed);
    }

    @Test
    void randomDenoiserConfigs() {
        Property.forAll(150, longs().between(0, Long.MAX_VALUE), this::randomDenoiserConfigs);
    }

    private void randomDenoiserConfigs(long seed) {
        String config = valid(seed, ImporterTest::denoiser);
        assertSameNetwork(config, "denoiser " + seed);
    }

    @Test
    void randomLayerConfigs() {
        Property.forAll(150, longs().between(0, Long.MAX_VALUE), this::randomLayerConfigs);
    }

    private void randomLayerConfigs(long seed) {
        String config = valid(seed, ImporterTest::layer);
        assertSameNetwork(config, "layer " + seed);
    }

    /** The first config the reference accepts among those the generator draws from this seed. */
    private static String valid(long seed, Function<Random, JsonObject> generator) {
        Random random = new Random(seed);
        for (int attempt = 0; attempt < 200; attempt++) {
            String config = generator.apply(random).toString();
            try {
                ImportedNetworks.reference(config, "generated");
                return config;
            } catch (ConfigException rejected) {
                // the reference would refuse to build it too; draw another
            }
        }
        throw new AssertionError("no valid config drawn from seed " + seed);
    }

    private static <T> T pick(Random r, T[] values) {
        return values[r.nextInt(values.length)];
    }

    private static String norm(Random r) {
        return pick(r, NormKind.values()).spelling();
    }

    private static JsonArray ints(int... values) {
        JsonArray a = new JsonArray();
        for (int v : values) {
            a.add(v);
        }
        return a;
    }

    /** The per-stage lists shared by both networks; channels fitted to modes that fix them. */
    private static void stages(Random r, JsonObject c, int inChannels, ResampleMode pool, boolean classifier) {
        int depth = 1 + r.nextInt(4);
        int[] channels = new int[depth];
        int[] states = new int[depth];
        int[] blocks = new int[depth];
        JsonArray ratios = new JsonArray();
        JsonArray modes = new JsonArray();
        JsonArray skip = new JsonArray();
        int cin = inChannels;
        for (int i = 0; i < depth; i++) {
            int ratio = 1 + r.nextInt(4);
            int forced = pool.forcedOutChannels(cin, ratio);
            boolean pooled = !classifier || ratio > 1;
            channels[i] = pooled && forced > 0 ? forced : 1 + r.nextInt(12);
            states[i] = 1 + r.nextInt(6);
            blocks[i] = 1 + r.nextInt(3);
            if (r.nextInt(5) == 0) {
                ratios.add(com.google.gson.JsonNull.INSTANCE); // a missing ratio means 1
                if (classifier) {
                    channels[i] = 1 + r.nextInt(12);
                } else {
                    channels[i] = pool.forcedOutChannels(cin, 1) > 0 ? pool.forcedOutChannels(cin, 1) : channels[i];
                }
            } else {
                ratios.add(ratio);
            }
            modes.add(pick(r, SsmMode.values()).spelling());
            skip.add(r.nextBoolean());
            cin = channels[i];
        }
        c.add("channels", ints(channels));
        c.add("num_states", ints(states));
        c.add("state_blocks", ints(blocks));
        c.add("mode", modes);
        c.add("downsample", ratios);
        if (classifier) {
            c.add("skip", skip);
        }
    }

    private static JsonObject classifier(Random r) {
        JsonObject c = new JsonObject();
        int in = 1 + r.nextInt(3);
        c.addProperty("in_channels", in);
        c.addProperty("num_classes", 1 + r.nextInt(12));
        ResampleMode pool = pick(r, ResampleMode.values());
        c.addProperty("downsample_mode", pool.spelling());
        stages(r, c, in, pool, true);
        if (r.nextBoolean()) {
            c.addProperty("norm", norm(r));
        }
        if (r.nextBoolean()) {
            Postact p = pick(r, Postact.values());
            c.addProperty("postact", (p == Postact.GLU ? Postact.SILU : p).spelling());
        }
        return c;
    }

    private static JsonObject denoiser(Random r) {
        JsonObject c = new JsonObject();
        int in = 1 + r.nextInt(3);
        c.addProperty("in_channels", in);
        ResampleMode[] down = {ResampleMode.DOWNSAMPLING, ResampleMode.DOWNSAMPLING_WITH_BIAS, ResampleMode.DOWNSAMPLING_DW,
                ResampleMode.AVERAGE, ResampleMode.SUBSAMPLING, ResampleMode.DOWNSHAPING};
        ResampleMode pool = pick(r, down);
        c.addProperty("downsample_mode", pool.spelling());
        stages(r, c, in, pool, false);
        if (r.nextBoolean()) {
            c.addProperty("norm", norm(r));
        }
        Postact p = pick(r, Postact.values());
        c.addProperty("postact", (p == Postact.GLU ? Postact.GELU : p).spelling());
        return c;
    }

    private static JsonObject layer(Random r) {
        JsonObject c = new JsonObject();
        c.addProperty("name", pick(r, new String[] {"layer_x", "my layer", "stage", "9lives", "net"}));
        c.addProperty("mode", pick(r, SsmMode.values()).spelling());
        c.addProperty("in_channels", 1 + r.nextInt(12));
        c.addProperty("out_channels", 2 * (1 + r.nextInt(8)));
        c.addProperty("num_states", 1 + r.nextInt(16));
        if (r.nextBoolean()) {
            c.addProperty("state_blocks", 1 + r.nextInt(4));
        }
        c.addProperty("use_activations", r.nextBoolean());
        if (r.nextBoolean()) {
            c.addProperty("norm", norm(r));
        }
        c.addProperty("postact", pick(r, Postact.values()).spelling());
        c.addProperty("batch", 1 + r.nextInt(8));
        c.addProperty("length", 1 + r.nextInt(5000));
        return c;
    }
}
