package dev.ssmc.compiler.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.syntax.check.ResampleKinds;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What each construct of the language lowers to. */
class LanguageTest {

    static final String EVERYTHING = """
            // Every construct of the language in one file.
            let width = 8

            network Everything {
              input audio: 2 channels @ 48 kHz
              norm batch
              act gelu
              dropout 0.1
              let deep = width * 2

              stage full(states 4) -> downsample conv 2 to width
              stage residual(norm rms, act relu) neck(states 4, blocks 2) -> downsample conv 2 to deep with bias
              repeat i in 1..2 {
                stage s5(states 4 * i, blocks i, dropout 0.2) to deep
              }
              stage dws(states 4, norm layer-feature, act silu, activations off) -> downsample depthwise 2
              s5(states 2) -> activation(norm none, act tanh) -> residual(norm instance) {
                dws(states 2, activations off)
                repeat k in [1, 2] {
                  s5(states k)
                }
              }
              downsample average 2 -> upsample repeat 2 -> downsample subsample 2 -> upsample conv 2 to 16
              downsample reshape 2 -> upsample reshape 2 -> downsample conv 1 to 16 with bias
              head mean -> linear deep -> relu6 -> linear 10
            }

            plan training { batch 4; length 0.5 s }
            plan streaming { chunk 32 }
            """;

    /** Every diagnostic of {@code source} (as t.ssm): its headline, then its hint when it has one. */
    static List<String> diagnostics(String source) {
        return Frontend.compile("t.ssm", source).diagnostics().stream()
                .map(d -> d.headline() + d.hint().map(h -> " / hint: " + h).orElse(""))
                .toList();
    }

    static Network compile(String text) {
        Frontend.Compilation c = Frontend.compile("t.ssm", text);
        assertTrue(c.ok(), c::render);
        return c.network();
    }

    private static String keys(List<Node> nodes) {
        return nodes.stream().map(LanguageTest::key).collect(Collectors.joining(" "));
    }

    private static String key(Node n) {
        if (n instanceof SsmLayer l) {
            return l.key();
        }
        if (n instanceof Resample r) {
            return r.key();
        }
        if (n instanceof ActLayer a) {
            return a.normKey();
        }
        Residual r = (Residual) n;
        return "[" + keys(r.body()) + " | " + r.normKey() + "]";
    }

    @Test
    void everyConstructLowers() {
        Network n = compile(EVERYTHING);
        assertEquals("Everything", n.name());
        assertEquals(2, n.inChannels());
        assertEquals(48_000, n.sampleRate());
        assertEquals(new Planning(4, 24_000, 32), n.planning());
        assertEquals("backbone.0.0 backbone.0.1.0 backbone.0.1.1.0"
                + " [backbone.1.0.layer | backbone.1.0.residual_connect.norm_drop.0] backbone.1.1.0 backbone.1.1.1.0"
                + " backbone.2.0 backbone.3.0 backbone.4.0 backbone.4.1.0 backbone.4.1.1.0"
                + " layers.0 layers.1 [layers.2.body.0 layers.2.body.1 layers.2.body.2 | layers.2.norm]"
                + " layers.3 layers.4 layers.5 layers.6 layers.7 layers.8 layers.9", keys(n.body()));

        Activation defaults = new Activation(NormKind.BATCH, Postact.GELU, 0.1);
        SsmLayer first = (SsmLayer) n.body().get(0);
        assertEquals(SsmMode.FULL, first.mode());
        assertEquals(defaults, first.act());
        assertEquals(2, first.ssmOutChannels());
        assertEquals(defaults, ((ActLayer) n.body().get(2)).act());

        Residual stage1 = (Residual) n.body().get(3);
        assertEquals(NormKind.RMS, stage1.norm());
        assertEquals(Postact.RELU, stage1.postact());
        SsmLayer inner = (SsmLayer) stage1.body().get(0);
        assertEquals(false, inner.activations());
        assertEquals(new Activation(NormKind.BATCH, Postact.GELU, 0.1), inner.act()); // the reference's inner default
        assertEquals(ResampleMode.DOWNSAMPLING_WITH_BIAS, ((Resample) n.body().get(4)).mode());
        assertEquals(16, ((Resample) n.body().get(4)).outChannels());

        SsmLayer rep1 = (SsmLayer) n.body().get(6);
        SsmLayer rep2 = (SsmLayer) n.body().get(7);
        assertEquals(List.of(4, 1, 8, 2), List.of(rep1.states(), rep1.blocks(), rep2.states(), rep2.blocks()));
        assertEquals(0.2, rep2.act().dropout());

        SsmLayer dws = (SsmLayer) n.body().get(8);
        assertEquals(new Activation(NormKind.LAYER_FEATURE, Postact.SILU, 0.1), dws.act());
        assertEquals(false, dws.activations());
        assertEquals(ResampleMode.DOWNSAMPLING_DW, ((Resample) n.body().get(9)).mode());

        assertEquals(new Activation(NormKind.NONE, Postact.TANH, 0.1), ((ActLayer) n.body().get(12)).act());
        Residual block = (Residual) n.body().get(13);
        assertEquals(NormKind.INSTANCE, block.norm());
        assertEquals(Postact.GELU, block.postact());
        assertEquals(List.of(2, 1, 2), block.body().stream().map(b -> ((SsmLayer) b).states()).toList());

        List<ResampleMode> modes = n.body().subList(14, 21).stream().map(b -> ((Resample) b).mode()).toList();
        assertEquals(List.of(ResampleMode.AVERAGE, ResampleMode.REPEAT, ResampleMode.SUBSAMPLING, ResampleMode.UPSAMPLING,
                ResampleMode.DOWNSHAPING, ResampleMode.UPSHAPING, ResampleMode.DOWNSAMPLING_WITH_BIAS), modes);
        assertEquals(32, ((Resample) n.body().get(18)).outChannels());

        List<Dense> head = n.head().orElseThrow().layers();
        assertEquals(List.of(new Dense("classifier.1.0", 16, 16, Postact.RELU6), new Dense("classifier.1.2", 16, 10,
                Postact.IDENTITY)), head);
    }

    @Test
    void irOriginsCarryTheSourcePositions() {
        Network n = compile(EVERYTHING);
        SsmLayer first = (SsmLayer) n.body().get(0);
        assertEquals("t.ssm", first.origin().file());
        assertEquals(11, first.origin().line());
        assertEquals(9, first.origin().column());
        assertEquals("stage 0 (full layer)", first.origin().what());
    }

    @Test
    void oneLayerIsALayerFileWithoutAKeyPrefix() {
        Network n = compile("network L {\n  input x: 3 channels\n  neck(states 4, blocks 2, activations off) to 5\n}\n");
        SsmLayer l = (SsmLayer) n.body().get(0);
        assertEquals("", l.key());
        assertEquals(List.of("A", "log_dt", "B", "C", "E"), n.parameters().stream().map(p -> p.key()).toList());
        assertEquals(Planning.DEFAULT, n.planning());
        assertEquals(new Activation(NormKind.NONE, Postact.RELU, 0), l.act()); // the language's defaults
    }

    @Test
    void repetitionCountsDownAndBindsConstants() {
        Network n = compile("""
                network R {
                  input x: 1 channel
                  repeat i in 3..1 {
                    let c = 8 * i
                    s5(states i) to c
                  }
                }
                """);
        assertEquals(List.of(24, 16, 8), n.body().stream().map(b -> ((SsmLayer) b).ssmOutChannels()).toList());
        assertEquals(List.of(3, 2, 1), n.body().stream().map(b -> ((SsmLayer) b).states()).toList());
    }

    @Test
    void unitsConvertAtTheSampleRate() {
        Network n = compile("network U {\n  input x: 1 channel @ 44.1 kHz\n  s5(states 2)\n}\n"
                + "plan training { length 2 s }\nplan streaming { chunk 10 ms }\n");
        assertEquals(44_100, n.sampleRate());
        assertEquals(new Planning(Planning.DEFAULT.batch(), 88_200, 441), n.planning());
    }

    @Test
    void aNetworksOwnPlanOverridesTheFilesPlan() {
        Frontend.Compilation c = Frontend.compile("t.ssm", """
                plan training { batch 8; length 64 }
                network A {
                  input x: 1 channel
                  s5(states 2)
                }
                network B {
                  input x: 1 channel
                  s5(states 2)
                  plan training { batch 2 }
                }
                """);
        assertTrue(c.ok(), c::render);
        assertEquals(new Planning(8, 64, 1), c.networks().get(0).network().planning());
        assertEquals(new Planning(2, Planning.DEFAULT.length(), 1), c.networks().get(1).network().planning());
    }

    @Test
    void decoderUpsamplingDefaultsToTheSkipWidth() {
        Network n = compile("""
                network U {
                  input x: 3 channels
                  encoder {
                    s5(states 2) -> downsample conv 2 to 8
                  }
                  decoder {
                    upsample conv 2 -> s5(states 2)
                  }
                }
                """);
        Residual level = assertInstanceOf(Residual.class, n.body().get(0));
        Resample up = (Resample) level.body().get(level.body().size() - 1);
        assertEquals("up_ssms.0.0", up.key());
        assertEquals(3, up.outChannels());
        assertEquals("up_ssms.0.1.0", ((SsmLayer) n.body().get(1)).key());
    }

    @Test
    void everyResamplingModeHasOneSpelling() {
        for (ResampleMode m : ResampleMode.values()) {
            ResampleKinds.Spelling s = ResampleKinds.spelling(m);
            String text = "network R {\n  input x: 4 channels\n  " + (s.down() ? "downsample " : "upsample ") + s.kind()
                    + " 2" + (m.mixesChannels() ? " to 4" : "") + (s.bias() ? " with bias" : "") + "\n}\n";
            Network n = compile(text);
            assertEquals(m, ((Resample) n.body().get(0)).mode(), text);
        }
    }

    @Test
    void aLearnedPoolingConvIsFollowedByTheStagesOwnActivationAndOtherPoolingsByNone() {
        Network n = compile("""
                network N {
                  input audio: 1 channel
                  norm batch
                  act relu
                  stage s5(states 2, norm rms) to 4 -> downsample conv 2 to 8
                  stage residual(norm layer-feature) s5(states 2) -> downsample depthwise 2
                  stage s5(states 2) -> downsample average 2
                  head mean -> linear 3
                }
                """);
        List<ActLayer> acts = n.body().stream().filter(ActLayer.class::isInstance).map(ActLayer.class::cast).toList();
        assertEquals(2, acts.size());
        assertEquals("backbone.0.1.1.0", acts.get(0).normKey());
        assertEquals(NormKind.RMS, acts.get(0).act().norm());
        assertEquals("backbone.1.1.1.0", acts.get(1).normKey());
        assertEquals(NormKind.LAYER_FEATURE, acts.get(1).act().norm());
        assertInstanceOf(Resample.class, n.body().get(n.body().size() - 1));
    }

    @Test
    void aSkipMarkMovesWhereAnEncoderLevelsSkipLeaves() {
        Network n = compile("""
                network N {
                  input audio: 2 channels
                  norm none
                  act silu
                  encoder {
                    neck(states 2) to 8 -> skip -> downsample average 2
                  }
                  decoder {
                    upsample repeat 2 -> skip -> neck(states 2) to 2
                  }
                }
                """);
        assertEquals(3, n.body().size());
        SsmLayer encoder = assertInstanceOf(SsmLayer.class, n.body().get(0));
        assertEquals("down_ssms.0.0.0", encoder.key());
        Residual skip = assertInstanceOf(Residual.class, n.body().get(1));
        assertEquals(List.of(ResampleMode.AVERAGE, ResampleMode.REPEAT),
                skip.body().stream().map(x -> ((Resample) x).mode()).toList());
        assertEquals(8, skip.inChannels());
        assertEquals("up_ssms.0.1.0", ((SsmLayer) n.body().get(2)).key());
    }

    @Test
    void aLevelWithoutResamplingKeepsTheRate() {
        Network n = compile("""
                network N {
                  input audio: 4 channels
                  encoder {
                    s5(states 2)
                  }
                  bottleneck {
                    s5(states 3)
                  }
                  decoder {
                    skip
                  }
                }
                """);
        Residual skip = assertInstanceOf(Residual.class, n.body().get(0));
        assertEquals(List.of("down_ssms.0.0.0", "hid_ssms.0"),
                skip.body().stream().map(x -> ((SsmLayer) x).key()).toList());
    }
}
