package dev.ssmc.runtime.fft;

import static dev.ssmc.runtime.fft.ComplexFft.C3;
import static dev.ssmc.runtime.fft.ComplexFft.C51;
import static dev.ssmc.runtime.fft.ComplexFft.C52;
import static dev.ssmc.runtime.fft.ComplexFft.C71;
import static dev.ssmc.runtime.fft.ComplexFft.C72;
import static dev.ssmc.runtime.fft.ComplexFft.C73;
import static dev.ssmc.runtime.fft.ComplexFft.S3;
import static dev.ssmc.runtime.fft.ComplexFft.S51;
import static dev.ssmc.runtime.fft.ComplexFft.S52;
import static dev.ssmc.runtime.fft.ComplexFft.S71;
import static dev.ssmc.runtime.fft.ComplexFft.S72;
import static dev.ssmc.runtime.fft.ComplexFft.S73;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link ComplexFft}'s stages: the same butterflies with {@code q}
 * (contiguous in both buffers) across the lanes and the stage's twiddles broadcast. Only loaded
 * when the vector path is taken. Each stage handles {@code q} up to the last whole vector and
 * returns where the scalar tail starts.
 */
final class FftVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();

    // The butterflies' constants as vectors.
    private static final FloatVector VC3 = FloatVector.broadcast(S, C3);
    private static final FloatVector VC51 = FloatVector.broadcast(S, C51);
    private static final FloatVector VC52 = FloatVector.broadcast(S, C52);
    private static final FloatVector VNS51 = FloatVector.broadcast(S, -S51);
    private static final FloatVector VS52 = FloatVector.broadcast(S, S52);
    private static final FloatVector VC71 = FloatVector.broadcast(S, C71);
    private static final FloatVector VC72 = FloatVector.broadcast(S, C72);
    private static final FloatVector VC73 = FloatVector.broadcast(S, C73);
    private static final FloatVector VNS71 = FloatVector.broadcast(S, -S71);
    private static final FloatVector VNS73 = FloatVector.broadcast(S, -S73);
    private static final FloatVector VS72 = FloatVector.broadcast(S, S72);
    private static final FloatVector VS73 = FloatVector.broadcast(S, S73);

    private FftVector() {
    }

    static int width() {
        return W;
    }

    /** One stage for {@code q} up to the last whole vector; returns where the scalar tail starts. */
    static int stage(int p, int m, int st, float[] twr, float[] twi, int tw,
                     float[] xr, float[] xi, float[] yr, float[] yi) {
        int qEnd = st - st % W;
        int sm = st * m;
        for (int j = 0; j < m; j++) {
            int in = st * j;
            int out = p * st * j;
            int t = tw + (p - 1) * j;
            for (int q = 0; q < qEnd; q += W) {
                butterfly(p, xr, xi, in + q, sm, yr, yi, out + q, st, twr, twi, t);
            }
        }
        return qEnd;
    }

    /**
     * Two stages in one pass over memory: radix {@code p1} on sub-transforms of length
     * {@code p1*p2*m2}, stride {@code st}, twiddles at {@code tw1}, then radix {@code p2} on length
     * {@code p2*m2}, stride {@code p1*st}, twiddles at {@code tw2}; writes what the second stage
     * would write, into {@code (yr, yi)}. Why: the stages are memory-bound once the interleaved
     * buffers outgrow L2 (16 rows of complex 4096 are 1 MB), and this streams the buffers half as
     * often. For each {@code j2 < m2} and vector of {@code q}, the {@code p1*p2} inputs
     * {@code x[q + st*(j2 + m2*(r2 + p2*r))]} go through the first stage's {@code p2} butterflies
     * (one per {@code r2}, {@code j = j2 + r2*m2}) into a small scratch that stays in L1, then
     * through the second stage's {@code p1} (one per {@code u}, at {@code q' = q + st*u}); the
     * operations are the same as the two stages', so are the results. Needs {@code st} a multiple
     * of the vector's width ({@link #fusable}).
     */
    static void fused(int p1, int p2, int m2, int st, float[] twr, float[] twi, int tw1, int tw2,
                      float[] xr, float[] xi, float[] yr, float[] yi) {
        float[][] scratch = SCRATCH.get();
        float[] tr = scratch[0];
        float[] ti = scratch[1];
        int sm1 = st * p2 * m2;
        int st2 = p1 * st;
        for (int j2 = 0; j2 < m2; j2++) {
            int t2 = tw2 + (p2 - 1) * j2;
            int out = p2 * st2 * j2;
            for (int q = 0; q < st; q += W) {
                // First stage: butterfly r2 writes its u-th output at scratch W*(p1*r2 + u).
                for (int r2 = 0; r2 < p2; r2++) {
                    int j = j2 + r2 * m2;
                    butterfly(p1, xr, xi, q + st * j, sm1, tr, ti, p1 * W * r2, W, twr, twi, tw1 + (p1 - 1) * j);
                }
                // Second stage: butterfly u takes its inputs r2 from scratch W*u + p1*W*r2.
                for (int u = 0; u < p1; u++) {
                    butterfly(p2, tr, ti, W * u, p1 * W, yr, yi, out + q + st * u, st2, twr, twi, t2);
                }
            }
        }
    }

    /** Whether {@link #fused} can run at stride {@code st}. */
    static boolean fusable(int st) {
        return st % W == 0;
    }

    /** Scratch of {@link #fused}: up to 7*7 vectors each of real and imaginary parts (6 KB at 16 lanes). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][49 * W]);

    /**
     * One vector of radix-{@code p} butterflies: inputs at {@code i0 + r*d}, outputs at
     * {@code o + u*e}, twiddles {@code w^u} at {@code t + u - 1}. The butterflies take no vectors
     * as arguments and their twiddle multiplications are written out rather than in a helper
     * taking vectors: when such a helper is not inlined the JIT boxes the vectors, which made
     * radix-5 and radix-7 stages several times slower than the scalar ones. (The butterflies
     * themselves are too big to be inlined; forcing it made the stages several times slower.)
     */
    private static void butterfly(int p, float[] xr, float[] xi, int i0, int d, float[] yr, float[] yi, int o, int e,
                                  float[] twr, float[] twi, int t) {
        switch (p) {
            case 4:
                butterfly4(xr, xi, i0, d, yr, yi, o, e, twr, twi, t);
                break;
            case 2:
                butterfly2(xr, xi, i0, d, yr, yi, o, e, twr, twi, t);
                break;
            case 3:
                butterfly3(xr, xi, i0, d, yr, yi, o, e, twr, twi, t);
                break;
            case 5:
                butterfly5(xr, xi, i0, d, yr, yi, o, e, twr, twi, t);
                break;
            case 7:
                butterfly7(xr, xi, i0, d, yr, yi, o, e, twr, twi, t);
                break;
            default:
                throw new IllegalStateException("radix " + p);
        }
    }

    private static void butterfly4(float[] xr, float[] xi, int i0, int d, float[] yr, float[] yi, int o, int e,
                                   float[] twr, float[] twi, int t) {
        FloatVector a0r = FloatVector.fromArray(S, xr, i0);
        FloatVector a0i = FloatVector.fromArray(S, xi, i0);
        FloatVector a1r = FloatVector.fromArray(S, xr, i0 + d);
        FloatVector a1i = FloatVector.fromArray(S, xi, i0 + d);
        FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * d);
        FloatVector a2i = FloatVector.fromArray(S, xi, i0 + 2 * d);
        FloatVector a3r = FloatVector.fromArray(S, xr, i0 + 3 * d);
        FloatVector a3i = FloatVector.fromArray(S, xi, i0 + 3 * d);
        FloatVector t0r = a0r.add(a2r);
        FloatVector t0i = a0i.add(a2i);
        FloatVector t1r = a0r.sub(a2r);
        FloatVector t1i = a0i.sub(a2i);
        FloatVector t2r = a1r.add(a3r);
        FloatVector t2i = a1i.add(a3i);
        FloatVector t3r = a1i.sub(a3i);
        FloatVector t3i = a3r.sub(a1r);
        t0r.add(t2r).intoArray(yr, o);
        t0i.add(t2i).intoArray(yi, o);
        float w1r = twr[t];
        float w1i = twi[t];
        FloatVector b1r = t1r.add(t3r);
        FloatVector b1i = t1i.add(t3i);
        b1r.mul(w1r).sub(b1i.mul(w1i)).intoArray(yr, o + e);
        b1r.mul(w1i).add(b1i.mul(w1r)).intoArray(yi, o + e);
        float w2r = twr[t + 1];
        float w2i = twi[t + 1];
        FloatVector b2r = t0r.sub(t2r);
        FloatVector b2i = t0i.sub(t2i);
        b2r.mul(w2r).sub(b2i.mul(w2i)).intoArray(yr, o + 2 * e);
        b2r.mul(w2i).add(b2i.mul(w2r)).intoArray(yi, o + 2 * e);
        float w3r = twr[t + 2];
        float w3i = twi[t + 2];
        FloatVector b3r = t1r.sub(t3r);
        FloatVector b3i = t1i.sub(t3i);
        b3r.mul(w3r).sub(b3i.mul(w3i)).intoArray(yr, o + 3 * e);
        b3r.mul(w3i).add(b3i.mul(w3r)).intoArray(yi, o + 3 * e);
    }

    private static void butterfly2(float[] xr, float[] xi, int i0, int d, float[] yr, float[] yi, int o, int e,
                                   float[] twr, float[] twi, int t) {
        float w1r = twr[t];
        float w1i = twi[t];
        FloatVector a0r = FloatVector.fromArray(S, xr, i0);
        FloatVector a0i = FloatVector.fromArray(S, xi, i0);
        FloatVector a1r = FloatVector.fromArray(S, xr, i0 + d);
        FloatVector a1i = FloatVector.fromArray(S, xi, i0 + d);
        a0r.add(a1r).intoArray(yr, o);
        a0i.add(a1i).intoArray(yi, o);
        FloatVector b1r = a0r.sub(a1r);
        FloatVector b1i = a0i.sub(a1i);
        b1r.mul(w1r).sub(b1i.mul(w1i)).intoArray(yr, o + e);
        b1r.mul(w1i).add(b1i.mul(w1r)).intoArray(yi, o + e);
    }

    private static void butterfly3(float[] xr, float[] xi, int i0, int d, float[] yr, float[] yi, int o, int e,
                                   float[] twr, float[] twi, int t) {
        float w1r = twr[t];
        float w1i = twi[t];
        float w2r = twr[t + 1];
        float w2i = twi[t + 1];
        FloatVector a0r = FloatVector.fromArray(S, xr, i0);
        FloatVector a0i = FloatVector.fromArray(S, xi, i0);
        FloatVector a1r = FloatVector.fromArray(S, xr, i0 + d);
        FloatVector a1i = FloatVector.fromArray(S, xi, i0 + d);
        FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * d);
        FloatVector a2i = FloatVector.fromArray(S, xi, i0 + 2 * d);
        FloatVector t1r = a1r.add(a2r);
        FloatVector t1i = a1i.add(a2i);
        FloatVector t2r = t1r.fma(VC3, a0r);
        FloatVector t2i = t1i.fma(VC3, a0i);
        FloatVector t3r = a1r.sub(a2r).mul(S3);
        FloatVector t3i = a1i.sub(a2i).mul(S3);
        a0r.add(t1r).intoArray(yr, o);
        a0i.add(t1i).intoArray(yi, o);
        FloatVector b1r = t2r.add(t3i);
        FloatVector b1i = t2i.sub(t3r);
        b1r.mul(w1r).sub(b1i.mul(w1i)).intoArray(yr, o + e);
        b1r.mul(w1i).add(b1i.mul(w1r)).intoArray(yi, o + e);
        FloatVector b2r = t2r.sub(t3i);
        FloatVector b2i = t2i.add(t3r);
        b2r.mul(w2r).sub(b2i.mul(w2i)).intoArray(yr, o + 2 * e);
        b2r.mul(w2i).add(b2i.mul(w2r)).intoArray(yi, o + 2 * e);
    }

    private static void butterfly5(float[] xr, float[] xi, int i0, int d, float[] yr, float[] yi, int o, int e,
                                   float[] twr, float[] twi, int t) {
        FloatVector a0r = FloatVector.fromArray(S, xr, i0);
        FloatVector a0i = FloatVector.fromArray(S, xi, i0);
        FloatVector a1r = FloatVector.fromArray(S, xr, i0 + d);
        FloatVector a1i = FloatVector.fromArray(S, xi, i0 + d);
        FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * d);
        FloatVector a2i = FloatVector.fromArray(S, xi, i0 + 2 * d);
        FloatVector a3r = FloatVector.fromArray(S, xr, i0 + 3 * d);
        FloatVector a3i = FloatVector.fromArray(S, xi, i0 + 3 * d);
        FloatVector a4r = FloatVector.fromArray(S, xr, i0 + 4 * d);
        FloatVector a4i = FloatVector.fromArray(S, xi, i0 + 4 * d);
        FloatVector s1r = a1r.add(a4r);
        FloatVector s1i = a1i.add(a4i);
        FloatVector s2r = a2r.add(a3r);
        FloatVector s2i = a2i.add(a3i);
        FloatVector d1r = a1r.sub(a4r);
        FloatVector d1i = a1i.sub(a4i);
        FloatVector d2r = a2r.sub(a3r);
        FloatVector d2i = a2i.sub(a3i);
        FloatVector r1r = s2r.fma(VC52, s1r.fma(VC51, a0r));
        FloatVector r1i = s2i.fma(VC52, s1i.fma(VC51, a0i));
        FloatVector r2r = s2r.fma(VC51, s1r.fma(VC52, a0r));
        FloatVector r2i = s2i.fma(VC51, s1i.fma(VC52, a0i));
        FloatVector i1r = d2r.fma(VS52, d1r.mul(S51));
        FloatVector i1i = d2i.fma(VS52, d1i.mul(S51));
        FloatVector i2r = d2r.fma(VNS51, d1r.mul(S52));
        FloatVector i2i = d2i.fma(VNS51, d1i.mul(S52));
        a0r.add(s1r).add(s2r).intoArray(yr, o);
        a0i.add(s1i).add(s2i).intoArray(yi, o);
        FloatVector b1r = r1r.add(i1i);
        FloatVector b1i = r1i.sub(i1r);
        b1r.mul(twr[t]).sub(b1i.mul(twi[t])).intoArray(yr, o + e);
        b1r.mul(twi[t]).add(b1i.mul(twr[t])).intoArray(yi, o + e);
        FloatVector b2r = r2r.add(i2i);
        FloatVector b2i = r2i.sub(i2r);
        b2r.mul(twr[t + 1]).sub(b2i.mul(twi[t + 1])).intoArray(yr, o + 2 * e);
        b2r.mul(twi[t + 1]).add(b2i.mul(twr[t + 1])).intoArray(yi, o + 2 * e);
        FloatVector b3r = r2r.sub(i2i);
        FloatVector b3i = r2i.add(i2r);
        b3r.mul(twr[t + 2]).sub(b3i.mul(twi[t + 2])).intoArray(yr, o + 3 * e);
        b3r.mul(twi[t + 2]).add(b3i.mul(twr[t + 2])).intoArray(yi, o + 3 * e);
        FloatVector b4r = r1r.sub(i1i);
        FloatVector b4i = r1i.add(i1r);
        b4r.mul(twr[t + 3]).sub(b4i.mul(twi[t + 3])).intoArray(yr, o + 4 * e);
        b4r.mul(twi[t + 3]).add(b4i.mul(twr[t + 3])).intoArray(yi, o + 4 * e);
    }

    private static void butterfly7(float[] xr, float[] xi, int i0, int d, float[] yr, float[] yi, int o, int e,
                                   float[] twr, float[] twi, int t) {
        FloatVector a0r = FloatVector.fromArray(S, xr, i0);
        FloatVector a0i = FloatVector.fromArray(S, xi, i0);
        FloatVector a1r = FloatVector.fromArray(S, xr, i0 + d);
        FloatVector a1i = FloatVector.fromArray(S, xi, i0 + d);
        FloatVector a6r = FloatVector.fromArray(S, xr, i0 + 6 * d);
        FloatVector a6i = FloatVector.fromArray(S, xi, i0 + 6 * d);
        FloatVector s1r = a1r.add(a6r);
        FloatVector s1i = a1i.add(a6i);
        FloatVector d1r = a1r.sub(a6r);
        FloatVector d1i = a1i.sub(a6i);
        FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * d);
        FloatVector a2i = FloatVector.fromArray(S, xi, i0 + 2 * d);
        FloatVector a5r = FloatVector.fromArray(S, xr, i0 + 5 * d);
        FloatVector a5i = FloatVector.fromArray(S, xi, i0 + 5 * d);
        FloatVector s2r = a2r.add(a5r);
        FloatVector s2i = a2i.add(a5i);
        FloatVector d2r = a2r.sub(a5r);
        FloatVector d2i = a2i.sub(a5i);
        FloatVector a3r = FloatVector.fromArray(S, xr, i0 + 3 * d);
        FloatVector a3i = FloatVector.fromArray(S, xi, i0 + 3 * d);
        FloatVector a4r = FloatVector.fromArray(S, xr, i0 + 4 * d);
        FloatVector a4i = FloatVector.fromArray(S, xi, i0 + 4 * d);
        FloatVector s3r = a3r.add(a4r);
        FloatVector s3i = a3i.add(a4i);
        FloatVector d3r = a3r.sub(a4r);
        FloatVector d3i = a3i.sub(a4i);
        FloatVector r1r = s3r.fma(VC73, s2r.fma(VC72, s1r.fma(VC71, a0r)));
        FloatVector r1i = s3i.fma(VC73, s2i.fma(VC72, s1i.fma(VC71, a0i)));
        FloatVector r2r = s3r.fma(VC71, s2r.fma(VC73, s1r.fma(VC72, a0r)));
        FloatVector r2i = s3i.fma(VC71, s2i.fma(VC73, s1i.fma(VC72, a0i)));
        FloatVector r3r = s3r.fma(VC72, s2r.fma(VC71, s1r.fma(VC73, a0r)));
        FloatVector r3i = s3i.fma(VC72, s2i.fma(VC71, s1i.fma(VC73, a0i)));
        FloatVector i1r = d3r.fma(VS73, d2r.fma(VS72, d1r.mul(S71)));
        FloatVector i1i = d3i.fma(VS73, d2i.fma(VS72, d1i.mul(S71)));
        FloatVector i2r = d3r.fma(VNS71, d2r.fma(VNS73, d1r.mul(S72)));
        FloatVector i2i = d3i.fma(VNS71, d2i.fma(VNS73, d1i.mul(S72)));
        FloatVector i3r = d3r.fma(VS72, d2r.fma(VNS71, d1r.mul(S73)));
        FloatVector i3i = d3i.fma(VS72, d2i.fma(VNS71, d1i.mul(S73)));
        a0r.add(s1r).add(s2r).add(s3r).intoArray(yr, o);
        a0i.add(s1i).add(s2i).add(s3i).intoArray(yi, o);
        FloatVector b1r = r1r.add(i1i);
        FloatVector b1i = r1i.sub(i1r);
        b1r.mul(twr[t]).sub(b1i.mul(twi[t])).intoArray(yr, o + e);
        b1r.mul(twi[t]).add(b1i.mul(twr[t])).intoArray(yi, o + e);
        FloatVector b2r = r2r.add(i2i);
        FloatVector b2i = r2i.sub(i2r);
        b2r.mul(twr[t + 1]).sub(b2i.mul(twi[t + 1])).intoArray(yr, o + 2 * e);
        b2r.mul(twi[t + 1]).add(b2i.mul(twr[t + 1])).intoArray(yi, o + 2 * e);
        FloatVector b3r = r3r.add(i3i);
        FloatVector b3i = r3i.sub(i3r);
        b3r.mul(twr[t + 2]).sub(b3i.mul(twi[t + 2])).intoArray(yr, o + 3 * e);
        b3r.mul(twi[t + 2]).add(b3i.mul(twr[t + 2])).intoArray(yi, o + 3 * e);
        FloatVector b4r = r3r.sub(i3i);
        FloatVector b4i = r3i.add(i3r);
        b4r.mul(twr[t + 3]).sub(b4i.mul(twi[t + 3])).intoArray(yr, o + 4 * e);
        b4r.mul(twi[t + 3]).add(b4i.mul(twr[t + 3])).intoArray(yi, o + 4 * e);
        FloatVector b5r = r2r.sub(i2i);
        FloatVector b5i = r2i.add(i2r);
        b5r.mul(twr[t + 4]).sub(b5i.mul(twi[t + 4])).intoArray(yr, o + 5 * e);
        b5r.mul(twi[t + 4]).add(b5i.mul(twr[t + 4])).intoArray(yi, o + 5 * e);
        FloatVector b6r = r1r.sub(i1i);
        FloatVector b6i = r1i.add(i1r);
        b6r.mul(twr[t + 5]).sub(b6i.mul(twi[t + 5])).intoArray(yr, o + 6 * e);
        b6r.mul(twi[t + 5]).add(b6i.mul(twr[t + 5])).intoArray(yi, o + 6 * e);
    }
}
