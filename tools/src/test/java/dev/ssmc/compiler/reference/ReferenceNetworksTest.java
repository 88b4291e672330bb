package dev.ssmc.compiler.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.SsmLayer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReferenceNetworksTest {
    private static final String KWS = """
            {"name": "kws", "network": "Centaurus", "kwargs": {"in_channels": 1, "num_classes": 12,
             "channels": [8, 16], "num_states": [8, 8], "state_blocks": [1, 2], "mode": ["full", "neck"],
             "downsample": [4, 1], "norm": "batch", "postact": "relu", "skip": [false, true]}}""";

    @Test
    void classifierStagesFollowTheReferenceStructure() {
        Network n = ReferenceNetworks.fromGoldenConfig(KWS, "kws.json");
        // stage 1 has r == 1 and cin != cout: the skip is dropped, the layer maps 8 -> 16 with activations
        assertTrue(n.body().get(3) instanceof SsmLayer l && l.key().equals("backbone.1.0") && l.activations());
        List<String> keys = n.parameters().stream().map(ParamSpec::key).toList();
        assertTrue(keys.contains("backbone.0.1.0.weight"));
        assertTrue(keys.contains("classifier.1.2.bias"));
        assertEquals(12, n.head().orElseThrow().classes());
    }

    @Test
    void aResidualInnerDwsLayerUsesBatchNormWhateverTheNetworkNorm() {
        Network n = ReferenceNetworks.fromGoldenConfig(KWS.replace("\"neck\"]", "\"dws\"]").replace("[8, 16]", "[8, 8]")
                .replace("\"batch\"", "\"layer-feature\""), "kws.json");
        Residual r = (Residual) n.body().get(3);
        SsmLayer inner = (SsmLayer) r.body().get(0);
        assertEquals("batch", inner.act().norm().spelling());
        assertEquals("layer-feature", r.norm().spelling());
        assertEquals("backbone.1.0.residual_connect.norm_drop.0", r.normKey());
    }

    @Test
    void configErrorsNameTheKeyAndSuggest() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ReferenceNetworks.fromGoldenConfig(KWS.replace("\"neck\"", "\"nekc\""), "kws.json"));
        assertTrue(e.getMessage().startsWith("kws.json: config key 'mode' unknown SSM mode 'nekc' (did you mean 'neck'?)"),
                e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> ReferenceNetworks.fromGoldenConfig(KWS.replace("\"channels\": [8, 16],", ""), "kws.json"));
        assertEquals("kws.json: config key 'channels' is missing", e.getMessage());
        e = assertThrows(ConfigException.class,
                () -> ReferenceNetworks.fromGoldenConfig(KWS.replace("\"Centaurus\"", "\"Centaurs\""), "kws.json"));
        assertTrue(e.getMessage().contains("unknown reference network 'Centaurs' (did you mean 'Centaurus'?)"));
        e = assertThrows(ConfigException.class,
                () -> ReferenceNetworks.fromGoldenConfig(KWS.replace("[8, 16]", "[8, \"x\"]"), "kws.json"));
        assertTrue(e.getMessage().contains("config key 'channels[1]' must be an integer"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ReferenceNetworks.fromGoldenConfig("[1]", "x.json"));
        assertEquals("x.json: the config must be a JSON object", e.getMessage());
    }

    @Test
    void theDenoiserNestsOneSkipLevelPerStage() {
        String se = """
                {"network": "CentaurusSE", "kwargs": {"in_channels": 1, "channels": [4, 8], "num_states": [2, 4],
                 "state_blocks": [1, 2], "mode": ["dws", "s5"], "downsample": [2, 2]}}""";
        Network n = ReferenceNetworks.fromGoldenConfig(se, "se.json");
        assertEquals(4, n.body().size()); // level 0 skip, decoder 0, last 0, last 1
        Residual level0 = (Residual) n.body().get(0);
        assertTrue(level0.body().get(2) instanceof Residual);
        List<String> keys = n.parameters().stream().map(ParamSpec::key).toList();
        assertTrue(keys.containsAll(List.of("down_ssms.0.1.weight", "hid_ssms.1.C", "up_ssms.1.0.weight",
                "up_ssms.0.1.0.E", "last_ssms.1.A")), keys.toString());
    }

    @Test
    void perStageListsArePaddedWithTheirLastValueAsTheReferenceDoes() {
        String cfg = """
                {"network": "Centaurus", "kwargs": {"in_channels": 1, "num_classes": 3, "depth": 3,
                 "channels": [4, 8], "num_states": 2, "mode": ["s5", "dws"], "downsample": [2],
                 "norm": ["rms", null], "postact": null}}""";
        Network n = ReferenceNetworks.fromGoldenConfig(cfg, "pad.json");
        List<SsmLayer> layers = n.body().stream().filter(SsmLayer.class::isInstance).map(SsmLayer.class::cast).toList();
        assertEquals(3, layers.size());
        assertEquals(List.of(4, 8, 8), layers.stream().map(l -> l.inChannels() == 1 ? 4 : l.ssmOutChannels()).toList());
        assertEquals("dws", layers.get(2).mode().spelling());
        assertEquals(4, layers.get(0).blocks()); // the constructor's default state_blocks
        assertEquals("rms", layers.get(0).act().norm().spelling());
        assertEquals("none", layers.get(2).act().norm().spelling());
        assertEquals("identity", layers.get(2).act().postact().spelling());
        assertEquals(1, layers.get(0).inChannels()); // stage 0 pools by 2 with a conv, so its layer keeps 1 channel
    }

    @Test
    void aDenoiserThatAveragesSkipsFromTheEncoderLayersOutput() {
        String se = """
                {"network": "CentaurusSE", "kwargs": {"in_channels": 2, "channels": [4], "num_states": 2,
                 "state_blocks": 1, "mode": "neck", "downsample": [2], "downsample_mode": "average"}}""";
        Network n = ReferenceNetworks.fromGoldenConfig(se, "se.json");
        SsmLayer encoder = (SsmLayer) n.body().get(0);
        assertEquals(4, encoder.ssmOutChannels()); // the encoder layer widens before the pool averages
        Residual skip = (Residual) n.body().get(1);
        assertEquals("average", ((dev.ssmc.compiler.ir.Resample) skip.body().get(0)).mode().spelling());
        assertEquals("repeat", ((dev.ssmc.compiler.ir.Resample) skip.body().get(3)).mode().spelling());
        SsmLayer decoder = (SsmLayer) n.body().get(2);
        assertEquals(2, decoder.ssmOutChannels());
    }

    @Test
    void optionsSsmcDoesNotBuildAreRejectedByName() {
        ConfigException e = assertThrows(ConfigException.class, () -> ReferenceNetworks.fromGoldenConfig(
                KWS.replace("\"skip\"", "\"connect_type\": \"mix\", \"skip\""), "kws.json"));
        assertTrue(e.getMessage().contains("config key 'connect_type' is not supported by ssmc"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> ReferenceNetworks.fromGoldenConfig("""
                {"network": "CentaurusSE", "kwargs": {"in_channels": 1, "channels": [4], "downsample": [2],
                 "downsample_mode": "subsampling"}}""", "se.json"));
        assertTrue(e.getMessage().contains("must be downsampling, downsampling_with_bias, downshaping or average"),
                e.getMessage());
    }
}
