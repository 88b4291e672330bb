package dev.ssmc.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Origin;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.runtime.kernels.Parallel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link Costing} charges a step, read off a plan's items: the work the executor's kernels will do. */
class CostingTest {
    private static Plan plan(SsmMode mode, int batch, int channels, int states, int blocks, int length, String shape) {
        SsmLayer layer = new SsmLayer(Origin.of("l"), "l", mode, channels, channels, states, blocks, true,
                new Activation(NormKind.BATCH, Postact.RELU, 0));
        ContractionSpec spec = Specs.of(layer, "l", Pass.FORWARD, batch, length, length);
        return Search.candidates(spec, Profile.defaults()).stream().filter(p -> p.shape().equals(shape)).findFirst()
                .orElseThrow(() -> new AssertionError("no candidate " + shape));
    }

    private static List<String> items(Plan p) {
        return p.cost().items().stream().map(Cost.Item::what).toList();
    }

    @Test
    void anFftInputAlreadyTimeLastIsCopiedNotPermuted() {
        Plan p = plan(SsmMode.DWS, 2, 32, 4, 1, 4096, "fft 8192 ifft((fft(u) * fft((E V))))");
        // u is [b, c, t]: time is last already, as are the kernel's [c, l] and the product's [b, c, k]
        assertTrue(items(p).contains("copy time last bct"), items(p).toString());
        assertTrue(items(p).contains("copy time last cl"), items(p).toString());
        assertFalse(p.cost().items().stream().anyMatch(i -> i.kind() == StepKind.LAYOUT), items(p).toString());
    }

    @Test
    void aContractionIsCostedAsItsKernelWillRunIt() {
        // a neck's scan output [b, j, m, s] with E[j, m]: a few long products, nothing copied
        Plan p = plan(SsmMode.NECK, 2, 16, 2, 4, 4096, "scan ((((u B) * V') E) C)");
        assertTrue(items(p).contains("contract bjs"), items(p).toString());
        assertFalse(items(p).stream().anyMatch(w -> w.startsWith("copies for bjs")), items(p).toString());
        // a product in frequency with the frequency innermost everywhere sums lane by lane: elementwise speed
        Plan f = plan(SsmMode.S5, 16, 4, 16, 1, 256, "fft 512 ifft((fft(u) * fft(((B C) V))))");
        Cost.Item product = f.cost().items().stream().filter(i -> i.what().startsWith("product in frequency"))
                .findFirst().orElseThrow();
        assertEquals(StepKind.ELEMENTWISE, product.kind(), product.toString());
    }

    @Test
    void kernelsThatSplitTheirWorkAreCostedOnTheirThreads() {
        Plan p = plan(SsmMode.DWS, 16, 64, 32, 1, 4096, "fft 8192 ifft((fft(u) * fft((E V))))");
        Profile profile = Profile.defaults();
        Cost.Item fft = p.cost().items().stream().filter(i -> i.what().equals("fft bct")).findFirst().orElseThrow();
        double oneThread = fft.flops() / profile.speed(StepKind.FFT);
        if (Parallel.threads() > 1) {
            assertTrue(fft.seconds() < oneThread, fft + " against " + oneThread + " s on one thread");
        } else {
            assertTrue(fft.seconds() >= oneThread, fft.toString());
        }
    }
}
