package dev.ssmc.runtime.model;

import java.util.Map;

/**
 * The state an SSM block carries from one streaming chunk to the next, in its canonical form (see
 * {@code centaurus-reference.md}, section 2): one complex value per state and batch element, fed
 * through the state's input weights and read through its output weights. A chunk's output is the
 * plan's zero-state response plus the carried state decayed into the chunk; after it, the state
 * advances by the chunk. Any plan of the chunk (FFT, scan or chunked) combines with it.
 */
public final class SsmCarry {
    private final int states;
    private final int cin;
    private final int out;
    private final double[] aRe;
    private final double[] aIm;
    /** in[s * cin + c]: how input channel c feeds state s. */
    private final double[] in;
    /** out[s * out + d]: how state s reaches output channel d. */
    private final double[] outW;

    public SsmCarry(Discretization d) {
        BlockShape shape = d.shape();
        Map<String, float[]> w = d.weights();
        this.states = d.dtARe().length;
        this.cin = shape.inChannels();
        this.out = shape.ssmChannels();
        this.aRe = new double[states];
        this.aIm = new double[states];
        for (int s = 0; s < states; s++) {
            double mag = Math.exp(d.dtARe()[s]);
            aRe[s] = mag * Math.cos(d.dtAIm()[s]);
            aIm[s] = mag * Math.sin(d.dtAIm()[s]);
        }
        this.in = new double[states * cin];
        this.outW = new double[states * out];
        int n = shape.states();
        int j = shape.blocks();
        for (int s = 0; s < states; s++) {
            switch (shape.mode()) {
                case DWS -> {
                    int c = s / n;
                    in[s * cin + c] = 1;
                    outW[s * out + c] = w.get("E")[s];
                }
                case S5 -> {
                    for (int c = 0; c < cin; c++) {
                        in[s * cin + c] = w.get("B")[s * cin + c];
                    }
                    for (int dd = 0; dd < out; dd++) {
                        outW[s * out + dd] = w.get("C")[dd * states + s];
                    }
                }
                case NECK -> {
                    int b = s / n;
                    for (int c = 0; c < cin; c++) {
                        in[s * cin + c] = w.get("B")[b * cin + c] * w.get("E")[s];
                    }
                    for (int dd = 0; dd < out; dd++) {
                        outW[s * out + dd] = w.get("C")[dd * j + b];
                    }
                }
                case FULL -> {
                    int dd = s / (cin * n);
                    int c = (s / n) % cin;
                    in[s * cin + c] = 1;
                    outW[s * out + dd] = w.get("E")[s];
                }
            }
        }
    }

    /**
     * The bytes a carry of this shape holds (a double: it may exceed any array's): per state, its multiplier and its dense rows of input
     * and output weights (the arrays the constructor makes). Commands check it against the heap
     * before building a network, since it grows with states times channels.
     */
    public static double bytes(BlockShape shape) {
        return (double) Double.BYTES * shape.stateCount() * (2L + shape.inChannels() + shape.ssmChannels());
    }

    /** A zero state for {@code batch} streams: [batch][states] real and imaginary parts. */
    public double[][] zero(int batch) {
        return new double[][] {new double[batch * states], new double[batch * states]};
    }

    /**
     * Adds the carried state's contribution to a chunk's zero-state output {@code y[b][out][T]}, then
     * advances the state by the chunk's input {@code u[b][cin][T]}.
     */
    public void apply(float[] u, float[] y, int batch, int length, double[][] h) {
        double[] hr = h[0];
        double[] hi = h[1];
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < states; s++) {
                int hs = b * states + s;
                double pr = aRe[s];
                double pi = aIm[s];
                double xr = hr[hs];
                double xi = hi[hs];
                // contribution a^(t+1) h at every t of the chunk
                double cr = pr * xr - pi * xi;
                double ci = pr * xi + pi * xr;
                for (int t = 0; t < length; t++) {
                    for (int dd = 0; dd < out; dd++) {
                        double wgt = outW[s * out + dd];
                        if (wgt != 0) {
                            y[(b * out + dd) * length + t] += (float) (wgt * cr);
                        }
                    }
                    double nr = pr * cr - pi * ci;
                    ci = pr * ci + pi * cr;
                    cr = nr;
                }
                // advance: x = a x + v_t over the chunk
                for (int t = 0; t < length; t++) {
                    double v = 0;
                    for (int c = 0; c < cin; c++) {
                        double wgt = in[s * cin + c];
                        if (wgt != 0) {
                            v += wgt * u[(b * cin + c) * length + t];
                        }
                    }
                    double nr = pr * xr - pi * xi + v;
                    xi = pr * xi + pi * xr;
                    xr = nr;
                }
                hr[hs] = xr;
                hi[hs] = xi;
            }
        }
    }
}
