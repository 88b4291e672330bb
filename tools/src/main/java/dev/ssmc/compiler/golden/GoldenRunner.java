package dev.ssmc.compiler.golden;

import dev.ssmc.compiler.exec.Engine;
import dev.ssmc.compiler.exec.Execution;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * Runs golden files through engines and compares each engine's outputs with the reference's:
 * {@code output}, {@code features}, {@code stream.output} and {@code stream.features} (the input
 * fed in the file's chunks), and every {@code grad.*} tensor (eval mode; an engine without a
 * backward pass has them reported as skipped), each within one {@link Tolerance}.
 */
public final class GoldenRunner {
    private final List<Engine> engines;
    private final BiFunction<String, String, Network> builder;
    private final Tolerance tolerance;

    /** A runner with the default tolerance, {@link Tolerance#DEFAULT}. */
    public GoldenRunner(List<Engine> engines, BiFunction<String, String, Network> builder) {
        this(engines, builder, Tolerance.DEFAULT);
    }

    /**
     * @param builder how a network is built from a golden config (JSON text, file name)
     * @param tolerance how close every tensor must be to the reference's
     */
    public GoldenRunner(List<Engine> engines, BiFunction<String, String, Network> builder, Tolerance tolerance) {
        this.engines = List.copyOf(engines);
        this.builder = builder;
        this.tolerance = tolerance;
    }

    /** The {@code .safetensors} files of a directory, sorted by name. */
    public static List<Path> goldenFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        }
    }

    public GoldenReport run(Path path) {
        String file = path.getFileName().toString();
        GoldenCase c;
        try {
            c = GoldenCase.read(path, builder);
        } catch (IOException | RuntimeException e) {
            return new GoldenReport(file, List.of(), List.of(), e.getMessage());
        }
        List<TensorCheck> checks = new ArrayList<>();
        for (Engine engine : engines) {
            checks.addAll(check(c, engine));
        }
        List<String> skipped = new ArrayList<>();
        for (Engine engine : engines) {
            skipped.addAll(checkGradients(c, engine, checks));
        }
        return new GoldenReport(file, checks, skipped, null);
    }

    private List<TensorCheck> check(GoldenCase c, Engine engine) {
        List<TensorCheck> checks = new ArrayList<>();
        String e = engine.name();
        try {
            Execution exec = engine.bind(c.network(), c.weights());
            Tensor input = c.tensor("input");
            Execution.Outputs full = exec.forward(input);
            boolean classifier = c.network().head().isPresent();
            if (classifier) {
                expect(checks, c, e, "features", full.features());
                expect(checks, c, e, "output", full.logits());
            } else {
                expect(checks, c, e, "output", full.features());
            }
            if (c.has("stream.output") || c.has("stream.features")) {
                if (c.chunks().length == 0) {
                    checks.add(TensorCheck.failed(e, "stream", "the config has no 'chunks' to stream in"));
                } else {
                    Execution.Outputs streamed = exec.stream(input, c.chunks());
                    expect(checks, c, e, classifier ? "stream.features" : "stream.output", streamed.features());
                }
            }
        } catch (IOException | RuntimeException ex) {
            checks.add(TensorCheck.failed(e, "run", "error: " + ex.getMessage()));
        }
        return checks;
    }

    /** Compares every {@code grad.*} tensor; returns those the engine cannot compute (it has no backward). */
    private List<String> checkGradients(GoldenCase c, Engine engine, List<TensorCheck> checks) {
        List<String> grads = c.file().names().stream().filter(n -> n.startsWith("grad.")).toList();
        if (grads.isEmpty()) {
            return List.of();
        }
        String e = engine.name();
        try {
            if (!c.has("grad_output")) {
                checks.add(TensorCheck.failed(e, "grad.*", "the file has gradients but no grad_output"));
                return List.of();
            }
            Execution exec = engine.bind(c.network(), c.weights());
            java.util.Map<String, Tensor> got = exec.gradients(c.tensor("input"), c.tensor("grad_output"), null);
            for (String name : grads) {
                String key = name.equals("grad.input") ? "input" : name.substring("grad.state.".length());
                checks.add(TensorCheck.compare(e, name, got.get(key), c.tensor(name), tolerance));
            }
            return List.of();
        } catch (UnsupportedOperationException ex) {
            return grads.stream().map(g -> e + " " + g).toList();
        } catch (IOException | RuntimeException ex) {
            checks.add(TensorCheck.failed(e, "grad.*", "error: " + ex.getMessage()));
            return List.of();
        }
    }

    private void expect(List<TensorCheck> checks, GoldenCase c, String engine, String name, Tensor got)
            throws IOException {
        if (c.has(name)) {
            checks.add(TensorCheck.compare(engine, name, got, c.tensor(name), tolerance));
        }
    }
}
