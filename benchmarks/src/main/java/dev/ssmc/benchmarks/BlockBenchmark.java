package dev.ssmc.benchmarks;

import dev.ssmc.compiler.bench.BenchPass;
import dev.ssmc.compiler.bench.BlockCase;
import dev.ssmc.compiler.bench.GeneratedWorkload;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.plan.Profile;
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
 * One SSM block through generated code: the cases of {@code ssmc bench --mode M --pass P}, the
 * same workload ({@link GeneratedWorkload}). The block is the mode's comparison case (64 channels
 * in and out, 16 for full; 16 states; 4 blocks for s5 and neck); train and forward run a batch of
 * {@code batch}, stream runs batch 1 in chunks of {@code chunk}, all over {@code length} samples.
 * The setup plans the block for exactly those shapes, generates its class and compiles it in memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xss8m"})
public class BlockBenchmark {
    @Param({"dws", "s5", "neck", "full"})
    String mode;

    @Param({"train", "forward", "stream"})
    String pass;

    @Param({"8"})
    int batch;

    @Param({"4096"})
    int length;

    /** Samples per streaming chunk (stream only). */
    @Param({"64"})
    int chunk;

    private GeneratedWorkload work;

    @Setup
    public void setup() {
        BenchPass p = BenchPass.parse(pass);
        BlockCase block = BlockCase.comparison(SsmMode.parse(mode));
        Planning planning = p == BenchPass.STREAM ? new Planning(1, length, chunk) : new Planning(batch, length, 1);
        work = GeneratedWorkload.of(block.network(planning), p, Profile.defaults(), 1);
    }

    @Benchmark
    public Object run() {
        return work.run();
    }
}
