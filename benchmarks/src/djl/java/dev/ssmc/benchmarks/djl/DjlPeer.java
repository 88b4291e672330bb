package dev.ssmc.benchmarks.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.tensor.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The DJL peer of {@code bench/compare.sh}: times one Centaurus layer ({@link DjlLayer}) on PyTorch
 * through DJL, with the options of {@code bench/reference_layer.py}, and prints the same
 * {@code key=value} lines, {@code ms_median} last. {@code --check GOLDEN_DIR} instead checks it
 * against the reference's golden layer files (outputs, streams and gradients).
 *
 * <p>Built and run with the {@code djl} Maven profile (docs/benchmarks.md):
 * {@code java -cp benchmarks/target/classes:$(cat benchmarks/target/djl.classpath)
 * dev.ssmc.benchmarks.djl.DjlPeer --mode s5 --pass train}.
 */
public final class DjlPeer {
    private DjlPeer() {}

    public static void main(String[] args) throws IOException {
        Map<String, String> o = new LinkedHashMap<>(Map.of(
                "batch", "8", "in", "64", "out", "64", "states", "16", "blocks", "4", "length", "4096",
                "chunk", "1", "threads", "2", "warmup", "2.0", "warmup-runs", "3"));
        o.put("runs", "10");
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                fail("expected --option value, got " + args[i]);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        int threads = Integer.parseInt(o.get("threads"));
        configure(threads);
        if (o.containsKey("check")) {
            System.exit(check(Path.of(o.get("check"))));
        }
        String mode = require(o, "mode");
        String pass = require(o, "pass");
        if (!List.of("dws", "s5", "neck", "full").contains(mode) || !List.of("train", "forward", "stream").contains(pass)) {
            fail("unknown mode or pass: " + mode + " " + pass);
        }
        int cin = Integer.parseInt(o.get("in"));
        int cout = Integer.parseInt(o.get("out"));
        int states = Integer.parseInt(o.get("states"));
        int blocks = mode.equals("s5") || mode.equals("neck") ? Integer.parseInt(o.get("blocks")) : 1;
        int length = Integer.parseInt(o.get("length"));
        int chunk = Integer.parseInt(o.get("chunk"));
        int batch = pass.equals("stream") ? 1 : Integer.parseInt(o.get("batch"));
        try (NDManager base = NDManager.newBaseManager()) {
            DjlLayer layer = new DjlLayer(base, mode, cin, cout, states, blocks);
            NDArray u = base.create(gaussian(new Random(1), batch * cin * length), new Shape(batch, cin, length));
            NDArray g = base.create(gaussian(new Random(2), batch * cout * length), new Shape(batch, cout, length));
            int[] chunks = new int[(length + chunk - 1) / chunk];
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = Math.min(chunk, length - i * chunk);
            }
            if (pass.equals("train")) {
                layer.params.values().forEach(p -> p.setRequiresGradient(true));
            }
            Runnable run = () -> {
                try (NDManager m = base.newSubManager()) {
                    layer.attach(m);
                    u.tempAttach(m);
                    g.tempAttach(m);
                    switch (pass) {
                        case "train" -> train(layer, u, g);
                        case "forward" -> layer.forward(u);
                        default -> layer.stream(u, chunks);
                    }
                }
            };
            time(run, o, String.format(Locale.ROOT,
                    "djl %s batch %d in %d out %d states %d blocks %d length %d pass %s chunk %d threads %d pytorch %s",
                    mode, batch, cin, cout, states, blocks, length, pass, chunk, threads, Engine.getEngine("PyTorch").getVersion()));
        }
    }

    /** Offline with the bundled native library, on {@code threads} intra-op threads. */
    private static void configure(int threads) {
        setDefault("ai.djl.offline", "true");
        setDefault("PYTORCH_FLAVOR", "cpu");
        setDefault("PYTORCH_VERSION", "2.7.1");
        setDefault("ai.djl.pytorch.num_threads", Integer.toString(threads));
        setDefault("ai.djl.pytorch.num_interop_threads", "1");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Engine.getEngine("PyTorch");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Forward, then the gradients of sum(y * g) for the input and every stored tensor (autograd). */
    static NDArray train(DjlLayer layer, NDArray u, NDArray g) {
        NDArray x = u.duplicate(); // a fresh leaf each run, so its gradient does not accumulate
        x.setRequiresGradient(true);
        for (NDArray p : layer.params.values()) {
            if (p.hasGradient()) {
                NDArray grad = p.getGradient();
                grad.subi(grad);
            }
        }
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray y = layer.forward(x);
            collector.backward(y.mul(g).sum());
            return x;
        }
    }

    private static void time(Runnable run, Map<String, String> o, String description) {
        double warmup = Double.parseDouble(o.get("warmup"));
        int warmupRuns = Integer.parseInt(o.get("warmup-runs"));
        int runs = Integer.parseInt(o.get("runs"));
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long start = System.nanoTime();
        int warm = 0;
        while (warm < warmupRuns || System.nanoTime() - start < warmup * 1e9) {
            run.run();
            warm++;
        }
        double[] ms = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            long c0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            run.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            cpu[i] = (os.getProcessCpuTime() - c0) / 1e6;
        }
        System.out.println(description);
        System.out.println("warmup_runs=" + warm);
        System.out.println("runs=" + runs);
        System.out.printf(Locale.ROOT, "ms_min=%.4f%n", Arrays.stream(ms).min().orElse(0));
        System.out.printf(Locale.ROOT, "ms_max=%.4f%n", Arrays.stream(ms).max().orElse(0));
        System.out.printf(Locale.ROOT, "cpu_ms_median=%.4f%n", median(cpu));
        System.out.printf(Locale.ROOT, "ms_median=%.4f%n", median(ms));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static float[] gaussian(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    // Golden checks: bench/check_reference.py's, for this peer.

    private static int check(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "layer_*.safetensors")) {
            ds.forEach(files::add);
        }
        files.sort(null);
        int checked = 0;
        int failed = 0;
        double[] worst = new double[2];
        double[] worstRel = new double[2];
        for (Path file : files) {
            SafeTensorsFile st = SafeTensors.read(file);
            JsonObject cfg = JsonParser.parseString(st.metadata().get("config")).getAsJsonObject();
            String mode = cfg.get("mode").getAsString();
            int cin = cfg.get("in_channels").getAsInt();
            int cout = cfg.get("out_channels").getAsInt();
            JsonElement sb = cfg.get("state_blocks");
            int blocks = sb == null || sb.isJsonNull() ? 1 : sb.getAsInt();
            int[] chunks = new int[cfg.getAsJsonArray("chunks").size()];
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = cfg.getAsJsonArray("chunks").get(i).getAsInt();
            }
            try (NDManager base = NDManager.newBaseManager()) {
                DjlLayer layer = new DjlLayer(base, mode, cin, cout, cfg.get("num_states").getAsInt(), blocks);
                Map<String, NDArray> trainable = new TreeMap<>();
                for (var e : layer.params.entrySet()) {
                    String key = e.getKey().equals("W") ? "mixer.1.weight" : e.getKey();
                    NDArray loaded = array(base, st.f32("state." + key)).reshape(e.getValue().getShape());
                    e.setValue(loaded);
                    trainable.put(key, loaded);
                }
                boolean acts = cfg.get("use_activations").getAsBoolean();
                if (mode.equals("dws")) {
                    layer.actIn = activation(base, cfg, st, "mixer.0.0", trainable);
                    if (acts) {
                        layer.actOut = activation(base, cfg, st, "mixer.2.0", trainable);
                    }
                } else if (acts) {
                    layer.actOut = activation(base, cfg, st, "mixer.0", trainable);
                }
                trainable.values().forEach(p -> p.setRequiresGradient(true));
                NDArray input = array(base, st.f32("input"));
                NDArray x = train(layer, input, array(base, st.f32("grad_output")));
                Map<String, NDArray> results = new LinkedHashMap<>();
                results.put("output", layer.forward(input));
                results.put("stream.output", layer.stream(input, chunks));
                results.put("grad.input", x.getGradient());
                for (var e : trainable.entrySet()) {
                    results.put("grad.state." + e.getKey(), e.getValue().getGradient());
                }
                for (String name : st.names()) {
                    if (name.startsWith("grad.state.") && !results.containsKey(name)) {
                        fail(file.getFileName() + ": no peer tensor for " + name);
                    }
                }
                for (var e : results.entrySet()) {
                    float[] ref = st.f32(e.getKey()).data();
                    float[] got = e.getValue().toFloatArray();
                    double err = 0;
                    double scale = 0;
                    for (int i = 0; i < ref.length; i++) {
                        err = Math.max(err, Math.abs(got[i] - ref[i]));
                        scale = Math.max(scale, Math.abs(ref[i]));
                    }
                    double tol = 1e-4 * scale + 1e-6;
                    boolean ok = got.length == ref.length && err <= tol;
                    int kind = e.getKey().startsWith("grad") ? 1 : 0;
                    worst[kind] = Math.max(worst[kind], err);
                    worstRel[kind] = Math.max(worstRel[kind], err / scale);
                    checked++;
                    failed += ok ? 0 : 1;
                    System.out.printf(Locale.ROOT, "%s %s max_abs_err=%.2e max_abs_ref=%.2e rel=%.1e tol=%.2e %s%n",
                            file.getFileName(), e.getKey(), err, scale, err / scale, tol, ok ? "PASS" : "FAIL");
                }
            }
        }
        System.out.printf(Locale.ROOT, "max_abs_err outputs=%.2e gradients=%.2e%n", worst[0], worst[1]);
        System.out.printf(Locale.ROOT, "max_rel_err (of max|ref|) outputs=%.1e gradients=%.1e%n", worstRel[0], worstRel[1]);
        System.out.println(checked + " checked, " + failed + " failed");
        return failed > 0 || checked == 0 ? 1 : 0;
    }

    private static NDArray array(NDManager m, Tensor t) {
        return m.create(t.data(), new Shape(Arrays.stream(t.shape()).asLongStream().toArray()));
    }

    /** The golden file's norm (eval mode) and postact, its trainable tensors added to {@code trainable}. */
    private static UnaryOperator<NDArray> activation(NDManager m, JsonObject cfg, SafeTensorsFile st, String prefix,
            Map<String, NDArray> trainable) throws IOException {
        JsonElement normJson = cfg.get("norm");
        String norm = normJson == null || normJson.isJsonNull() ? "none" : normJson.getAsString();
        String postact = cfg.get("postact").getAsString();
        UnaryOperator<NDArray> n;
        switch (norm) {
            case "none" -> n = x -> x;
            case "batch" -> {
                NDArray w = array(m, st.f32("state." + prefix + ".weight")).expandDims(1);
                NDArray b = array(m, st.f32("state." + prefix + ".bias")).expandDims(1);
                NDArray mean = array(m, st.f32("state." + prefix + ".running_mean")).expandDims(1);
                NDArray var = array(m, st.f32("state." + prefix + ".running_var")).expandDims(1);
                trainable.put(prefix + ".weight", w);
                trainable.put(prefix + ".bias", b);
                n = x -> x.sub(mean).div(var.add(1e-5f).sqrt()).mul(w).add(b);
            }
            case "layer-feature" -> {
                NDArray w = array(m, st.f32("state." + prefix + ".weight")).expandDims(1);
                NDArray b = array(m, st.f32("state." + prefix + ".bias")).expandDims(1);
                trainable.put(prefix + ".weight", w);
                trainable.put(prefix + ".bias", b);
                n = x -> {
                    NDArray centered = x.sub(x.mean(new int[] {1}, true));
                    NDArray var = centered.square().mean(new int[] {1}, true);
                    return centered.div(var.add(1e-5f).sqrt()).mul(w).add(b);
                };
            }
            default -> throw new IllegalArgumentException("norm " + norm + " is not handled");
        }
        UnaryOperator<NDArray> act = switch (postact) {
            case "relu" -> Activation::relu;
            case "silu" -> x -> x.mul(Activation.sigmoid(x));
            case "identity" -> x -> x;
            default -> throw new IllegalArgumentException("postact " + postact + " is not handled");
        };
        return x -> act.apply(n.apply(x));
    }

    private static String require(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null) {
            fail("--" + key + " is required");
        }
        return v;
    }

    private static void fail(String message) {
        System.err.println("djl peer: error: " + message);
        System.exit(1);
    }
}
