package dev.ssmc.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShapeInferenceTest {
    private static final Activation RELU = new Activation(NormKind.BATCH, Postact.RELU, 0);

    private static SsmLayer layer(String what, SsmMode mode, int cin, int cout) {
        return new SsmLayer(Origin.of(what), what, mode, cin, cout, 4, 1, true, RELU);
    }

    private static Network net(int in, Node... body) {
        return new Network("n", Origin.of("n"), in, 0, List.of(body), Optional.empty(), Planning.DEFAULT);
    }

    @Test
    void channelsAndRatesFlowThroughTheBody() {
        Network n = net(2, layer("a", SsmMode.S5, 2, 8),
                new Resample(Origin.of("pool"), "p", ResampleMode.DOWNSAMPLING, 4, 8, 16),
                layer("b", SsmMode.DWS, 16, 16),
                new Resample(Origin.of("up"), "u", ResampleMode.REPEAT, 2, 16, 16));
        NetworkShapes s = ShapeInference.infer(n);
        assertEquals(16, s.featureChannels());
        assertEquals(Rational.of(1, 2), s.outputRate());
        assertEquals(50, s.outputLength(100));
        assertEquals(4, NetworkShapes.requiredMultiple(n.body()));
    }

    @Test
    void aChannelMismatchNamesBothNodesAndCounts() {
        Network n = net(2, layer("stage 0", SsmMode.S5, 2, 8), layer("stage 1", SsmMode.NECK, 6, 8));
        IrException e = assertThrows(IrException.class, () -> ShapeInference.infer(n));
        assertEquals("stage 1: stage 1 takes 6 channels but stage 0 gives 8", e.getMessage());
    }

    @Test
    void aResidualBodyMustKeepRateAndChannels() {
        Residual pooled = new Residual(Origin.of("block"), List.of(
                new Resample(Origin.of("pool"), "p", ResampleMode.AVERAGE, 2, 4, 4)), NormKind.NONE, "", Postact.IDENTITY);
        IrException e = assertThrows(IrException.class, () -> ShapeInference.infer(net(4, pooled)));
        assertTrue(e.getMessage().contains("must keep the sample rate, but it changes it by 1/2"), e.getMessage());

        Residual widened = new Residual(Origin.of("block"), List.of(layer("l", SsmMode.S5, 4, 6)),
                NormKind.NONE, "", Postact.IDENTITY);
        e = assertThrows(IrException.class, () -> ShapeInference.infer(net(4, widened)));
        assertTrue(e.getMessage().contains("turns 4 channels into 6"), e.getMessage());
    }

    @Test
    void lengthsThatAPoolCannotDivideAreReportedWithTheMultipleToUse() {
        Network n = net(1, new Resample(Origin.of("pool 1"), "p", ResampleMode.SUBSAMPLING, 4, 1, 1),
                new Resample(Origin.of("pool 2"), "q", ResampleMode.SUBSAMPLING, 3, 1, 1));
        NetworkShapes s = ShapeInference.infer(n);
        IrException e = assertThrows(IrException.class, () -> s.checkDivisible(100, "length"));
        assertEquals("pool 2: a length of 100 samples reaches this node as 25 samples, which pool 2 cannot divide by 3;"
                + " use a multiple of 12", e.getMessage());
        assertEquals(1, s.outputLength(12));
    }

    @Test
    void hyperParametersOutOfRangeAreErrors() {
        IrException e = assertThrows(IrException.class, () -> ShapeInference.infer(net(2,
                new SsmLayer(Origin.of("l"), "", SsmMode.S5, 2, 2, 0, 1, true, RELU))));
        assertTrue(e.getMessage().contains("states must be at least 1, got 0"));
        e = assertThrows(IrException.class, () -> ShapeInference.infer(net(2,
                new SsmLayer(Origin.of("l"), "", SsmMode.DWS, 2, 2, 4, 3, true, RELU))));
        assertTrue(e.getMessage().contains("state blocks apply to s5 and neck layers only"));
        e = assertThrows(IrException.class, () -> ShapeInference.infer(net(3,
                new SsmLayer(Origin.of("l"), "", SsmMode.S5, 3, 3, 4, 1, true, new Activation(NormKind.NONE, Postact.GLU, 0)))));
        assertTrue(e.getMessage().contains("glu halves the channels, so it needs an even channel count, not 3"));
        e = assertThrows(IrException.class, () -> ShapeInference.infer(net(3,
                new Resample(Origin.of("r"), "", ResampleMode.DOWNSHAPING, 2, 3, 3))));
        assertTrue(e.getMessage().contains("downshaping by 2 turns 3 channels into 6, not 3"));
    }

    @Test
    void gluHalvesTheChannelsALayerEmits() {
        SsmLayer l = new SsmLayer(Origin.of("l"), "", SsmMode.DWS, 4, 6, 2, 1, true,
                new Activation(NormKind.LAYER_FEATURE, Postact.GLU, 0));
        assertEquals(2, l.mixerInChannels());
        assertEquals(3, l.outChannels());
        assertEquals(3, ShapeInference.infer(net(4, l)).featureChannels());
    }
}
