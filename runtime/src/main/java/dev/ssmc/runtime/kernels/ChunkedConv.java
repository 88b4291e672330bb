package dev.ssmc.runtime.kernels;

import java.util.Arrays;

/**
 * Causal convolution with an SSM kernel, chunk by chunk ("chunked Toeplitz"): dense products
 * inside chunks of {@code T} samples, the states carried across chunk boundaries.
 *
 * <p>Groups {@code g < G} each own the states {@code s} in {@code [g*S, (g+1)*S)} with multiplier
 * {@code a[s]} (complex, or real with {@code aIm == null}) and output weight {@code w[s]} (complex, or
 * real with {@code wIm == null}).
 * The group's kernel is {@code K[g][l] = Re(sum_{s in g} w[s] a[s]^l)}; for each of its
 * {@code J} columns (e.g. the batch) the input {@code v[(g*J + j)*length + t]} gives the output
 * (same layout) {@code y[g][j][t] = sum_{l<=t} K[g][l] v[g][j][t-l]} + the carried-in state's
 * contribution. The carried state {@code h[(g*S + s)*J + j]} (split complex, in and out, null for a
 * zero state that is not returned) is the recurrence's state {@code h_t = a h_{t-1} + v_t} before
 * the first sample; on return it is the state after the last, so calls chain over a stream.
 *
 * <p>Per chunk starting at {@code t0} with {@code Tc <= T} samples, for every column:
 * <pre>
 *   y[t0+tau] = sum_{sigma<=tau} K[tau-sigma] v[t0+sigma]            (lower-triangular Toeplitz)
 *             + Re(sum_s w[s] a[s]^(tau+1) h[s])                       (the state from before)
 *   h[s]      = a[s]^Tc h[s] + sum_sigma a[s]^(Tc-1-sigma) v[t0+sigma]  (the state after)
 * </pre>
 * Why: an FFT convolution costs {@code O(L log L)} but needs the whole sequence; the recurrence is
 * {@code O(L S)} and serial; here the {@code O(L T)} Toeplitz part and the {@code O(L S)} state parts
 * are matrix products ({@link Gemm}, near peak) over all columns at once, and any chunk size works
 * (T = 1 is the recurrence; T >= length a single direct convolution). The Toeplitz product is done
 * in column blocks so the zero upper triangle is mostly skipped; with fewer than
 * {@value #GEMM_COLUMNS} columns it is a direct loop (building the matrix would cost as much).
 * Tables ({@code a^l}, the kernel) are made once per group and call, exactly ({@link SsmKernels#powers}).
 */
public final class ChunkedConv {
    /** From this many columns on, the in-chunk convolution is a matrix product. */
    static final int GEMM_COLUMNS = 4;
    /** Column block of the triangular Toeplitz product. */
    private static final int TRI_BLOCK = 64;

    private static final int POW_RE = 10;
    private static final int POW_IM = 11;
    private static final int KERNEL = 12;
    private static final int CARRY = 13;
    private static final int UPDATE = 14;
    private static final int TOEPLITZ = 15;
    private static final int NEW_STATE = 16;
    private static final int STATE_RE = 17;
    private static final int STATE_IM = 18;

    private ChunkedConv() {
    }

    /** See the class comment; {@code hRe}/{@code hIm} are both null or both given. */
    public static void run(int groups, int statesPerGroup, int columns, int length, int chunk,
                           float[] aRe, float[] aIm, float[] wRe, float[] wIm,
                           float[] v, float[] y, float[] hRe, float[] hIm) {
        run(groups, statesPerGroup, columns, length, chunk, aRe, aIm, wRe, wIm, v, y, hRe, hIm,
                VectorSupport.enabled());
    }

    static void run(int groups, int statesPerGroup, int columns, int length, int chunk,
                    float[] aRe, float[] aIm, float[] wRe, float[] wIm,
                    float[] v, float[] y, float[] hRe, float[] hIm, boolean vector) {
        check(groups, statesPerGroup, columns, length, chunk, aRe, aIm, wRe, wIm, v, y, hRe, hIm);
        int s = statesPerGroup;
        int j = columns;
        if (groups == 0 || j == 0 || length == 0) {
            return;
        }
        int t = Math.min(chunk, length);
        float[] powRe = Scratch.get(POW_RE, (long) s * (t + 1));
        float[] powIm = Scratch.get(POW_IM, (long) s * (t + 1));
        float[] kernel = Scratch.get(KERNEL, t);
        float[] carry = Scratch.get(CARRY, 2L * s * t);
        float[] update = Scratch.get(UPDATE, 2L * s * t);
        float[] newState = Scratch.get(NEW_STATE, 2L * s * j);
        float[] toeplitz = j >= GEMM_COLUMNS ? Scratch.get(TOEPLITZ, (long) t * t) : null;
        boolean keep = hRe != null;
        float[] stateRe = keep ? hRe : Scratch.get(STATE_RE, (long) s * j);
        float[] stateIm = keep ? hIm : Scratch.get(STATE_IM, (long) s * j);
        for (int g = 0; g < groups; g++) {
            tables(g, s, t, aRe, aIm, wRe, wIm, powRe, powIm, kernel, carry, update, toeplitz);
            int hOff = keep ? g * s * j : 0;
            if (!keep) {
                Arrays.fill(stateRe, 0, s * j, 0f);
                Arrays.fill(stateIm, 0, s * j, 0f);
            }
            int vBase = g * j * length;
            for (int t0 = 0; t0 < length; t0 += t) {
                int tc = Math.min(t, length - t0);
                // The chunk's own inputs.
                if (toeplitz != null) {
                    toeplitzProduct(j, tc, t, toeplitz, v, y, vBase + t0, length, vector);
                } else {
                    directConvolution(j, tc, kernel, v, y, vBase + t0, length);
                }
                boolean zeroState = !keep && t0 == 0;
                if (s == 0) {
                    continue;
                }
                // The state from before the chunk: y[j][tau] += sum_s hRe Q[s][tau] + hIm Q[S+s][tau].
                if (!zeroState) {
                    gemm(vector, j, tc, s, 1f, stateRe, hOff, 1, j, carry, 0, t, 1, y, vBase + t0, length, 1, true);
                    gemm(vector, j, tc, s, 1f, stateIm, hOff, 1, j, carry, s * t, t, 1, y, vBase + t0, length, 1, true);
                }
                if (!keep && t0 + tc >= length) {
                    break; // nobody wants the final state
                }
                // The state after: U[J][2S] = the chunk's inputs times [Re, Im] a^(Tc-1-sigma)
                // (rows sigma of the update table from T-Tc on; J rows of A so B is read in place).
                gemm(vector, j, 2 * s, tc, 1f, v, vBase + t0, length, 1, update, (t - tc) * 2 * s, 2 * s, 1,
                        newState, 0, 2 * s, 1, false);
                for (int q = 0; q < s; q++) {
                    float pr = powRe[q * (t + 1) + tc];
                    float pi = powIm[q * (t + 1) + tc];
                    int h = hOff + q * j;
                    for (int c = 0; c < j; c++) {
                        float hr = stateRe[h + c];
                        float hi = stateIm[h + c];
                        stateRe[h + c] = pr * hr - pi * hi + newState[c * 2 * s + q];
                        stateIm[h + c] = pr * hi + pi * hr + newState[c * 2 * s + s + q];
                    }
                }
            }
        }
    }

    /**
     * For group g: {@code pow[s][l] = a^l} ({@code l <= T}), the kernel {@code K[l]} ({@code l < T}),
     * the carry table {@code Q[2S][T] = [Re(w a^(tau+1)); -Im(w a^(tau+1))]}, the update table
     * {@code [T][2S] = [Re, Im] a^(T-1-sigma)} and, when used, the Toeplitz matrix {@code Tm[sigma][tau] = K[tau-sigma]}.
     */
    private static void tables(int g, int s, int t, float[] aRe, float[] aIm, float[] wRe, float[] wIm,
                               float[] powRe, float[] powIm, float[] kernel, float[] carry, float[] update,
                               float[] toeplitz) {
        SsmKernels.powers(s, t + 1, aRe, aIm, g * s, powRe, powIm, 0);
        Arrays.fill(kernel, 0, t, 0f);
        for (int q = 0; q < s; q++) {
            double wr = wRe[g * s + q];
            double wi = wIm == null ? 0 : wIm[g * s + q];
            int p = q * (t + 1);
            for (int l = 0; l <= t; l++) {
                double pr = powRe[p + l];
                double pi = powIm[p + l];
                double re = wr * pr - wi * pi;
                if (l < t) {
                    kernel[l] += (float) re;
                }
                if (l >= 1) {
                    carry[q * t + l - 1] = (float) re;
                    carry[(s + q) * t + l - 1] = (float) -(wr * pi + wi * pr);
                }
                if (l < t) {
                    update[(t - 1 - l) * 2 * s + q] = (float) pr;
                    update[(t - 1 - l) * 2 * s + s + q] = (float) pi;
                }
            }
        }
        if (toeplitz != null) {
            for (int sigma = 0; sigma < t; sigma++) {
                int row = sigma * t;
                Arrays.fill(toeplitz, row, row + sigma, 0f);
                System.arraycopy(kernel, 0, toeplitz, row + sigma, t - sigma);
            }
        }
    }

    /**
     * {@code Y[j][tau] = sum_{sigma<=tau} V[j][sigma] Tm[sigma][tau]} for a chunk of {@code tc}
     * samples, in column blocks: block {@code [tau0, tau1)} only needs {@code sigma < tau1}.
     */
    private static void toeplitzProduct(int j, int tc, int t, float[] toeplitz, float[] v, float[] y, int off,
                                        int length, boolean vector) {
        for (int tau0 = 0; tau0 < tc; tau0 += TRI_BLOCK) {
            int tau1 = Math.min(tc, tau0 + TRI_BLOCK);
            gemm(vector, j, tau1 - tau0, tau1, 1f, v, off, length, 1, toeplitz, tau0, t, 1,
                    y, off + tau0, length, 1, false);
        }
    }

    /** The same product as loops, for few columns: {@code y[tau] = sum_sigma v[sigma] K[tau-sigma]}. */
    private static void directConvolution(int j, int tc, float[] kernel, float[] v, float[] y, int off, int length) {
        for (int c = 0; c < j; c++) {
            int base = off + c * length;
            Arrays.fill(y, base, base + tc, 0f);
            for (int sigma = 0; sigma < tc; sigma++) {
                float x = v[base + sigma];
                int o = base + sigma;
                int n = tc - sigma;
                // axpy along the kernel: contiguous, which the JIT vectorizes.
                for (int l = 0; l < n; l++) {
                    y[o + l] += x * kernel[l];
                }
            }
        }
    }

    private static void gemm(boolean vector, int m, int n, int k, float alpha, float[] a, int aOff, int ars, int acs,
                             float[] b, int bOff, int brs, int bcs, float[] c, int cOff, int crs, int ccs,
                             boolean accumulate) {
        if (vector) {
            Gemm.vector(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs, accumulate);
        } else {
            Gemm.scalar(m, n, k, alpha, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, crs, ccs, accumulate);
        }
    }

    private static void check(int groups, int s, int j, int length, int chunk, float[] aRe, float[] aIm,
                              float[] wRe, float[] wIm, float[] v, float[] y, float[] hRe, float[] hIm) {
        if (groups < 0 || s < 0 || j < 0 || length < 0) {
            throw new IllegalArgumentException("negative size: groups=" + groups + ", statesPerGroup=" + s
                    + ", columns=" + j + ", length=" + length);
        }
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
        }
        if ((hRe == null) != (hIm == null)) {
            throw new IllegalArgumentException("the carried state needs both parts or neither");
        }
        long states = (long) groups * s;
        long samples = (long) groups * j * length;
        need(aRe, states, "aRe");
        if (aIm != null) {
            need(aIm, states, "aIm");
        }
        need(wRe, states, "wRe");
        if (wIm != null) {
            need(wIm, states, "wIm");
        }
        need(v, samples, "v");
        need(y, samples, "y");
        if (hRe != null) {
            need(hRe, states * j, "hRe");
            need(hIm, states * j, "hIm");
        }
        if (v == y) {
            throw new IllegalArgumentException("y must not be the input array");
        }
    }

    private static void need(float[] x, long count, String name) {
        if (x == null || x.length < count) {
            throw new IllegalArgumentException(name + " needs " + count + " elements, has "
                    + (x == null ? "none" : String.valueOf(x.length)));
        }
    }
}
