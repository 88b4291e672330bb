package dev.ssmc.runtime.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssmc.runtime.model.ActivationLayer;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.model.Grads;
import dev.ssmc.runtime.model.Layer;
import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.model.ResampleLayer;
import dev.ssmc.runtime.model.ResidualLayer;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.SsmBlockLayer;
import dev.ssmc.runtime.model.Tape;
import dev.ssmc.runtime.nn.Norm;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.nn.ResampleKind;
import dev.ssmc.runtime.nn.Resampling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the stream tests share: random well-conditioned parameters in a map, a small description
 * of a network that builds both the model package's layers and the stream's nodes from the same
 * arguments, an SSM block for the model computed independently in double, chunk splits, and the
 * comparison with the model's tolerance.
 */
final class StreamTesting {
    private StreamTesting() {
    }

    /** Parameters by key, random on first registration; a missing key is an error (a key mix-up). */
    static final class MapParams implements Params {
        final Map<String, float[]> map = new HashMap<>();
        final Random rnd;

        MapParams(Random rnd) {
            this.rnd = rnd;
        }

        @Override
        public float[] get(String key) {
            float[] a = map.get(key);
            if (a == null) {
                throw new IllegalArgumentException("no parameter " + key);
            }
            return a;
        }

        /**
         * Registers {@code size} random values under {@code key}, distributed as RandomWeights
         * does: log_dt in [-6, -1], A's raw real parts N(0, 1) and imaginary parts N(0, 3),
         * running variances in [0.5, 1.5], everything else N(0, 0.5).
         */
        void random(String key, int size) {
            float[] d = new float[size];
            for (int i = 0; i < size; i++) {
                double v;
                if (key.endsWith("log_dt")) {
                    v = -1 - 5 * rnd.nextDouble();
                } else if (key.endsWith(".A") || key.equals("A")) {
                    v = i % 2 == 0 ? rnd.nextGaussian() : 3 * rnd.nextGaussian();
                } else if (key.endsWith("running_var")) {
                    v = 0.5 + rnd.nextDouble();
                } else {
                    v = 0.5 * rnd.nextGaussian();
                }
                d[i] = (float) v;
            }
            map.put(key, d);
        }
    }

    /** The F of layer norms over time in these tests: longer than any call, so every call uses a prefix of it. */
    static final int LAYER_NORM_LENGTH = 512;

    /** Registers the parameters of a norm on {@code channels} channels under {@code key}. */
    static void normParams(MapParams p, NormKind norm, String key, int channels) {
        if (Norm.isIdentity(norm, channels)) {
            return;
        }
        switch (norm) {
            case RMS -> p.random(Params.join(key, "rms_norm.weight"), channels);
            case LAYER -> {
                p.random(Params.join(key, "weight"), LAYER_NORM_LENGTH);
                p.random(Params.join(key, "bias"), LAYER_NORM_LENGTH);
            }
            default -> {
                p.random(Params.join(key, "weight"), channels);
                p.random(Params.join(key, "bias"), channels);
                if (norm == NormKind.BATCH) {
                    p.random(Params.join(key, "running_mean"), channels);
                    p.random(Params.join(key, "running_var"), channels);
                }
            }
        }
    }

    /** A node of a test network: builds the model's layer and the stream's node from the same arguments. */
    sealed interface Spec permits Act, Resample, Ssm, Residual {
        int inChannels();

        int outChannels();

        Layer layer(Params p);

        FrameNode node(Params p);
    }

    record Act(NormKind norm, PostactKind postact, String key, int inChannels) implements Spec {
        static Act of(MapParams p, NormKind norm, PostactKind postact, String key, int channels) {
            normParams(p, norm, key, channels);
            return new Act(norm, postact, key, channels);
        }

        @Override
        public int outChannels() {
            return postact == PostactKind.GLU ? inChannels / 2 : inChannels;
        }

        @Override
        public ActivationLayer layer(Params p) {
            return new ActivationLayer(norm, postact, key, inChannels, p);
        }

        @Override
        public ActivationFrames node(Params p) {
            return new ActivationFrames(norm, postact, key, inChannels, p);
        }
    }

    record Resample(ResampleKind kind, int ratio, int inChannels, int outChannels, String key) implements Spec {
        static Resample of(MapParams p, ResampleKind kind, int ratio, int cin, int cout, String key) {
            int w = Resampling.weightSize(kind, ratio, cin, cout);
            if (w > 0) {
                p.random(Params.join(key, "weight"), w);
            }
            int b = Resampling.biasSize(kind, ratio, cin, cout);
            if (b > 0) {
                p.random(Params.join(key, "bias"), b);
            }
            return new Resample(kind, ratio, cin, cout, key);
        }

        @Override
        public Layer layer(Params p) {
            return new ResampleLayer(kind, ratio, inChannels, outChannels, key, p);
        }

        @Override
        public FrameNode node(Params p) {
            return new ResampleFrames(kind, ratio, inChannels, outChannels, key, p);
        }
    }

    /**
     * An SSM layer as the model builds it: dws's input act at {@code mixer.0.0}, its pointwise conv
     * at {@code mixer.1.weight} and output act at {@code mixer.2.0}; the others' output act at
     * {@code mixer.0}. {@code vector} picks the stream's path (null: the default).
     */
    record Ssm(BlockShape shape, String key, NormKind norm, PostactKind postact, boolean activations, Boolean vector)
            implements Spec {
        static Ssm of(MapParams p, BlockShape shape, String key, NormKind norm, PostactKind postact,
                      boolean activations) {
            int cin = shape.inChannels();
            int cout = shape.outChannels();
            int n = shape.states();
            int j = shape.blocks();
            int states = shape.kernelStates();
            p.random(Params.join(key, "A"), 2 * states);
            switch (shape.mode()) {
                case DWS -> {
                    p.random(Params.join(key, "log_dt"), cin * n);
                    p.random(Params.join(key, "E"), cin * n);
                }
                case S5 -> {
                    p.random(Params.join(key, "log_dt"), states);
                    p.random(Params.join(key, "B"), states * cin);
                    p.random(Params.join(key, "C"), cout * states);
                }
                case NECK -> {
                    p.random(Params.join(key, "log_dt"), j);
                    p.random(Params.join(key, "B"), j * cin);
                    p.random(Params.join(key, "C"), cout * j);
                    p.random(Params.join(key, "E"), j * n);
                }
                case FULL -> {
                    p.random(Params.join(key, "log_dt"), cout * n);
                    p.random(Params.join(key, "E"), states);
                }
            }
            if (shape.mode() == BlockMode.DWS) {
                normParams(p, norm, Params.join(key, "mixer.0.0"), cin);
                int mixed = postact == PostactKind.GLU ? cin / 2 : cin;
                p.random(Params.join(key, "mixer.1.weight"), cout * mixed);
                if (activations) {
                    normParams(p, norm, Params.join(key, "mixer.2.0"), cout);
                }
            } else if (activations) {
                normParams(p, norm, Params.join(key, "mixer.0"), cout);
            }
            return new Ssm(shape, key, norm, postact, activations, null);
        }

        Ssm withVector(boolean v) {
            return new Ssm(shape, key, norm, postact, activations, v);
        }

        private String outKey() {
            return Params.join(key, shape.mode() == BlockMode.DWS ? "mixer.2.0" : "mixer.0");
        }

        @Override
        public int inChannels() {
            return shape.inChannels();
        }

        @Override
        public int outChannels() {
            return activations && postact == PostactKind.GLU ? shape.outChannels() / 2 : shape.outChannels();
        }

        @Override
        public Layer layer(Params p) {
            ActivationLayer in = shape.mode() == BlockMode.DWS
                    ? new ActivationLayer(norm, postact, Params.join(key, "mixer.0.0"), shape.inChannels(), p) : null;
            ActivationLayer out = activations ? new ActivationLayer(norm, postact, outKey(), shape.outChannels(), p) : null;
            return new DirectBlock(shape, key, in, out, p);
        }

        @Override
        public RecurrentSsmFrames node(Params p) {
            ActivationFrames in = shape.mode() == BlockMode.DWS
                    ? new ActivationFrames(norm, postact, Params.join(key, "mixer.0.0"), shape.inChannels(), p) : null;
            ActivationFrames out = activations ? new ActivationFrames(norm, postact, outKey(), shape.outChannels(), p) : null;
            return vector == null ? new RecurrentSsmFrames(shape, key, in, out, p)
                    : new RecurrentSsmFrames(shape, key, in, out, p, vector);
        }
    }

    /** {@code post(x + norm(body(x)))} with the norm at {@code key.norm} (as the model builds residuals). */
    record Residual(List<Spec> body, NormKind norm, PostactKind post, String key) implements Spec {
        static Residual of(MapParams p, List<Spec> body, NormKind norm, PostactKind post, String key) {
            normParams(p, norm, Params.join(key, "norm"), body.get(0).inChannels());
            return new Residual(body, norm, post, key);
        }

        @Override
        public int inChannels() {
            return body.get(0).inChannels();
        }

        @Override
        public int outChannels() {
            return post == PostactKind.GLU ? inChannels() / 2 : inChannels();
        }

        @Override
        public Layer layer(Params p) {
            int c = inChannels();
            return new ResidualLayer(body.stream().map(s -> s.layer(p)).toList(),
                    new ActivationLayer(norm, PostactKind.IDENTITY, Params.join(key, "norm"), c, p),
                    new ActivationLayer(NormKind.NONE, post, "", c, p));
        }

        @Override
        public FrameNode node(Params p) {
            int c = inChannels();
            return new ResidualFrames(body.stream().map(s -> s.node(p)).toList(),
                    new ActivationFrames(norm, PostactKind.IDENTITY, Params.join(key, "norm"), c, p),
                    new ActivationFrames(NormKind.NONE, post, "", c, p));
        }
    }

    static FrameChain chain(List<Spec> specs, Params p) {
        return new FrameChain(specs.stream().map(s -> s.node(p)).toList());
    }

    static List<Layer> layers(List<Spec> specs, Params p) {
        return specs.stream().map(s -> s.layer(p)).toList();
    }

    /**
     * An SSM block of the model whose zero-state response is the canonical recurrence run in
     * double from the discretized operands, mode by mode as centaurus-reference.md section 2 states
     * it: an oracle independent of the stream's float kernels and of their state layouts.
     */
    static final class DirectBlock extends SsmBlockLayer {
        DirectBlock(BlockShape shape, String key, ActivationLayer in, ActivationLayer out, Params p) {
            super(shape, key, in, out, p);
        }

        @Override
        protected float[] respond(float[] u, int batch, int length) {
            int cin = shape.inChannels();
            int cz = shape.ssmChannels();
            int n = shape.states();
            int j = shape.blocks();
            int states = shape.kernelStates();
            Map<String, float[]> w = discretization.weights();
            double[] z = new double[batch * cz * length];
            for (int b = 0; b < batch; b++) {
                for (int s = 0; s < states; s++) {
                    double mag = Math.exp(discretization.dtARe()[s]);
                    double pr = mag * Math.cos(discretization.dtAIm()[s]);
                    double pi = mag * Math.sin(discretization.dtAIm()[s]);
                    double xr = 0;
                    double xi = 0;
                    for (int t = 0; t < length; t++) {
                        double v = 0;
                        switch (shape.mode()) {
                            case DWS -> v = u[(b * cin + s / n) * length + t];
                            case FULL -> v = u[(b * cin + (s / n) % cin) * length + t];
                            case S5 -> {
                                for (int c = 0; c < cin; c++) {
                                    v += (double) w.get("B")[s * cin + c] * u[(b * cin + c) * length + t];
                                }
                            }
                            case NECK -> {
                                for (int c = 0; c < cin; c++) {
                                    v += (double) w.get("B")[(s / n) * cin + c] * u[(b * cin + c) * length + t];
                                }
                                v *= w.get("E")[s];
                            }
                        }
                        double nr = pr * xr - pi * xi + v;
                        xi = pr * xi + pi * xr;
                        xr = nr;
                        switch (shape.mode()) {
                            case DWS -> z[(b * cz + s / n) * length + t] += w.get("E")[s] * xr;
                            case FULL -> z[(b * cz + s / (cin * n)) * length + t] += w.get("E")[s] * xr;
                            case S5 -> {
                                for (int d = 0; d < cz; d++) {
                                    z[(b * cz + d) * length + t] += w.get("C")[d * states + s] * xr;
                                }
                            }
                            case NECK -> {
                                for (int d = 0; d < cz; d++) {
                                    z[(b * cz + d) * length + t] += w.get("C")[d * j + s / n] * xr;
                                }
                            }
                        }
                    }
                }
            }
            float[] out = new float[z.length];
            for (int i = 0; i < z.length; i++) {
                out[i] = (float) z[i];
            }
            return out;
        }

        @Override
        protected BlockGradients blockGradients(float[] u, float[] g, int batch, int length) {
            throw new UnsupportedOperationException("the stream tests need no gradients");
        }

        @Override
        public Signal forward(Signal x, Tape tape) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Signal backward(Signal dy, Tape tape, Grads grads) {
            throw new UnsupportedOperationException();
        }
    }

    // ---- signals, splits, streaming, comparison ----

    static float[] randn(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextGaussian();
        }
        return a;
    }

    /** Frame-major {@code [length][channels]} from a batch-1 signal. */
    static float[] frames(Signal s) {
        int c = s.channels();
        int l = s.length();
        float[] f = new float[c * l];
        for (int ch = 0; ch < c; ch++) {
            for (int t = 0; t < l; t++) {
                f[t * c + ch] = s.x()[ch * l + t];
            }
        }
        return f;
    }

    /** A batch-1 signal from frame-major {@code [length][channels]}. */
    static Signal signal(float[] frames, int channels, int length) {
        float[] x = new float[channels * length];
        for (int ch = 0; ch < channels; ch++) {
            for (int t = 0; t < length; t++) {
                x[ch * length + t] = frames[t * channels + ch];
            }
        }
        return new Signal(1, channels, length, x);
    }

    /** Random chunk sizes summing to {@code length}: many empty and one-frame chunks, the rest up to {@code max}. */
    static int[] split(Random rnd, int length, int max) {
        List<Integer> sizes = new ArrayList<>();
        int left = length;
        while (left > 0) {
            double r = rnd.nextDouble();
            int size = r < 0.15 ? 0 : r < 0.45 ? 1 : 2 + rnd.nextInt(Math.max(1, max - 1));
            size = Math.min(size, left);
            sizes.add(size);
            left -= size;
        }
        if (rnd.nextBoolean()) {
            sizes.add(0);
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Streams frame-major input through {@code node} in the given chunks; the concatenated output frames. */
    static float[] stream(FrameNode node, float[] in, int[] chunks) {
        int cin = node.inChannels();
        int cout = node.outChannels();
        int total = Arrays.stream(chunks).sum();
        int most = Arrays.stream(chunks).map(node::maxOutFrames).max().orElse(0);
        float[] out = new float[(Math.toIntExact(node.emittedAfter(total)) + most) * cout];
        int at = 0;
        int produced = 0;
        for (int size : chunks) {
            int got = node.process(in, at * cin, size, out, produced * cout);
            if (got > node.maxOutFrames(size)) {
                throw new AssertionError("a call of " + size + " emitted " + got + " > maxOutFrames");
            }
            at += size;
            produced += got;
        }
        assertEquals(node.emittedAfter(total), produced, "frames emitted after " + total);
        return Arrays.copyOf(out, produced * cout);
    }

    /** {@code |x - y| <= 1e-4 * max|ref| + 1e-6} everywhere. */
    static void assertClose(String what, float[] ref, float[] actual) {
        assertClose(what, ref, actual, 1e-4);
    }

    static void assertClose(String what, float[] ref, float[] actual, double rel) {
        assertEquals(ref.length, actual.length, what + ": lengths");
        double max = 0;
        for (float v : ref) {
            max = Math.max(max, Math.abs(v));
        }
        double tol = rel * max + 1e-6;
        for (int i = 0; i < ref.length; i++) {
            double err = Math.abs((double) ref[i] - actual[i]);
            if (!(err <= tol)) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected " + ref[i]
                        + " (error " + err + " > " + tol + ", max |ref| " + max + ")");
            }
        }
    }
}
