package dev.ssmc.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.nn.ResampleKind;
import dev.ssmc.runtime.stream.StreamTesting.Act;
import dev.ssmc.runtime.stream.StreamTesting.MapParams;
import dev.ssmc.runtime.stream.StreamTesting.Resample;
import dev.ssmc.runtime.stream.StreamTesting.Ssm;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What the nodes refuse, and the bookkeeping a caller sizes buffers by. */
class ContractTest {
    private final MapParams p = new MapParams(new Random(5));

    @Test
    void aChainNeedsMatchingChannels() {
        FrameNode a = Act.of(p, NormKind.NONE, PostactKind.GLU, "a", 4).node(p);
        FrameNode b = Act.of(p, NormKind.NONE, PostactKind.RELU, "b", 4).node(p);
        assertThrows(IllegalArgumentException.class, () -> FrameChain.of(a, b));
        assertThrows(IllegalArgumentException.class, () -> new FrameChain(List.of()));
    }

    @Test
    void aResidualBodyMustKeepTheFrameRate() {
        FrameNode down = Resample.of(p, ResampleKind.AVERAGE, 2, 3, 3, "down").node(p);
        ActivationFrames none = new ActivationFrames(NormKind.NONE, PostactKind.IDENTITY, "", 3, p);
        assertThrows(IllegalArgumentException.class, () -> new ResidualFrames(List.of(down), none, none));
    }

    @Test
    void callsAreChecked() {
        FrameNode up = Resample.of(p, ResampleKind.REPEAT, 3, 2, 2, "up").node(p);
        assertEquals(12, up.maxOutFrames(4));
        assertThrows(IndexOutOfBoundsException.class, () -> up.process(new float[8], 0, 4, new float[23], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> up.process(new float[7], 0, 4, new float[24], 0));
        assertThrows(IllegalArgumentException.class, () -> up.process(new float[8], 0, -1, new float[24], 0));
        assertEquals(12, up.process(new float[8], 0, 4, new float[24], 0));
    }

    @Test
    void poolingBookkeeping() {
        FrameChain chain = FrameChain.of(
                Resample.of(p, ResampleKind.DOWNSAMPLING, 2, 1, 2, "d2").node(p),
                Resample.of(p, ResampleKind.UPSAMPLING, 3, 2, 2, "u3").node(p),
                Resample.of(p, ResampleKind.SUBSAMPLING, 4, 2, 2, "d4").node(p));
        assertEquals(8, chain.period());
        assertEquals(0, chain.emittedAfter(2)); // 2 -> 1 -> 3 -> 0
        assertEquals(3, chain.emittedAfter(8)); // 8 -> 4 -> 12 -> 3
        assertEquals(chain.emittedAfter(8) + chain.emittedAfter(5), chain.emittedAfter(13));
    }

    @Test
    void ssmParametersMustHaveTheReferenceSizes() {
        Ssm ssm = Ssm.of(p, new BlockShape(BlockMode.S5, 3, 2, 4, 2), "s5", NormKind.NONE, PostactKind.IDENTITY, false);
        p.map.put("s5.C", new float[15]);
        assertThrows(IllegalArgumentException.class, () -> ssm.node(p));
    }
}
