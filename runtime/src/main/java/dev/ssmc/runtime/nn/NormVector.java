package dev.ssmc.runtime.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link Norm}'s row loops: the same arithmetic as the scalar loops, lanes
 * of one row at a time, on whole vectors only ({@code n} a multiple of {@link #lanes()}; the
 * caller's scalar loop takes the tail). Only loaded when a norm takes its vector path.
 *
 * <p>The statistics and the forward's affine map are computed in double, as in the scalar code (a
 * float mean loses digits when sigma is much smaller than |mean|): a vector of floats is widened
 * into two of doubles (its lower and upper halves) and, in {@link #affine}, narrowed back into the
 * two halves of one. Each operation is a separate IEEE operation (no fused multiply-add where the
 * scalar code rounds twice), so {@link #affine} is bit-identical to its scalar loop; the sums run
 * in vector lanes, a different order from the scalar chains, so they agree only to double rounding.
 *
 * <p>Only full-width float vectors, like every other kernel's. Widening a half-width float vector
 * instead made the affine map faster alone (0.25 against 0.40 ns a value) but the norms slower in
 * training (profiled epochs of the keyword spotter: 241 samples in the norms, against 89 and 106
 * with full-width vectors), and it added a second float vector class to the type profiles of the
 * Vector API's shared methods; with it the JIT compiled the FFT's radix-5 stores as the API's
 * scalar fallback in every profiled epoch (3 of 3; 1 of 2 with full-width vectors, 0 of 3 before).
 */
final class NormVector {
    /** Floats per vector: the machine's preferred width, as every other vector kernel uses. */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Doubles of the same width: half of {@link #S}'s lanes. */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    private static final int W = S.length();
    /** The upper half of {@link #S}'s lanes, where the second half's doubles go back as floats. */
    private static final VectorMask<Float> UPPER = S.indexInRange(-W / 2, W / 2);

    private NormVector() {
    }

    /** The lane count: the vector methods take row lengths that are multiples of it. */
    static int lanes() {
        return W;
    }

    /** {@code y = (float) ((x - mean) * scale + shift)} on {@code [off, off+n)}, in double, bit-identical to the scalar loop. */
    static void affine(float[] x, float[] y, int off, int n, double mean, double scale, double shift) {
        DoubleVector m = DoubleVector.broadcast(D, mean);
        DoubleVector s = DoubleVector.broadcast(D, scale);
        DoubleVector h = DoubleVector.broadcast(D, shift);
        for (int i = off; i < off + n; i += W) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 0);
            DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, D, 1);
            FloatVector yLo = (FloatVector) lo.sub(m).mul(s).add(h).convertShape(VectorOperators.D2F, S, 0);
            FloatVector yHi = (FloatVector) hi.sub(m).mul(s).add(h).convertShape(VectorOperators.D2F, S, -1);
            yLo.blend(yHi, UPPER).intoArray(y, i);
        }
    }

    /** {@code sum a[off..off+n)} in double, two vectors of chains (one would be bound by the add's latency). */
    static double sum(float[] a, int off, int n) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        for (int i = off; i < off + n; i += W) {
            FloatVector v = FloatVector.fromArray(S, a, i);
            s0 = s0.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0));
            s1 = s1.add((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1));
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD);
    }

    /** {@code sum (a[i] - mean)^2} over {@code a[off..off+n)} in double, two vectors of chains. */
    static double squaredDeviations(float[] a, int off, int n, double mean) {
        DoubleVector m = DoubleVector.broadcast(D, mean);
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        for (int i = off; i < off + n; i += W) {
            FloatVector v = FloatVector.fromArray(S, a, i);
            DoubleVector d0 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 0)).sub(m);
            DoubleVector d1 = ((DoubleVector) v.convertShape(VectorOperators.F2D, D, 1)).sub(m);
            s0 = s0.add(d0.mul(d0));
            s1 = s1.add(d1.mul(d1));
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@code sum g[i] * ((x[i] - mean) * r)} over {@code [off, off+n)}: each product in float as in
     * the scalar loop (so bit-identical terms), summed in double.
     */
    static double xhatDot(float[] g, float[] x, int off, int n, float mean, float r) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        for (int i = off; i < off + n; i += W) {
            FloatVector p = FloatVector.fromArray(S, g, i).mul(FloatVector.fromArray(S, x, i).sub(mean).mul(r));
            s0 = s0.add((DoubleVector) p.convertShape(VectorOperators.F2D, D, 0));
            s1 = s1.add((DoubleVector) p.convertShape(VectorOperators.F2D, D, 1));
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD);
    }
}
