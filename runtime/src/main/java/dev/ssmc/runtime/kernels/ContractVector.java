package dev.ssmc.runtime.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API path of {@link Contract}'s broadcast products: both operands either contiguous
 * (stride 1) or constant (stride 0) along the output row. Only loaded when a kernel takes its
 * vector path. Each method handles whole vectors and returns where the scalar tail starts.
 */
final class ContractVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();

    private ContractVector() {
    }

    private static FloatVector load(float[] x, int base, int stride, int i) {
        return stride == 0 ? FloatVector.broadcast(S, x[base]) : FloatVector.fromArray(S, x, base + i);
    }

    static int mul(int len, float[] x, int xo, int sx, float[] y, int yo, int sy, float[] o, int oo) {
        int end = len - len % W;
        for (int i = 0; i < end; i += W) {
            load(x, xo, sx, i).mul(load(y, yo, sy, i)).intoArray(o, oo + i);
        }
        return end;
    }

    static int mul2(int len, float[] x1, float[] y1, float[] x2, float[] y2, float sign, int xo, int sx, int yo,
                    int sy, float[] o, int oo) {
        int end = len - len % W;
        for (int i = 0; i < end; i += W) {
            FloatVector second = load(x2, xo, sx, i).mul(load(y2, yo, sy, i));
            FloatVector first = load(x1, xo, sx, i).mul(load(y1, yo, sy, i));
            (sign < 0 ? first.sub(second) : first.add(second)).intoArray(o, oo + i);
        }
        return end;
    }
}
