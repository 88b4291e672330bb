package dev.ssmc.gentests.support;

import dev.ssmc.compiler.exec.Engine;
import dev.ssmc.compiler.exec.Execution;
import dev.ssmc.compiler.exec.PlanEngine;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Weights;
import dev.ssmc.compiler.oracle.NormJitter;
import dev.ssmc.compiler.oracle.Oracle;
import dev.ssmc.compiler.oracle.OracleEngine;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The two independent executions generated code is checked against: the oracle (a plain double
 * precision interpreter of the IR) and the plan engine (the planner's plans run by the generic plan
 * executor, in float32); and the oracle's measure of how well-conditioned a case is.
 */
public final class References {
    /** Perturbations {@link #noise} averages over. */
    private static final int NOISE_SAMPLES = 2;

    private References() {
    }

    /** Features and (null without a head) logits, flat. */
    public record Outputs(float[] features, float[] logits) {
        static Outputs of(Execution.Outputs o) {
            return new Outputs(o.features().data(), o.logits() == null ? null : o.logits().data());
        }
    }

    /** The oracle's outputs for a try, rounded to float32 as {@code ./ssmc golden} compares them. */
    public static Outputs oracle(Case c) {
        return forward(new OracleEngine(), c);
    }

    /** The plan engine's outputs for a try. */
    public static Outputs planEngine(Case c) {
        return forward(new PlanEngine(), c);
    }

    private static Outputs forward(Engine engine, Case c) {
        Network network = c.structure().network();
        return Outputs.of(engine.bind(network, RandomValues.bind(network, c.weights()))
                .forward(Tensor.of(c.input().clone(), c.batch(), network.inChannels(), c.length())));
    }

    /**
     * How far the exact (oracle) outputs move when every weight and input value moves by one float32
     * ulp, in random directions, and every norm's input by one float32 unit of its channel's scale
     * ({@link NormJitter#float32}: what a float32 execution rounds the signals it computes by, which
     * perturbing weights and input alone misses where a norm magnifies it): the largest change of the
     * features and of the logits over a few such perturbations. Any float32 execution rounds at least
     * that much, so this is the noise floor a comparison must allow beyond the golden tolerance. It
     * is negligible for well-conditioned cases; norms dividing by a sigma near sqrt(eps) (rms over a
     * near-zero vector, instance norm over few samples) or cancellations make it large.
     */
    public static Noise noise(Case c) {
        Network network = c.structure().network();
        Map<String, float[]> weights = c.weights();
        float[] input = c.input();
        int batch = c.batch();
        int length = c.length();
        Random rnd = c.rnd();
        Oracle.Result exact = new Oracle(network, RandomValues.bind(network, weights))
                .forward(OracleEngine.toDouble(Tensor.of(input.clone(), batch, network.inChannels(), length)));
        double[] base = flat(exact.features());
        double[] baseLogits = exact.logits() == null ? null : flat(exact.logits());
        double features = 0;
        double logits = 0;
        for (int k = 0; k < NOISE_SAMPLES; k++) {
            Map<String, float[]> w = ulp(weights, rnd);
            float[] x = ulp(input, rnd);
            Oracle.Result r = new Oracle(network, RandomValues.bind(network, w), NormJitter.float32(rnd))
                    .forward(OracleEngine.toDouble(Tensor.of(x, batch, network.inChannels(), length)));
            double[] f = flat(r.features());
            for (int i = 0; i < f.length; i++) {
                features = Math.max(features, Math.abs(f[i] - base[i]));
            }
            if (r.logits() != null) {
                double[] l = flat(r.logits());
                for (int i = 0; i < l.length; i++) {
                    logits = Math.max(logits, Math.abs(l[i] - baseLogits[i]));
                }
            }
        }
        return new Noise(features, logits);
    }

    /** The largest exact-output changes from one-ulp perturbations: features and logits. */
    public record Noise(double features, double logits) {
        public static final Noise NONE = new Noise(0, 0);
    }

    private static double[] flat(double[][] x) {
        double[] out = new double[x.length * x[0].length];
        for (int b = 0; b < x.length; b++) {
            System.arraycopy(x[b], 0, out, b * x[0].length, x[0].length);
        }
        return out;
    }

    private static double[] flat(double[][][] x) {
        int c = x[0].length;
        int t = x[0][0].length;
        double[] out = new double[x.length * c * t];
        for (int b = 0; b < x.length; b++) {
            for (int j = 0; j < c; j++) {
                System.arraycopy(x[b][j], 0, out, (b * c + j) * t, t);
            }
        }
        return out;
    }

    /** Copies of the tensors with {@link #ulp(float[], Random)}. */
    public static Map<String, float[]> ulp(Map<String, float[]> values, Random rnd) {
        Map<String, float[]> out = new LinkedHashMap<>();
        values.forEach((key, v) -> out.put(key, ulp(v, rnd)));
        return out;
    }

    /** A copy with each value moved by one ulp up or down. */
    public static float[] ulp(float[] a, Random rnd) {
        float[] b = a.clone();
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextBoolean() ? Math.nextUp(b[i]) : Math.nextDown(b[i]);
        }
        return b;
    }

    /**
     * The measured float32 noise of a backward pass's gradients, by key: the largest change of each
     * tensor's gradient between {@code grads} and {@code nudged}, the same pass run with every
     * weight and input moved by one ulp ({@link #ulp}).
     */
    public static Map<String, Double> gradientNoise(Map<String, float[]> grads, Map<String, float[]> nudged) {
        Map<String, Double> out = new LinkedHashMap<>();
        grads.forEach((key, g) -> {
            float[] n = nudged.get(key);
            double m = 0;
            for (int i = 0; i < g.length; i++) {
                m = Math.max(m, Math.abs((double) g[i] - n[i]));
            }
            out.put(key, m);
        });
        return out;
    }

    /**
     * {@code sum(features * gFeatures) + sum(logits * gLogits)} by the oracle in double precision:
     * the loss whose gradient {@code backward} computes.
     */
    public static double oracleLoss(Network network, Weights weights, float[] input, int batch, int length,
                                    float[] gFeatures, float[] gLogits) {
        Oracle.Result r = new Oracle(network, weights).forward(
                OracleEngine.toDouble(Tensor.of(input, batch, network.inChannels(), length)));
        double sum = 0;
        int i = 0;
        for (double[][] b : r.features()) {
            for (double[] c : b) {
                for (double v : c) {
                    sum += v * gFeatures[i++];
                }
            }
        }
        if (gLogits != null) {
            int j = 0;
            for (double[] b : r.logits()) {
                for (double v : b) {
                    sum += v * gLogits[j++];
                }
            }
        }
        return sum;
    }
}
