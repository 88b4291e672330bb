package dev.ssmc.runtime.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link SsmKernels#powerRow(double, double, int, SsmKernels.Component,
 * float[], int)}: consecutive lags across the lanes of a double vector, each lane stepped by
 * {@code a^W} (W lanes), so W chains run at once where the scalar path keeps four. Only loaded
 * when a kernel takes its vector path.
 */
final class PowerRowVector {
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int W = D.length();
    /** Floats as many as D has doubles, what a vector of powers is rounded into. */
    private static final VectorSpecies<Float> F =
            FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(D.vectorBitSize() / 2));

    private PowerRowVector() {
    }

    /**
     * Writes the whole vectors of lags of {@code out[o + l]}, {@code l < length}, and returns the
     * first lag left to the caller (fewer than W at the row's end). {@code block} is the restart
     * interval, a multiple of W.
     */
    static int powerRow(double logMag, double arg, int length, int block, boolean imaginary, boolean timesLag,
                        float[] out, int o) {
        double stepRe = Math.exp(logMag) * Math.cos(arg);
        double stepIm = Math.exp(logMag) * Math.sin(arg);
        // a^W by squaring (W is a power of two), the lanes' common step
        double wr = stepRe;
        double wi = stepIm;
        for (int k = 1; k < W; k *= 2) {
            double t = wr * wr - wi * wi;
            wi = 2 * wr * wi;
            wr = t;
        }
        double[] startRe = new double[W];
        double[] startIm = new double[W];
        double[] lags = new double[W];
        for (int j = 0; j < W; j++) {
            lags[j] = j;
        }
        int whole = length - length % W;
        for (int l0 = 0; l0 < whole; l0 += block) {
            // lane j starts at lag l0 + j: the exact power at l0, then a^j by multiplication
            double mag = Math.exp(l0 * logMag);
            startRe[0] = mag * Math.cos(l0 * arg);
            startIm[0] = mag * Math.sin(l0 * arg);
            for (int j = 1; j < W; j++) {
                startRe[j] = startRe[j - 1] * stepRe - startIm[j - 1] * stepIm;
                startIm[j] = startRe[j - 1] * stepIm + startIm[j - 1] * stepRe;
            }
            DoubleVector pr = DoubleVector.fromArray(D, startRe, 0);
            DoubleVector pi = DoubleVector.fromArray(D, startIm, 0);
            DoubleVector lag = DoubleVector.fromArray(D, lags, 0).add(l0);
            int end = Math.min(whole, l0 + block);
            for (int l = l0; l < end; l += W) {
                DoubleVector v = imaginary ? pi : pr;
                if (timesLag) {
                    v = v.mul(lag);
                    lag = lag.add(W);
                }
                ((FloatVector) v.convertShape(VectorOperators.D2F, F, 0)).intoArray(out, o + l);
                DoubleVector t = pr.mul(wr).sub(pi.mul(wi));
                pi = pr.mul(wi).add(pi.mul(wr));
                pr = t;
            }
        }
        return whole;
    }
}
