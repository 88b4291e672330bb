package dev.ssmc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link Scan}: lanes in vectors, states in registers for the whole run.
 * Only loaded when a kernel takes its vector path.
 */
final class ScanVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();

    private ScanVector() {
    }

    /** Lanes of a pair of vectors, which the register path follows together. */
    static final int PAIR = 2 * W;

    /**
     * Above this many lanes a range is swept step by step across all its lanes, states in memory:
     * following a few vectors of lanes down the whole length instead (states in registers) reads
     * and writes one short piece of every row, a row apart, which defeats the prefetcher once rows
     * are long (512 lanes over 4096 steps: 1.19 ms against 0.53 ms swept).
     */
    static final int SWEEP_LANES = 4 * PAIR;

    /** Runs whole vectors of lanes {@code [from, to)}; returns the first lane left to the scalar tail. */
    static int run(int from, int to, int lanes, int length, float[] dRe, float[] dIm, float[] vRe, float[] vIm,
                   int vOff, float[] xRe, float[] xIm, float[] outRe, float[] outIm, int outOff, boolean reverse) {
        if (to - from > SWEEP_LANES) {
            return sweep(from, to, lanes, length, dRe, dIm, vRe, vIm, vOff, xRe, xIm, outRe, outIm, outOff, reverse);
        }
        int s = from;
        for (; s + 2 * W <= to; s += 2 * W) {
            pair(s, lanes, length, dRe, dIm, vRe, vIm, vOff, xRe, xIm, outRe, outIm, outOff, reverse);
        }
        for (; s + W <= to; s += W) {
            single(s, lanes, length, dRe, dIm, vRe, vIm, vOff, xRe, xIm, outRe, outIm, outOff, reverse);
        }
        return s;
    }

    /** Step by step, every whole vector of lanes in {@code [from, to)}, the states read and written in {@code xRe/xIm}. */
    private static int sweep(int from, int to, int lanes, int length, float[] dRe, float[] dIm, float[] vRe,
                             float[] vIm, int vOff, float[] xRe, float[] xIm, float[] outRe, float[] outIm, int outOff,
                             boolean reverse) {
        int end = from + (to - from) / W * W;
        FloatVector zero = FloatVector.zero(S);
        for (int n = 0; n < length; n++) {
            int t = reverse ? length - 1 - n : n;
            int v = vOff + t * lanes;
            int o = outOff + t * lanes;
            for (int s = from; s < end; s += W) {
                FloatVector dr = FloatVector.fromArray(S, dRe, s);
                FloatVector di = dIm == null ? zero : FloatVector.fromArray(S, dIm, s);
                FloatVector xr = FloatVector.fromArray(S, xRe, s);
                FloatVector xi = FloatVector.fromArray(S, xIm, s);
                FloatVector vr = FloatVector.fromArray(S, vRe, v + s);
                FloatVector vi = vIm == null ? zero : FloatVector.fromArray(S, vIm, v + s);
                // x' = x + (d x + v), d = a - 1: re = xr + (dr xr - di xi + vr), im = xi + (dr xi + di xr + vi)
                FloatVector nr = xr.add(dr.fma(xr, di.neg().fma(xi, vr)));
                FloatVector ni = xi.add(dr.fma(xi, di.fma(xr, vi)));
                nr.intoArray(xRe, s);
                ni.intoArray(xIm, s);
                if (outRe != null) {
                    nr.intoArray(outRe, o + s);
                }
                if (outIm != null) {
                    ni.intoArray(outIm, o + s);
                }
            }
        }
        return end;
    }

    /** Two vectors of lanes: two independent dependency chains per step. */
    private static void pair(int s, int lanes, int length, float[] dRe, float[] dIm, float[] vRe, float[] vIm,
                             int vOff, float[] xRe, float[] xIm, float[] outRe, float[] outIm, int outOff,
                             boolean reverse) {
        int s1 = s + W;
        FloatVector zero = FloatVector.zero(S);
        FloatVector dr0 = FloatVector.fromArray(S, dRe, s);
        FloatVector dr1 = FloatVector.fromArray(S, dRe, s1);
        FloatVector di0 = dIm == null ? zero : FloatVector.fromArray(S, dIm, s);
        FloatVector di1 = dIm == null ? zero : FloatVector.fromArray(S, dIm, s1);
        FloatVector ndi0 = di0.neg();
        FloatVector ndi1 = di1.neg();
        FloatVector xr0 = FloatVector.fromArray(S, xRe, s);
        FloatVector xr1 = FloatVector.fromArray(S, xRe, s1);
        FloatVector xi0 = FloatVector.fromArray(S, xIm, s);
        FloatVector xi1 = FloatVector.fromArray(S, xIm, s1);
        int step = reverse ? -lanes : lanes;
        int v = vOff + (reverse ? length - 1 : 0) * lanes + s;
        int o = outOff + (reverse ? length - 1 : 0) * lanes + s;
        for (int n = 0; n < length; n++, v += step, o += step) {
            FloatVector vr0 = FloatVector.fromArray(S, vRe, v);
            FloatVector vr1 = FloatVector.fromArray(S, vRe, v + W);
            FloatVector vi0 = vIm == null ? zero : FloatVector.fromArray(S, vIm, v);
            FloatVector vi1 = vIm == null ? zero : FloatVector.fromArray(S, vIm, v + W);
            // x' = x + (d x + v), d = a - 1: see sweep
            FloatVector nr0 = xr0.add(dr0.fma(xr0, ndi0.fma(xi0, vr0)));
            FloatVector ni0 = xi0.add(dr0.fma(xi0, di0.fma(xr0, vi0)));
            FloatVector nr1 = xr1.add(dr1.fma(xr1, ndi1.fma(xi1, vr1)));
            FloatVector ni1 = xi1.add(dr1.fma(xi1, di1.fma(xr1, vi1)));
            xr0 = nr0;
            xi0 = ni0;
            xr1 = nr1;
            xi1 = ni1;
            if (outRe != null) {
                nr0.intoArray(outRe, o);
                nr1.intoArray(outRe, o + W);
            }
            if (outIm != null) {
                ni0.intoArray(outIm, o);
                ni1.intoArray(outIm, o + W);
            }
        }
        xr0.intoArray(xRe, s);
        xr1.intoArray(xRe, s1);
        xi0.intoArray(xIm, s);
        xi1.intoArray(xIm, s1);
    }

    private static void single(int s, int lanes, int length, float[] dRe, float[] dIm, float[] vRe, float[] vIm,
                               int vOff, float[] xRe, float[] xIm, float[] outRe, float[] outIm, int outOff,
                               boolean reverse) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector dr = FloatVector.fromArray(S, dRe, s);
        FloatVector di = dIm == null ? zero : FloatVector.fromArray(S, dIm, s);
        FloatVector ndi = di.neg();
        FloatVector xr = FloatVector.fromArray(S, xRe, s);
        FloatVector xi = FloatVector.fromArray(S, xIm, s);
        int step = reverse ? -lanes : lanes;
        int v = vOff + (reverse ? length - 1 : 0) * lanes + s;
        int o = outOff + (reverse ? length - 1 : 0) * lanes + s;
        for (int n = 0; n < length; n++, v += step, o += step) {
            FloatVector vr = FloatVector.fromArray(S, vRe, v);
            FloatVector vi = vIm == null ? zero : FloatVector.fromArray(S, vIm, v);
            FloatVector nr = xr.add(dr.fma(xr, ndi.fma(xi, vr)));
            FloatVector ni = xi.add(dr.fma(xi, di.fma(xr, vi)));
            xr = nr;
            xi = ni;
            if (outRe != null) {
                nr.intoArray(outRe, o);
            }
            if (outIm != null) {
                ni.intoArray(outIm, o);
            }
        }
        xr.intoArray(xRe, s);
        xi.intoArray(xIm, s);
    }
}
