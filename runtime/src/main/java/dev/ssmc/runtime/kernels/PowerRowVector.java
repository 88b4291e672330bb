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
    /** The lanes' offsets 0 .. W-1. */
    private static final double[] LAGS = java.util.stream.IntStream.range(0, W).asDoubleStream().toArray();
    /** Each thread's lanes' starting powers (re, im): a kernel makes thousands of rows, none allocates. */
    private static final ThreadLocal<double[][]> STARTS = ThreadLocal.withInitial(() -> new double[2][W]);

    private PowerRowVector() {
    }

    /** Whether the machine's preferred float and double vectors have the same width (then this path applies). */
    static boolean applies() {
        return W == 2 * H;
    }

    /**
     * Writes the whole vectors of lags of {@code out[o + l]}, {@code l < length}, and returns the
     * first lag left to the caller (fewer than W at the row's end): {@code (takeRe Re p + takeIm
     * Im p) (lagScale l + 1 - lagScale)} for the power {@code p} at lag {@code l}, the part wanted
     * given as 0 or 1 factors ({@link SsmKernels.Component}). {@code block} is the restart
     * interval, a multiple of W.
     *
     * <p>The part is chosen by arithmetic, not by branches: a branch the JIT had seen go one way
     * only (the forward's kernels before the gradient's) sent the compiled loop back to the
     * interpreter, where every vector operation allocates.
     */
    static int powerRow(double logMag, double arg, int length, int block, double takeRe, double takeIm,
                        double lagScale, float[] out, int o) {
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
        double[][] scratch = STARTS.get();
        double[] startRe = scratch[0];
        double[] startIm = scratch[1];
        double lagStep = W * lagScale;
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
            // lane factors: the lag (lagScale 1), or 1 stepping by 0 (lagScale 0)
            DoubleVector loLag = DoubleVector.fromArray(D, LAGS, 0).add(l0).mul(lagScale).add(1 - lagScale);
            DoubleVector hiLag = DoubleVector.fromArray(D, LAGS, H).add(l0).mul(lagScale).add(1 - lagScale);
            int end = Math.min(whole, l0 + block);
            for (int l = l0; l < end; l += W) {
                // re * takeRe + im * takeIm is exactly the part wanted (the other times 0 adds 0)
                DoubleVector lo = loRe.mul(takeRe).add(loIm.mul(takeIm)).mul(loLag);
                DoubleVector hi = hiRe.mul(takeRe).add(hiIm.mul(takeIm)).mul(hiLag);
                loLag = loLag.add(lagStep);
                hiLag = hiLag.add(lagStep);
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
