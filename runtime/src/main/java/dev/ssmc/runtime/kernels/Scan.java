package dev.ssmc.runtime.kernels;

/**
 * Independent complex linear recurrences (the recurrent form of an SSM), many lanes at once.
 *
 * <p>For every lane {@code s < lanes}: {@code x = a[s] * x + v[t]} for {@code t = 0..length-1}
 * (with {@code reverse}, for {@code t = length-1..0}: the anti-causal {@code x_t = a x_{t+1} + v_t}
 * of a backward pass), writing each new {@code x} to {@code out[t]}. Complex values are split
 * arrays; layouts are time-major, {@code v[vOff + t*lanes + s]} and {@code out[outOff + t*lanes + s]},
 * so a time step of all lanes is contiguous. {@code xRe/xIm[s]} hold the state before the first
 * step and receive the state after the last, so a long sequence can be run in chunks.
 * The multiplier comes as its decay {@code d = a - 1} ({@code dRe}, and {@code dIm = Im a}) and a
 * step is {@code x + (d x + v)}: a slow state's {@code a} rounded to float would move its pole by
 * an ulp and its gain {@code 1 / (1 - a)} by 1e-4 of itself, its {@code a - 1} is exact to 6e-8 of
 * itself (see {@link SsmKernels#decayRe}), as in the streams' steps.
 * {@code vIm == null} is a real input, {@code dIm == null} a real multiplier; a null
 * {@code outRe} or {@code outIm} is not written. {@link #runReal} writes only {@code Re(x)}, the
 * common case where the real part is taken right away.
 *
 * <p>Why this shape: the recurrence is serial in time but independent across lanes, so the vector
 * path ({@code ScanVector}) keeps two vectors of lanes' states in registers for the whole run
 * (two dependency chains in flight hide the FMA latency) and streams {@code v} and {@code out};
 * the scalar path walks time steps with all lanes in the inner loop. Work per step: 4 multiplies
 * and 6 adds per lane (2 and 3 for a real multiplier). Float accumulation is stable for
 * {@code |a| <= 1}.
 */
public final class Scan {
    private Scan() {
    }

    public static void run(int lanes, int length, float[] dRe, float[] dIm, float[] vRe, float[] vIm, int vOff,
                           float[] xRe, float[] xIm, float[] outRe, float[] outIm, int outOff, boolean reverse) {
        if (VectorSupport.enabled()) {
            vector(lanes, length, dRe, dIm, vRe, vIm, vOff, xRe, xIm, outRe, outIm, outOff, reverse);
        } else {
            scalar(lanes, length, dRe, dIm, vRe, vIm, vOff, xRe, xIm, outRe, outIm, outOff, reverse);
        }
    }

    /** {@link #run} writing only the real part of each state to {@code out}. */
    public static void runReal(int lanes, int length, float[] dRe, float[] dIm, float[] vRe, float[] vIm, int vOff,
                               float[] xRe, float[] xIm, float[] out, int outOff, boolean reverse) {
        run(lanes, length, dRe, dIm, vRe, vIm, vOff, xRe, xIm, out, null, outOff, reverse);
    }

    static void vector(int lanes, int length, float[] dRe, float[] dIm, float[] vRe, float[] vIm, int vOff,
                       float[] xRe, float[] xIm, float[] outRe, float[] outIm, int outOff, boolean reverse) {
        check(lanes, length);
        // One thread: a scan moves a few bytes per flop, and two threads splitting the lanes of each
        // row ran a 512-lane, 4096-step scan at half the speed of one (1.2 ms against 0.53 ms).
        int done = ScanVector.run(0, lanes, lanes, length, dRe, dIm, vRe, vIm, vOff, xRe, xIm, outRe, outIm, outOff,
                reverse);
        if (done < lanes) {
            lanes(done, lanes, lanes, length, dRe, dIm, vRe, vIm, vOff, xRe, xIm, outRe, outIm, outOff, reverse);
        }
    }

    static void scalar(int lanes, int length, float[] dRe, float[] dIm, float[] vRe, float[] vIm, int vOff,
                       float[] xRe, float[] xIm, float[] outRe, float[] outIm, int outOff, boolean reverse) {
        check(lanes, length);
        for (int step = 0; step < length; step++) {
            int t = reverse ? length - 1 - step : step;
            int v = vOff + t * lanes;
            int o = outOff + t * lanes;
            for (int s = 0; s < lanes; s++) {
                float dr = dRe[s];
                float di = dIm == null ? 0f : dIm[s];
                float xr = xRe[s];
                float xi = xIm[s];
                float nr = xr + (dr * xr - di * xi + vRe[v + s]);
                float ni = xi + (dr * xi + di * xr + (vIm == null ? 0f : vIm[v + s]));
                xRe[s] = nr;
                xIm[s] = ni;
                if (outRe != null) {
                    outRe[o + s] = nr;
                }
                if (outIm != null) {
                    outIm[o + s] = ni;
                }
            }
        }
    }

    /** Lanes {@code [from, to)} one at a time with the state in locals (the vector path's tail). */
    static void lanes(int from, int to, int lanes, int length, float[] dRe, float[] dIm, float[] vRe, float[] vIm,
                      int vOff, float[] xRe, float[] xIm, float[] outRe, float[] outIm, int outOff, boolean reverse) {
        for (int s = from; s < to; s++) {
            float dr = dRe[s];
            float di = dIm == null ? 0f : dIm[s];
            float xr = xRe[s];
            float xi = xIm[s];
            for (int step = 0; step < length; step++) {
                int t = reverse ? length - 1 - step : step;
                int v = vOff + t * lanes + s;
                float nr = xr + (dr * xr - di * xi + vRe[v]);
                float ni = xi + (dr * xi + di * xr + (vIm == null ? 0f : vIm[v]));
                xr = nr;
                xi = ni;
                int o = outOff + t * lanes + s;
                if (outRe != null) {
                    outRe[o] = nr;
                }
                if (outIm != null) {
                    outIm[o] = ni;
                }
            }
            xRe[s] = xr;
            xIm[s] = xi;
        }
    }

    private static void check(int lanes, int length) {
        if (lanes < 0 || length < 0) {
            throw new IllegalArgumentException("negative scan size: lanes=" + lanes + ", length=" + length);
        }
    }
}
