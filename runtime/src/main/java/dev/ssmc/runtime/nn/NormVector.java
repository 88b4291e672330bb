package dev.ssmc.runtime.nn;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link Norm}'s row loops: the same arithmetic as the scalar loops, lanes
 * of one row at a time, on whole vectors only ({@code n} a multiple of {@link #lanes()}; the
 * caller's scalar loop takes the tail). Only loaded when a norm takes its vector path.
 *
 * <p>The statistics and the forward's affine map are computed in double, as in the scalar code (a
 * float mean loses digits when sigma is much smaller than |mean|): {@link #D} lanes of floats are
 * loaded as a half-width float vector {@link #F} and widened, so a float vector and its doubles
 * have the same lane count (a full-width float vector split into two halves of doubles took twice
 * as long on JDK 17). Each operation is a separate IEEE operation (no fused multiply-add where the
 * scalar code rounds twice), so {@link #affine} is bit-identical to its scalar loop; the sums run in
 * vector lanes, a different order from the scalar chains, so they agree only to double rounding.
 */
final class NormVector {
    /** Doubles per vector: the widest the machine has (8 with AVX-512, 4 with AVX2). */
    private static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    /** Floats of the same lane count as {@link #D}, half its width. */
    private static final VectorSpecies<Float> F =
            VectorSpecies.of(float.class, VectorShape.forBitSize(D.vectorBitSize() / 2));
    private static final int W = D.length();

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
            DoubleVector v = (DoubleVector) FloatVector.fromArray(F, x, i).convertShape(VectorOperators.F2D, D, 0);
            ((FloatVector) v.sub(m).mul(s).add(h).convertShape(VectorOperators.D2F, F, 0)).intoArray(y, i);
        }
    }

    /** {@code sum a[off..off+n)} in double, two vectors of chains (one would be bound by the add's latency). */
    static double sum(float[] a, int off, int n) {
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        int end = off + n;
        int i = off;
        for (; i + 2 * W <= end; i += 2 * W) {
            s0 = s0.add((DoubleVector) FloatVector.fromArray(F, a, i).convertShape(VectorOperators.F2D, D, 0));
            s1 = s1.add((DoubleVector) FloatVector.fromArray(F, a, i + W).convertShape(VectorOperators.F2D, D, 0));
        }
        if (i < end) {
            s0 = s0.add((DoubleVector) FloatVector.fromArray(F, a, i).convertShape(VectorOperators.F2D, D, 0));
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD);
    }

    /** {@code sum (a[i] - mean)^2} over {@code a[off..off+n)} in double, two vectors of chains. */
    static double squaredDeviations(float[] a, int off, int n, double mean) {
        DoubleVector m = DoubleVector.broadcast(D, mean);
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        int end = off + n;
        int i = off;
        for (; i + 2 * W <= end; i += 2 * W) {
            DoubleVector d0 = ((DoubleVector) FloatVector.fromArray(F, a, i).convertShape(VectorOperators.F2D, D, 0))
                    .sub(m);
            DoubleVector d1 = ((DoubleVector) FloatVector.fromArray(F, a, i + W)
                    .convertShape(VectorOperators.F2D, D, 0)).sub(m);
            s0 = s0.add(d0.mul(d0));
            s1 = s1.add(d1.mul(d1));
        }
        if (i < end) {
            DoubleVector d0 = ((DoubleVector) FloatVector.fromArray(F, a, i).convertShape(VectorOperators.F2D, D, 0))
                    .sub(m);
            s0 = s0.add(d0.mul(d0));
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD);
    }

    /**
     * {@code sum g[i] * ((x[i] - mean) * r)} over {@code [off, off+n)}: each product in float as in
     * the scalar loop (so bit-identical terms), summed in double.
     */
    static double xhatDot(float[] g, float[] x, int off, int n, float mean, float r) {
        FloatVector m = FloatVector.broadcast(F, mean);
        FloatVector rv = FloatVector.broadcast(F, r);
        DoubleVector s0 = DoubleVector.zero(D);
        DoubleVector s1 = s0;
        int end = off + n;
        int i = off;
        for (; i + 2 * W <= end; i += 2 * W) {
            FloatVector p0 = FloatVector.fromArray(F, g, i).mul(FloatVector.fromArray(F, x, i).sub(m).mul(rv));
            FloatVector p1 = FloatVector.fromArray(F, g, i + W)
                    .mul(FloatVector.fromArray(F, x, i + W).sub(m).mul(rv));
            s0 = s0.add((DoubleVector) p0.convertShape(VectorOperators.F2D, D, 0));
            s1 = s1.add((DoubleVector) p1.convertShape(VectorOperators.F2D, D, 0));
        }
        if (i < end) {
            FloatVector p0 = FloatVector.fromArray(F, g, i).mul(FloatVector.fromArray(F, x, i).sub(m).mul(rv));
            s0 = s0.add((DoubleVector) p0.convertShape(VectorOperators.F2D, D, 0));
        }
        return s0.add(s1).reduceLanes(VectorOperators.ADD);
    }
}
