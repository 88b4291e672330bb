package dev.ssmc.compiler.exec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.compiler.RandomWeights;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Origin;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.plan.ContractionSpec;
import dev.ssmc.compiler.plan.Pass;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.plan.Search;
import dev.ssmc.compiler.plan.Specs;
import dev.ssmc.runtime.model.Discretization;
import dev.ssmc.runtime.testing.Property;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every candidate plan the search considers runs, and computes the same thing: the forward pass and
 * every gradient match an independent double-precision evaluation of the block.
 */
class PlanExecutorTest {
    @Test
    void everyCandidateOfEveryPassComputesTheBlock() {
        Property.forAll(40, longs().between(0, Long.MAX_VALUE), this::everyCandidateOfEveryPassComputesTheBlock);
    }

    private void everyCandidateOfEveryPassComputesTheBlock(long seed) {
        Random r = new Random(seed);
        SsmMode mode = SsmMode.values()[r.nextInt(4)];
        boolean blocks = mode == SsmMode.S5 || mode == SsmMode.NECK;
        SsmLayer layer = new SsmLayer(Origin.of("l"), "", mode, 1 + r.nextInt(3), 1 + r.nextInt(3), 1 + r.nextInt(3),
                blocks ? 1 + r.nextInt(2) : 1, false, new Activation(NormKind.NONE, Postact.IDENTITY, 0));
        Network net = new Network("n", Origin.of("n"), layer.inChannels(), 0, List.of(layer), Optional.empty(),
                Planning.DEFAULT);
        Weights weights = RandomWeights.of(net, seed);
        Map<String, float[]> local = new HashMap<>();
        for (String name : new String[] {"A", "log_dt", "B", "C", "E"}) {
            if (weights.asMap().containsKey(name)) {
                local.put(name, weights.tensor(name).data());
            }
        }
        Discretization d = Discretization.of(RuntimeModels.shape(layer), local);
        SsmReference ref = new SsmReference(layer, d);
        int batch = 1 + r.nextInt(2);
        int len = 1 + r.nextInt(20);
        float[] u = RandomWeights.input(seed + 1, batch, layer.inChannels(), len).data();
        float[] g = RandomWeights.input(seed + 2, batch, ref.outCh, len).data();
        Map<String, double[]> grads = ref.gradients(u, g, batch, len);
        for (Pass pass : Specs.passes(layer)) {
            if (pass.streaming()) {
                continue;
            }
            ContractionSpec spec = Specs.of(layer, "l", pass, batch, len, len);
            double[] want;
            double[] wantIm = null;
            switch (pass) {
                case FORWARD -> want = ref.forward(u, batch, len);
                case GRAD_INPUT -> want = ref.gradInput(g, batch, len);
                case GRAD_B -> want = grads.get("B");
                case GRAD_C -> want = grads.get("C");
                case GRAD_E -> want = grads.get("E");
                default -> {
                    want = grads.get("dtA.re");
                    wantIm = grads.get("dtA.im");
                }
            }
            Map<String, float[]> operands = new HashMap<>(d.weights());
            operands.put("u", u);
            operands.put("g", g);
            List<Plan> candidates = Search.candidates(spec, Profile.defaults());
            assertFalse(candidates.isEmpty(), spec.toString());
            for (Plan p : candidates) {
                PlanExecutor.Output out = PlanExecutor.run(p, operands, d.dtARe(), d.dtAIm());
                assertClose(want, out.re(), p + " on " + spec);
                if (wantIm != null) {
                    assertClose(wantIm, out.im(), p + " (imaginary part) on " + spec);
                }
            }
        }
    }

    static void assertClose(double[] want, float[] got, String what) {
        assertTrue(got != null && got.length == want.length, what + ": length " + (got == null ? "null" : got.length)
                + " vs " + want.length);
        double scale = 0;
        for (double w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        double tol = 1e-4 * scale + 1e-5;
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs(want[i] - got[i]);
            assertTrue(diff <= tol, what + ": element " + i + " is " + got[i] + ", want " + want[i] + " (tol " + tol + ")");
        }
    }
}
