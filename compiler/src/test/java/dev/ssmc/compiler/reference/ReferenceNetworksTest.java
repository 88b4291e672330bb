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
                () -> ReferenceNetworks.fromGoldenConfig(KWS.replace("\"num_states\": [8, 8],", ""), "kws.json"));
        assertEquals("kws.json: config key 'num_states' is missing", e.getMessage());
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
}
