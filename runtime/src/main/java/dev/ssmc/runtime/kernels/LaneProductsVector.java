package dev.ssmc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link LaneProducts}: one vector of lanes at a time, its sum over the
 * contracted offsets kept in registers. Each method handles whole vectors and returns where the
 * scalar tail starts.
 */
final class LaneProductsVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();

    private LaneProductsVector() {
    }

    static int real(int len, float[] x, int xo, int[] xk, float[] y, int yo, int[] yk, float[] z, int zo) {
        int end = len - len % W;
        for (int i = 0; i < end; i += W) {
            FloatVector s = FloatVector.zero(S);
            for (int k = 0; k < xk.length; k++) {
                s = FloatVector.fromArray(S, x, xo + xk[k] + i).fma(FloatVector.fromArray(S, y, yo + yk[k] + i), s);
            }
            s.intoArray(z, zo + i);
        }
        return end;
    }

    static int complex(int len, float[] xRe, float[] xIm, int xo, int[] xk, float[] yRe, float[] yIm, int yo,
                       int[] yk, float[] zRe, float[] zIm, int zo) {
        int end = len - len % W;
        if (zIm == null) {
            for (int i = 0; i < end; i += W) {
                FloatVector rr = FloatVector.zero(S);
                FloatVector ii = FloatVector.zero(S);
                for (int k = 0; k < xk.length; k++) {
                    int xi = xo + xk[k] + i;
                    int yi = yo + yk[k] + i;
                    rr = FloatVector.fromArray(S, xRe, xi).fma(FloatVector.fromArray(S, yRe, yi), rr);
                    ii = FloatVector.fromArray(S, xIm, xi).fma(FloatVector.fromArray(S, yIm, yi), ii);
                }
                rr.sub(ii).intoArray(zRe, zo + i);
            }
            return end;
        }
        for (int i = 0; i < end; i += W) {
            FloatVector rr = FloatVector.zero(S);
            FloatVector ii = FloatVector.zero(S);
            FloatVector ri = FloatVector.zero(S);
            FloatVector ir = FloatVector.zero(S);
            for (int k = 0; k < xk.length; k++) {
                int xi = xo + xk[k] + i;
                int yi = yo + yk[k] + i;
                FloatVector ar = FloatVector.fromArray(S, xRe, xi);
                FloatVector ai = FloatVector.fromArray(S, xIm, xi);
                FloatVector br = FloatVector.fromArray(S, yRe, yi);
                FloatVector bi = FloatVector.fromArray(S, yIm, yi);
                rr = ar.fma(br, rr);
                ii = ai.fma(bi, ii);
                ri = ar.fma(bi, ri);
                ir = ai.fma(br, ir);
            }
            rr.sub(ii).intoArray(zRe, zo + i);
            ri.add(ir).intoArray(zIm, zo + i);
        }
        return end;
    }
}
