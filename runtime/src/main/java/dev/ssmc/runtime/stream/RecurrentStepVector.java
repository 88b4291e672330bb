package dev.ssmc.runtime.stream;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link RecurrentSsmFrames}: whole vectors of lanes; each method returns
 * the first lane it left to the scalar code. Only loaded when an instance takes its vector path,
 * so a JVM without the module never links against it.
 *
 * <p>The complex update {@code x' = a x + v} is two FMAs per part:
 * {@code re = ar xr + (-ai xi + v)}, {@code im = ar xi + ai xr}. Output sums run in two
 * accumulators where a loop is long, so consecutive FMAs do not wait on each other.
 */
final class RecurrentStepVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();

    private RecurrentStepVector() {
    }

    /** The lanes of {@code count} that whole vectors cover. */
    static int covered(int count) {
        return count - count % W;
    }

    /** dws over whole vectors of channels: states {@code [k][c]}, {@code y[c] = sum_k e x_r}. */
    static int dws(int cin, int n, float[] ar, float[] ai, float[] xr, float[] xi, float[] e, float[] u, int uo,
                   float[] y, int yo) {
        int c = 0;
        for (; c + W <= cin; c += W) {
            FloatVector in = FloatVector.fromArray(S, u, uo + c);
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            int k = 0;
            for (; k + 1 < n; k += 2) {
                acc0 = update(ar, ai, xr, xi, e, k * cin + c, in, acc0);
                acc1 = update(ar, ai, xr, xi, e, (k + 1) * cin + c, in, acc1);
            }
            if (k < n) {
                acc0 = update(ar, ai, xr, xi, e, k * cin + c, in, acc0);
            }
            acc0.add(acc1).intoArray(y, yo + c);
        }
        return c;
    }

    /**
     * full over whole vectors of output channels: states {@code [q][d]} with {@code q = c*N + k},
     * {@code y[d] = sum_q e x_r}; {@code uq[q]} is the input channel feeding {@code q}. One flat
     * loop over {@code q} rather than nested loops over {@code c} and {@code k}: C2 (JDK 17) keeps
     * the accumulators in registers across one loop level but boxes vectors that are carried
     * through a nested loop's phis, which would allocate on every step.
     */
    static int full(int pairs, int cout, float[] ar, float[] ai, float[] xr, float[] xi, float[] e, float[] uq,
                    float[] y, int yo) {
        int d = 0;
        for (; d + W <= cout; d += W) {
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            int q = 0;
            for (; q + 1 < pairs; q += 2) {
                acc0 = update(ar, ai, xr, xi, e, q * cout + d, FloatVector.broadcast(S, uq[q]), acc0);
                acc1 = update(ar, ai, xr, xi, e, (q + 1) * cout + d, FloatVector.broadcast(S, uq[q + 1]), acc1);
            }
            if (q < pairs) {
                acc0 = update(ar, ai, xr, xi, e, q * cout + d, FloatVector.broadcast(S, uq[q]), acc0);
            }
            acc0.add(acc1).intoArray(y, yo + d);
        }
        return d;
    }

    /** One vector of states at {@code i}: {@code x = a x + in}, stored; returns {@code acc + e * x_r}. */
    private static FloatVector update(float[] ar, float[] ai, float[] xr, float[] xi, float[] e, int i, FloatVector in,
                                      FloatVector acc) {
        FloatVector pr = FloatVector.fromArray(S, ar, i);
        FloatVector pi = FloatVector.fromArray(S, ai, i);
        FloatVector sr = FloatVector.fromArray(S, xr, i);
        FloatVector si = FloatVector.fromArray(S, xi, i);
        FloatVector nr = pr.fma(sr, pi.neg().fma(si, in));
        FloatVector ni = pr.fma(si, pi.mul(sr));
        nr.intoArray(xr, i);
        ni.intoArray(xi, i);
        return FloatVector.fromArray(S, e, i).fma(nr, acc);
    }

    /** s5 over whole vectors of states: {@code v = Bhat u} ({@code b} as {@code [c][s]}), {@code x = a x + v}. */
    static int s5Update(int cin, int states, float[] ar, float[] ai, float[] xr, float[] xi, float[] b, float[] v,
                        float[] u, int uo) {
        int s = 0;
        for (; s + W <= states; s += W) {
            FloatVector in = FloatVector.zero(S);
            for (int c = 0; c < cin; c++) {
                in = FloatVector.fromArray(S, b, c * states + s).fma(FloatVector.broadcast(S, u[uo + c]), in);
            }
            FloatVector pr = FloatVector.fromArray(S, ar, s);
            FloatVector pi = FloatVector.fromArray(S, ai, s);
            FloatVector sr = FloatVector.fromArray(S, xr, s);
            FloatVector si = FloatVector.fromArray(S, xi, s);
            pr.fma(sr, pi.neg().fma(si, in)).intoArray(xr, s);
            pr.fma(si, pi.mul(sr)).intoArray(xi, s);
        }
        return s;
    }

    /** s5 over whole vectors of output channels: {@code y = C x_r} ({@code c} as {@code [s][d]}). */
    static int s5Out(int states, int cout, float[] xr, float[] c, float[] y, int yo) {
        int d = 0;
        for (; d + W <= cout; d += W) {
            FloatVector acc0 = FloatVector.zero(S);
            FloatVector acc1 = FloatVector.zero(S);
            int s = 0;
            for (; s + 1 < states; s += 2) {
                acc0 = FloatVector.fromArray(S, c, s * cout + d).fma(FloatVector.broadcast(S, xr[s]), acc0);
                acc1 = FloatVector.fromArray(S, c, (s + 1) * cout + d).fma(FloatVector.broadcast(S, xr[s + 1]), acc1);
            }
            if (s < states) {
                acc0 = FloatVector.fromArray(S, c, s * cout + d).fma(FloatVector.broadcast(S, xr[s]), acc0);
            }
            acc0.add(acc1).intoArray(y, yo + d);
        }
        return d;
    }

    /**
     * neck, the first {@code count} states (whole vectors) of the block at {@code base}:
     * {@code x = a x + E v}; returns {@code sum x_r} over them.
     */
    static float neckBlock(int base, int count, float vj, float[] ar, float[] ai, float[] xr, float[] xi, float[] e) {
        FloatVector in = FloatVector.broadcast(S, vj);
        FloatVector acc = FloatVector.zero(S);
        for (int k = 0; k < count; k += W) {
            int i = base + k;
            FloatVector pr = FloatVector.fromArray(S, ar, i);
            FloatVector pi = FloatVector.fromArray(S, ai, i);
            FloatVector sr = FloatVector.fromArray(S, xr, i);
            FloatVector si = FloatVector.fromArray(S, xi, i);
            FloatVector nr = pr.fma(sr, pi.neg().fma(si, FloatVector.fromArray(S, e, i).mul(in)));
            pr.fma(si, pi.mul(sr)).intoArray(xi, i);
            nr.intoArray(xr, i);
            acc = acc.add(nr);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
