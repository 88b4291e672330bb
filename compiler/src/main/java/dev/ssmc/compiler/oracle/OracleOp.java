package dev.ssmc.compiler.oracle;

/** One node of the network as the oracle executes it. */
interface OracleOp {
    /** The node applied to a whole sequence. */
    double[][][] full(double[][][] x);

    /** A fresh streaming state for {@code batch} sequences. */
    StreamOp stream(int batch);

    /**
     * A node fed chunk by chunk: each call returns the output samples that the input so far
     * determines (possibly none), so that the concatenated outputs equal {@link #full} of the
     * concatenated inputs.
     */
    interface StreamOp {
        double[][][] process(double[][][] chunk);
    }

    /**
     * The streaming form of a node that maps every whole block of {@code block} input samples to
     * output samples on its own: input is buffered until whole blocks are available.
     */
    static StreamOp blockwise(OracleOp op, int block) {
        return new StreamOp() {
            private double[][][] pending;

            @Override
            public double[][][] process(double[][][] chunk) {
                double[][][] x = pending == null ? chunk : Signals.concat(pending, chunk);
                int whole = Signals.length(x) / block * block;
                pending = Signals.slice(x, whole, Signals.length(x));
                return op.full(Signals.slice(x, 0, whole));
            }
        };
    }
}
