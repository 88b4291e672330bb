package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.kernels.SsmKernels;
import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.model.Discretization;
import dev.ssmc.runtime.model.Params;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The general SSM step: the canonical recurrence of {@code centaurus-reference.md} section 2, one
 * frame at a time, in float32. Every state {@code s} has a complex multiplier
 * {@code a_s = exp(dtA_s)} and advances by {@code x_s = a_s x_s + sum_c in[s][c] u[c]}; the output
 * is {@code y[d] = Re(sum_s out[s][d] x_s)}. All input and output weights are real, so only
 * {@code Re(x)} is ever read out.
 *
 * <p>Each mode keeps its weights in its sparse structure (nothing multiplies dense zeros), with the
 * states laid out so the hot loop runs with unit stride over a vector of lanes:
 * <ul>
 * <li>dws: states {@code [n][c]}, lanes over channels: {@code x = a x + u[c]} loads the input frame
 *     as a vector and {@code y[c] += Ehat x_r} accumulates the output as a vector, no reductions;
 * <li>full: states {@code [c][n][d]}, lanes over output channels: the input channel is broadcast,
 *     {@code y[d] += Ehat x_r} accumulates over {@code (c, n)} (the vector path in one flat loop);
 * <li>s5: states in order, lanes over states: {@code v = Bhat u} by broadcasting each input
 *     channel, the update, then {@code y = C x_r} with lanes over output channels;
 * <li>neck: {@code v_j = Bhat u} (small), then per block lanes over its states,
 *     {@code x = a x + E v_j}, {@code q_j = sum_m x_r} (one lane reduction per block), and
 *     {@code y = C q}.
 * </ul>
 * Lanes that do not fill a vector run the scalar code. The Vector API path is taken when
 * {@link VectorSupport#enabled()}; the scalar loops are written so the JIT can vectorize what it can.
 * State is split real and imaginary float arrays. A state steps as {@code x += (a - 1) x + v}, with
 * {@code a - 1} made in double without cancellation and rounded to float once: {@code a} itself in
 * float would move a slow state's pole enough to change its gain by 1e-4 (see
 * {@link SsmKernels#decayRe}), which a stream of thousands of samples shows.
 *
 * <p>Specialized subclasses (generated code) can override {@link #steps} to keep the state in
 * registers over several frames; this class is what they must agree with.
 */
public class RecurrentSsmFrames extends SsmFrames {
    private final BlockMode mode;
    private final boolean vector;
    private final int cin;
    private final int cout;
    /** States per block / per channel pair (N). */
    private final int n;
    /** All states. */
    private final int states;
    /** {@code a - 1} per state, {@code a = exp(dtA)}: states step {@code x += (a - 1) x + v} (see {@link SsmKernels#decayRe}). */
    private final float[] dr;
    private final float[] di;
    private final float[] xr;
    private final float[] xi;
    /** s5: Bhat as {@code [c][s]}; neck: Bhat {@code [j][c]}; dws, full: null. */
    private final float[] inW;
    /** neck: E per state; else null. */
    private final float[] stateIn;
    /** dws: Ehat {@code [n][c]}; full: Ehat {@code [c][n][d]}; s5: C as {@code [s][d]}; neck: C as {@code [j][d]}. */
    private final float[] outW;
    /** s5: v per state; neck: v and then q per block; full (vector path): the input of every (c, k) pair. */
    private final float[] v;

    /** The SSM of the layer at {@code key} ({@code A}, {@code log_dt}, {@code B}, {@code C}, {@code E} under it), path by {@link VectorSupport#enabled()}. */
    public RecurrentSsmFrames(BlockShape shape, String key, ActivationFrames inputAct, ActivationFrames outputAct,
                              Params params) {
        this(shape, key, inputAct, outputAct, params, VectorSupport.enabled());
    }

    /** As above, with the path chosen: {@code vector} needs the Vector API module (see {@link VectorSupport#available()}). */
    RecurrentSsmFrames(BlockShape shape, String key, ActivationFrames inputAct, ActivationFrames outputAct,
                       Params params, boolean vector) {
        super(shape, key, inputAct, outputAct, params, vector);
        if (vector && !VectorSupport.available()) {
            throw new IllegalStateException("the Vector API module is not in this JVM (--add-modules jdk.incubator.vector)");
        }
        this.vector = vector;
        this.mode = shape.mode();
        this.cin = shape.inChannels();
        this.cout = shape.ssmChannels();
        this.n = shape.states();
        Discretization d = Discretization.of(shape, localParams(shape, key, params));
        this.states = shape.kernelStates();
        this.dr = new float[states];
        this.di = new float[states];
        this.xr = new float[states];
        this.xi = new float[states];
        Map<String, float[]> w = d.weights();
        int blocks = shape.blocks();
        switch (mode) {
            case DWS -> {
                inW = null;
                stateIn = null;
                v = null;
                outW = new float[states];
                for (int c = 0; c < cin; c++) {
                    for (int k = 0; k < n; k++) {
                        place(d, c * n + k, k * cin + c);
                        outW[k * cin + c] = w.get("E")[c * n + k];
                    }
                }
            }
            case FULL -> {
                inW = null;
                stateIn = null;
                v = new float[cin * n];
                outW = new float[states];
                for (int o = 0; o < cout; o++) {
                    for (int c = 0; c < cin; c++) {
                        for (int k = 0; k < n; k++) {
                            int s = (o * cin + c) * n + k;
                            int i = (c * n + k) * cout + o;
                            place(d, s, i);
                            outW[i] = w.get("E")[s];
                        }
                    }
                }
            }
            case S5 -> {
                stateIn = null;
                inW = new float[cin * states];
                outW = new float[states * cout];
                v = new float[states];
                float[] b = w.get("B");
                float[] c = w.get("C");
                for (int s = 0; s < states; s++) {
                    place(d, s, s);
                    for (int ch = 0; ch < cin; ch++) {
                        inW[ch * states + s] = b[s * cin + ch];
                    }
                    for (int o = 0; o < cout; o++) {
                        outW[s * cout + o] = c[o * states + s];
                    }
                }
            }
            case NECK -> {
                inW = w.get("B").clone(); // [j][c]
                stateIn = w.get("E").clone(); // [j][m]
                outW = new float[blocks * cout];
                v = new float[blocks];
                float[] c = w.get("C");
                for (int s = 0; s < states; s++) {
                    place(d, s, s);
                }
                for (int j = 0; j < blocks; j++) {
                    for (int o = 0; o < cout; o++) {
                        outW[j * cout + o] = c[o * blocks + j];
                    }
                }
            }
            default -> throw new AssertionError(mode);
        }
    }

    /** The block's stored tensors by local name, as {@link dev.ssmc.runtime.model.SsmBlockLayer} gathers them. */
    static Map<String, float[]> localParams(BlockShape shape, String key, Params params) {
        int cin = shape.inChannels();
        int cout = shape.outChannels();
        int n = shape.states();
        int j = shape.blocks();
        int states = shape.kernelStates();
        Map<String, float[]> m = new HashMap<>();
        put(m, params, key, "A", 2 * states);
        switch (shape.mode()) {
            case DWS -> {
                put(m, params, key, "log_dt", cin * n);
                put(m, params, key, "E", cin * n);
            }
            case S5 -> {
                put(m, params, key, "log_dt", states);
                put(m, params, key, "B", states * cin);
                put(m, params, key, "C", cout * states);
            }
            case NECK -> {
                put(m, params, key, "log_dt", j);
                put(m, params, key, "B", j * cin);
                put(m, params, key, "C", cout * j);
                put(m, params, key, "E", j * n);
            }
            case FULL -> {
                put(m, params, key, "log_dt", cout * n);
                put(m, params, key, "E", states);
            }
            default -> throw new AssertionError(shape.mode());
        }
        return m;
    }

    /** Puts {@code key.name} under {@code name}, checking that it has the reference's size. */
    private static void put(Map<String, float[]> m, Params params, String key, String name, int size) {
        String full = Params.join(key, name);
        float[] a = params.get(full);
        if (a.length != size) {
            throw new IllegalArgumentException(full + " has " + a.length + " floats, expected " + size);
        }
        m.put(name, a);
    }

    /** {@code a - 1} of canonical state {@code s} at index {@code i} (see {@link SsmKernels#decayRe}). */
    private void place(Discretization d, int s, int i) {
        dr[i] = (float) SsmKernels.decayRe(d.dtARe()[s], d.dtAIm()[s]);
        di[i] = (float) SsmKernels.decayIm(d.dtARe()[s], d.dtAIm()[s]);
    }

    /** Whether this instance takes the Vector API path. */
    public final boolean vectorized() {
        return vector;
    }

    @Override
    protected void resetState() {
        Arrays.fill(xr, 0f);
        Arrays.fill(xi, 0f);
    }

    @Override
    protected void flushTinyState() {
        flushTiny(xr, vector);
        flushTiny(xi, vector);
    }

    @Override
    protected void saveSsmState(StateWriter out) {
        out.writeFloats(xr);
        out.writeFloats(xi);
    }

    @Override
    protected void restoreSsmState(StateReader in) {
        in.readFloats(xr, key + "'s state (real parts)");
        in.readFloats(xi, key + "'s state (imaginary parts)");
    }

    @Override
    protected void step(float[] in, int inOff, float[] out, int outOff) {
        switch (mode) {
            case DWS -> {
                int done = vector ? StreamVector.dws(cin, n, dr, di, xr, xi, outW, in, inOff, out, outOff) : 0;
                dws(done, in, inOff, out, outOff);
            }
            case FULL -> {
                int done = 0;
                if (vector) {
                    for (int c = 0; c < cin; c++) { // the input of every (c, k), for the vector path's flat loop
                        Arrays.fill(v, c * n, (c + 1) * n, in[inOff + c]);
                    }
                    done = StreamVector.full(cin * n, cout, dr, di, xr, xi, outW, v, out, outOff);
                }
                full(done, in, inOff, out, outOff);
            }
            case S5 -> {
                int done = vector ? StreamVector.s5Update(cin, states, dr, di, xr, xi, inW, v, in, inOff) : 0;
                s5Update(done, in, inOff);
                done = vector ? StreamVector.matVec(states, cout, xr, 0, outW, out, outOff) : 0;
                s5Out(done, out, outOff);
            }
            case NECK -> neck(in, inOff, out, outOff);
            default -> throw new AssertionError(mode);
        }
    }

    // ---- scalar paths; each also finishes the lanes a vector path left over (from `from`) ----

    /** dws, channels {@code from ..}: {@code x[k][c] = a x + u[c]}, {@code y[c] = sum_k Ehat x_r}. */
    private void dws(int from, float[] u, int uo, float[] y, int yo) {
        if (from == cin) {
            return;
        }
        Arrays.fill(y, yo + from, yo + cin, 0f);
        for (int k = 0; k < n; k++) {
            int base = k * cin;
            for (int c = from; c < cin; c++) {
                int i = base + c;
                float pr = dr[i];
                float pi = di[i];
                float sr = xr[i];
                float si = xi[i];
                float nr = sr + (pr * sr - pi * si + u[uo + c]);
                xi[i] = si + (pr * si + pi * sr);
                xr[i] = nr;
                y[yo + c] += outW[i] * nr;
            }
        }
    }

    /** full, output channels {@code from ..}: {@code x[c][k][d] = a x + u[c]}, {@code y[d] = sum_{c,k} Ehat x_r}. */
    private void full(int from, float[] u, int uo, float[] y, int yo) {
        if (from == cout) {
            return;
        }
        Arrays.fill(y, yo + from, yo + cout, 0f);
        for (int c = 0; c < cin; c++) {
            float uc = u[uo + c];
            for (int k = 0; k < n; k++) {
                int base = (c * n + k) * cout;
                for (int d = from; d < cout; d++) {
                    int i = base + d;
                    float pr = dr[i];
                    float pi = di[i];
                    float sr = xr[i];
                    float si = xi[i];
                    float nr = sr + (pr * sr - pi * si + uc);
                    xi[i] = si + (pr * si + pi * sr);
                    xr[i] = nr;
                    y[yo + d] += outW[i] * nr;
                }
            }
        }
    }

    /** s5 states {@code from ..}: {@code v = Bhat u}, {@code x = a x + v}. */
    private void s5Update(int from, float[] u, int uo) {
        if (from == states) {
            return;
        }
        Arrays.fill(v, from, states, 0f);
        for (int c = 0; c < cin; c++) {
            float uc = u[uo + c];
            int base = c * states;
            for (int s = from; s < states; s++) {
                v[s] += inW[base + s] * uc;
            }
        }
        for (int s = from; s < states; s++) {
            float pr = dr[s];
            float pi = di[s];
            float sr = xr[s];
            float si = xi[s];
            xr[s] = sr + (pr * sr - pi * si + v[s]);
            xi[s] = si + (pr * si + pi * sr);
        }
    }

    /** s5 output channels {@code from ..}: {@code y = C x_r}. */
    private void s5Out(int from, float[] y, int yo) {
        if (from == cout) {
            return;
        }
        Arrays.fill(y, yo + from, yo + cout, 0f);
        for (int s = 0; s < states; s++) {
            float r = xr[s];
            int base = s * cout;
            for (int d = from; d < cout; d++) {
                y[yo + d] += outW[base + d] * r;
            }
        }
    }

    /** neck: {@code v_j = Bhat u}, {@code x[j][m] = a x + E v_j}, {@code q_j = sum_m x_r}, {@code y = C q}. */
    private void neck(float[] u, int uo, float[] y, int yo) {
        int blocks = shape.blocks();
        for (int j = 0; j < blocks; j++) {
            float s = 0f;
            int base = j * cin;
            for (int c = 0; c < cin; c++) {
                s += inW[base + c] * u[uo + c];
            }
            v[j] = s;
        }
        for (int j = 0; j < blocks; j++) {
            int base = j * n;
            float vj = v[j];
            // the vector path covers the whole vectors of the block's states and returns their sum
            int k = vector ? StreamVector.covered(n) : 0;
            float q = vector ? StreamVector.neckBlock(base, k, vj, dr, di, xr, xi, stateIn) : 0f;
            for (; k < n; k++) {
                int i = base + k;
                float pr = dr[i];
                float pi = di[i];
                float sr = xr[i];
                float si = xi[i];
                float nr = sr + (pr * sr - pi * si + stateIn[i] * vj);
                xi[i] = si + (pr * si + pi * sr);
                xr[i] = nr;
                q += nr;
            }
            v[j] = q; // v_j is used up: keep q_j in its place
        }
        Arrays.fill(y, yo, yo + cout, 0f);
        for (int j = 0; j < blocks; j++) {
            float q = v[j];
            int base = j * cout;
            for (int d = 0; d < cout; d++) {
                y[yo + d] += outW[base + d] * q;
            }
        }
    }
}
