package dev.ssmc.runtime.stream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API paths of the stream nodes ({@link RecurrentSsmFrames}'s steps, {@link SsmFrames}'s
 * pointwise conv): whole vectors of lanes; each method returns the first lane it left to the scalar
 * code. Only loaded when a node takes its vector path, so a JVM without the module never links
 * against it.
 *
 * <p>The complex update {@code x' = a x + v} is taken as {@code x + ((a - 1) x + v)}, with
 * {@code d = a - 1} given ({@link RecurrentSsmFrames} says why): two FMAs and an add per part,
 * {@code re = xr + (dr xr + (-di xi + v))}, {@code im = xi + (dr xi + di xr)}. Sums that are the whole work of
 * a loop (the matrix-vector products) run in several accumulators, so consecutive FMAs do not
 * wait on each other; where a state update dominates each iteration one accumulator keeps up.
 *
 * <p>Two shapes make C2 (JDK 17) box vectors, that is allocate on every step, and are avoided:
 * a vector passed to a method call it does not inline (a helper called from a cold remainder
 * branch is enough: escape analysis is flow-insensitive, so the vector escapes in the hot loop
 * too), and a vector accumulated through two levels of loops. Each kernel is written out in one
 * method, accumulating in one loop level; the no-allocation test checks it.
 */
final class StreamVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();

    private StreamVector() {
    }

    /** The lanes of {@code count} that whole vectors cover. */
    static int covered(int count) {
        return count - count % W;
    }

    /** dws over whole vectors of channels: states {@code [k][c]}, {@code y[c] = sum_k e x_r}. */
    static int dws(int cin, int n, float[] dr, float[] di, float[] xr, float[] xi, float[] e, float[] u, int uo,
                   float[] y, int yo) {
        int c = 0;
        for (; c + W <= cin; c += W) {
            FloatVector in = FloatVector.fromArray(S, u, uo + c);
            FloatVector acc = FloatVector.zero(S);
            for (int k = 0; k < n; k++) {
                int i = k * cin + c;
                FloatVector pr = FloatVector.fromArray(S, dr, i);
                FloatVector pi = FloatVector.fromArray(S, di, i);
                FloatVector sr = FloatVector.fromArray(S, xr, i);
                FloatVector si = FloatVector.fromArray(S, xi, i);
                FloatVector nr = sr.add(pr.fma(sr, pi.neg().fma(si, in)));
                si.add(pr.fma(si, pi.mul(sr))).intoArray(xi, i);
                nr.intoArray(xr, i);
                acc = FloatVector.fromArray(S, e, i).fma(nr, acc);
            }
            acc.intoArray(y, yo + c);
        }
        return c;
    }

    /**
     * full over whole vectors of output channels: states {@code [q][d]} with {@code q = c*N + k},
     * {@code y[d] = sum_q e x_r}; {@code uq[q]} is the input channel feeding {@code q}. One flat
     * loop over {@code q} rather than nested loops over {@code c} and {@code k}: C2 (JDK 17) boxes
     * an accumulator carried through the phis of two loop levels, on every iteration.
     */
    static int full(int pairs, int cout, float[] dr, float[] di, float[] xr, float[] xi, float[] e, float[] uq,
                    float[] y, int yo) {
        int d = 0;
        for (; d + W <= cout; d += W) {
            FloatVector acc = FloatVector.zero(S);
            for (int q = 0; q < pairs; q++) {
                int i = q * cout + d;
                FloatVector in = FloatVector.broadcast(S, uq[q]);
                FloatVector pr = FloatVector.fromArray(S, dr, i);
                FloatVector pi = FloatVector.fromArray(S, di, i);
                FloatVector sr = FloatVector.fromArray(S, xr, i);
                FloatVector si = FloatVector.fromArray(S, xi, i);
                FloatVector nr = sr.add(pr.fma(sr, pi.neg().fma(si, in)));
                si.add(pr.fma(si, pi.mul(sr))).intoArray(xi, i);
                nr.intoArray(xr, i);
                acc = FloatVector.fromArray(S, e, i).fma(nr, acc);
            }
            acc.intoArray(y, yo + d);
        }
        return d;
    }

    /**
     * s5 over whole vectors of states: {@code v = Bhat u} ({@code b} as {@code [c][s]}) in two
     * accumulators (even and odd input channels, halving the FMA latency chain), then
     * {@code x = a x + v}.
     */
    static int s5Update(int cin, int states, float[] dr, float[] di, float[] xr, float[] xi, float[] b, float[] v,
                        float[] u, int uo) {
        int s = 0;
        for (; s + W <= states; s += W) {
            FloatVector in0 = FloatVector.zero(S);
            FloatVector in1 = FloatVector.zero(S);
            int c = 0;
            for (; c + 1 < cin; c += 2) {
                in0 = FloatVector.fromArray(S, b, c * states + s).fma(FloatVector.broadcast(S, u[uo + c]), in0);
                in1 = FloatVector.fromArray(S, b, (c + 1) * states + s).fma(FloatVector.broadcast(S, u[uo + c + 1]), in1);
            }
            if (c < cin) {
                in0 = FloatVector.fromArray(S, b, c * states + s).fma(FloatVector.broadcast(S, u[uo + c]), in0);
            }
            FloatVector in = in0.add(in1);
            FloatVector pr = FloatVector.fromArray(S, dr, s);
            FloatVector pi = FloatVector.fromArray(S, di, s);
            FloatVector sr = FloatVector.fromArray(S, xr, s);
            FloatVector si = FloatVector.fromArray(S, xi, s);
            sr.add(pr.fma(sr, pi.neg().fma(si, in))).intoArray(xr, s);
            si.add(pr.fma(si, pi.mul(sr))).intoArray(xi, s);
        }
        return s;
    }

    /**
     * A matrix-vector product over whole vectors of output lanes:
     * {@code y[yo + d] = sum_k w[k*cout + d] x[xo + k]} (s5's {@code y = C x_r}, dws's pointwise
     * conv), the broadcast {@code x[k]} times a row of {@code w}, in four accumulators so the FMAs
     * overlap.
     */
    static int matVec(int k, int cout, float[] x, int xo, float[] w, float[] y, int yo) {
        int d = 0;
        for (; d + W <= cout; d += W) {
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            FloatVector acc2 = FloatVector.zero(S);
            FloatVector acc3 = FloatVector.zero(S);
            int s = 0;
            for (; s + 3 < k; s += 4) {
                acc0 = FloatVector.fromArray(S, w, s * cout + d).fma(FloatVector.broadcast(S, x[xo + s]), acc0);
                acc1 = FloatVector.fromArray(S, w, (s + 1) * cout + d).fma(FloatVector.broadcast(S, x[xo + s + 1]), acc1);
                acc2 = FloatVector.fromArray(S, w, (s + 2) * cout + d).fma(FloatVector.broadcast(S, x[xo + s + 2]), acc2);
                acc3 = FloatVector.fromArray(S, w, (s + 3) * cout + d).fma(FloatVector.broadcast(S, x[xo + s + 3]), acc3);
            }
            for (; s < k; s++) {
                acc0 = FloatVector.fromArray(S, w, s * cout + d).fma(FloatVector.broadcast(S, x[xo + s]), acc0);
            }
            acc0.add(acc1).add(acc2.add(acc3)).intoArray(y, yo + d);
        }
        return d;
    }

    /**
     * neck, the first {@code count} states (whole vectors) of the block at {@code base}:
     * {@code x = a x + E v}; returns {@code sum x_r} over them.
     */
    static float neckBlock(int base, int count, float vj, float[] dr, float[] di, float[] xr, float[] xi, float[] e) {
        FloatVector in = FloatVector.broadcast(S, vj);
        FloatVector acc = FloatVector.zero(S);
        for (int k = 0; k < count; k += W) {
            int i = base + k;
            FloatVector pr = FloatVector.fromArray(S, dr, i);
            FloatVector pi = FloatVector.fromArray(S, di, i);
            FloatVector sr = FloatVector.fromArray(S, xr, i);
            FloatVector si = FloatVector.fromArray(S, xi, i);
            FloatVector nr = sr.add(pr.fma(sr, pi.neg().fma(si, FloatVector.fromArray(S, e, i).mul(in))));
            si.add(pr.fma(si, pi.mul(sr))).intoArray(xi, i);
            nr.intoArray(xr, i);
            acc = acc.add(nr);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * Eval batch norm of {@code frames} frames, {@code (x - mean) * scale + shift} rounded after each
     * operation as the scalar loop rounds it, then with {@code relu} the relu ({@code max(v, 0)}, as
     * {@code Math.max}) in the same pass, over the whole vectors of each frame's {@code cs}
     * channels; returns the first channel left.
     */
    static int batchNorm(int frames, int cs, float[] x, int xo, float[] mean, float[] scale, float[] shift,
                         boolean relu, float[] y, int yo) {
        int upper = covered(cs);
        FloatVector zero = FloatVector.zero(S);
        for (int f = 0; f < frames; f++) {
            int i = xo + f * cs;
            int o = yo + f * cs;
            for (int c = 0; c < upper; c += W) {
                FloatVector v = FloatVector.fromArray(S, x, i + c).sub(FloatVector.fromArray(S, mean, c))
                        .mul(FloatVector.fromArray(S, scale, c)).add(FloatVector.fromArray(S, shift, c));
                (relu ? v.max(zero) : v).intoArray(y, o + c);
            }
        }
        return upper;
    }

    /** Zeroes the values of {@code a} smaller in magnitude than {@code tiny} over whole vectors; returns the first index left. */
    static int flushTiny(float[] a, float tiny) {
        int i = 0;
        for (; i + W <= a.length; i += W) {
            FloatVector v = FloatVector.fromArray(S, a, i);
            v.blend(0f, v.abs().compare(VectorOperators.LT, tiny)).intoArray(a, i);
        }
        return i;
    }
}
