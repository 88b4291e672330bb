package dev.ssmc.benchmarks;

import dev.ssmc.compiler.bench.BenchPass;
import dev.ssmc.compiler.bench.GeneratedWorkload;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A whole network through generated code: the cases of {@code ssmc bench FILE.ssm --pass P} at
 * the file's planned shapes (its training batch and length; stream: batch 1 in its planned chunk).
 * {@code file} is a path from where the benchmark runs (the repository root by default).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xss8m"})
public class NetworkBenchmark {
    @Param({"examples/kws/kws.ssm", "examples/denoise/denoise.ssm"})
    String file;

    @Param({"train", "forward", "stream"})
    String pass;

    private GeneratedWorkload work;

    @Setup
    public void setup() {
        Frontend.Compilation c = Frontend.compile(Path.of(file));
        if (!c.ok()) {
            throw new IllegalArgumentException(file + " does not compile (run from the repository root?):\n" + c.render());
        }
        Network n = c.networks().get(0).network();
        BenchPass p = BenchPass.parse(pass);
        Planning planned = n.planning();
        Planning planning = p == BenchPass.STREAM ? new Planning(1, planned.length(), planned.chunk()) : planned;
        Network timed = new Network(n.name(), n.origin(), n.inChannels(), n.sampleRate(), n.body(), n.head(), planning);
        work = GeneratedWorkload.of(timed, p, Profile.defaults(), 1);
    }

    @Benchmark
    public Object run() {
        return work.run();
    }
}
