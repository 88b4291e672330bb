package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.plan.Einsum;
import dev.ssmc.compiler.plan.EinsumPath;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ssmc path EINSUM --sizes a=2,b=3}: the optimal pairwise path of a plain einsum. */
@Command(name = "path", mixinStandardHelpOptions = true,
        description = "Print the optimal pairwise contraction path of a plain einsum (no convolution) and its "
                + "cost under opt_einsum's FLOP convention: a step costs the product of the sizes of every "
                + "index it touches, times 2 when it sums an index away. The last line is flops=N.")
public final class PathCommand implements Callable<Integer> {
    @Parameters(paramLabel = "EINSUM", description = "The expression, e.g. 'bct,nc,dn->bdt'.")
    String expression;

    @Option(names = "--sizes", required = true, paramLabel = "SIZES", description = "Index sizes, e.g. b=8,c=64,t=4096.")
    String sizes;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Einsum e = Einsum.parse(expression, sizes);
        if (e.operands().size() > EinsumPath.MAX_OPERANDS) {
            throw new UserError("'" + expression + "' has " + e.operands().size() + " operands; the optimal search takes at most "
                    + EinsumPath.MAX_OPERANDS);
        }
        EinsumPath.Path path = EinsumPath.optimal(e);
        PrintWriter out = spec.commandLine().getOut();
        int i = 1;
        for (EinsumPath.Step s : path.steps()) {
            out.printf("step %d: contract (%d, %d)  %s,%s->%s  flops=%d%n", i++, s.first(), s.second(), s.left(),
                    s.right(), s.result(), s.flops());
        }
        out.println("flops=" + path.flops());
        return 0;
    }
}
