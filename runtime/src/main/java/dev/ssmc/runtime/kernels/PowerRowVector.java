package dev.ssmc.runtime.kernels;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link SsmKernels#powerRow(double, double, int, SsmKernels.Component,
 * float[], int)}: consecutive lags across the lanes of two double vectors (a float vector's worth,
 * W lags), each lane stepped by {@code a^W}, so W chains run at once where the scalar path keeps
 * four. Only loaded when a kernel takes its vector path.
 *
 * <p>The results are stored as full-width float vectors, the two halves narrowed from the two
 * double vectors and blended, like every other kernel's: a half-width float vector would put a
 * second float vector class into the type profiles of the Vector API's shared methods, after which
 * the JIT compiles other kernels' stores as the API's scalar fallback.
 */
final class PowerRowVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Lags per step: a float vector's lanes. */
    private static final int W = S.length();
    /** Doubles of the same width: half of W. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int H = D.length();
    private static final VectorMask<Float> UPPER = S.indexInRange(-H, H);

    private PowerRowVector() {
    }

    /** Whether the machine's preferred float and double vectors have the same width (then this path applies). */
    static boolean applies() {
        return W == 2 * H;
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
        // a^W by squaring (W is a power of two), every lane's step
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
            DoubleVector loRe = DoubleVector.fromArray(D, startRe, 0);
            DoubleVector loIm = DoubleVector.fromArray(D, startIm, 0);
            DoubleVector hiRe = DoubleVector.fromArray(D, startRe, H);
            DoubleVector hiIm = DoubleVector.fromArray(D, startIm, H);
            DoubleVector loLag = DoubleVector.fromArray(D, lags, 0).add(l0);
            DoubleVector hiLag = DoubleVector.fromArray(D, lags, H).add(l0);
            int end = Math.min(whole, l0 + block);
            for (int l = l0; l < end; l += W) {
                DoubleVector lo = imaginary ? loIm : loRe;
                DoubleVector hi = imaginary ? hiIm : hiRe;
                if (timesLag) {
                    lo = lo.mul(loLag);
                    hi = hi.mul(hiLag);
                    loLag = loLag.add(W);
                    hiLag = hiLag.add(W);
                }
                FloatVector fLo = (FloatVector) lo.convertShape(VectorOperators.D2F, S, 0);
                FloatVector fHi = (FloatVector) hi.convertShape(VectorOperators.D2F, S, -1);
                fLo.blend(fHi, UPPER).intoArray(out, o + l);
                DoubleVector t = loRe.mul(wr).sub(loIm.mul(wi));
                loIm = loRe.mul(wi).add(loIm.mul(wr));
                loRe = t;
                t = hiRe.mul(wr).sub(hiIm.mul(wi));
                hiIm = hiRe.mul(wi).add(hiIm.mul(wr));
                hiRe = t;
            }
        }
        return whole;
    }
}
