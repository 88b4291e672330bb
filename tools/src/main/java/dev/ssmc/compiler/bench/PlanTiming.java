package dev.ssmc.compiler.bench;

import dev.ssmc.compiler.exec.PlanExecutor;
import dev.ssmc.compiler.plan.ContractionSpec;
import dev.ssmc.compiler.plan.Operand;
import dev.ssmc.compiler.plan.Plan;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Times plans of one spec through the plan executor on random operands: the median of a few runs
 * after a warm-up, like JMH's single-shot mode.
 */
public final class PlanTiming {
    private final Map<String, float[]> operands = new HashMap<>();
    private final float[] dtARe;
    private final float[] dtAIm;

    /** Random operands for a spec: signals and weights from its shapes, stable dynamics. */
    public PlanTiming(ContractionSpec spec, long seed) {
        Random r = new Random(seed);
        int kernelStates = 1;
        for (Operand o : spec.operands()) {
            int n = 1;
            for (char c : o.indices().toCharArray()) {
                n *= spec.size(c);
            }
            if (o.isKernel()) {
                kernelStates = n / spec.length();
                continue;
            }
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = (float) r.nextGaussian();
            }
            operands.put(o.name(), x);
        }
        dtARe = new float[kernelStates];
        dtAIm = new float[kernelStates];
        for (int s = 0; s < kernelStates; s++) {
            double dt = Math.exp(-7 + 5 * r.nextDouble());
            dtARe[s] = (float) (-0.5 * dt);
            dtAIm[s] = (float) (Math.PI * (s % 16) * dt);
        }
    }

    /** Runs a plan for at least three runs and {@code seconds}, so the JIT has compiled what it uses. */
    public void warm(Plan plan, double seconds) {
        long start = System.nanoTime();
        for (int i = 0; i < 3 || System.nanoTime() - start < seconds * 1e9; i++) {
            PlanExecutor.run(plan, operands, dtARe, dtAIm);
        }
    }

    /** The median and the fastest of {@code runs} timed runs (call {@link #warm} first). */
    public double[] time(Plan plan, int runs) {
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            PlanExecutor.run(plan, operands, dtARe, dtAIm);
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return new double[] {t[runs / 2], t[0]};
    }
}
