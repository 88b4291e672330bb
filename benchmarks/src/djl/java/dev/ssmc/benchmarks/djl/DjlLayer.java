package dev.ssmc.benchmarks.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * One Centaurus SSM layer (activations off, no norm: the block of {@code ssmc bench --mode}) on
 * PyTorch through DJL: the math of {@code bench/reference_layer.py}, written the way a JVM user
 * would write it with DJL's NDArray API.
 *
 * <ul>
 *   <li>Kernel: {@code exp(Re(dtA) l) cos(Im(dtA) l)} over all lags at once, weighted by E (or not)
 *       and summed over the states.
 *   <li>FFT convolution at n = 2L: {@code irfft(rfft(u) * rfft(k))[:L]} (full: the product is a
 *       complex batched matrix product over the frequencies). DJL has no custom autograd functions,
 *       so training differentiates through the FFTs, the complex product and the slice: autograd
 *       keeps the spectra of the forward pass instead of recomputing them as the reference's custom
 *       function does.
 *   <li>s5 and neck: the reference's rule (kernel-first when {@code 1/Cin + 1/Cout > 1/batch +
 *       1/coefficients}, else input-first); projections and dws's pointwise mixer are matrix
 *       products.
 *   <li>Streaming: per chunk, the chunk kernel's FFT convolution (the kernel made once per chunk
 *       length), plus the carried complex state's decay into the chunk, then the state update.
 * </ul>
 *
 * <p>Arrays made while computing belong to the manager of their first operand: {@link #attach}
 * moves the stored tensors to a run's manager for the run, so closing it frees everything the run
 * made.
 */
final class DjlLayer {
    final String mode;
    final int cin;
    final int cout;
    final int states;
    final int blocks;
    /** The stored tensors by checkpoint name ({@code W} is dws's pointwise conv, [Cout, Cin]). */
    final Map<String, NDArray> params = new LinkedHashMap<>();
    /** Activations around the mixer (golden checks only; none in the benchmark block). */
    UnaryOperator<NDArray> actIn;
    UnaryOperator<NDArray> actOut;
    private final Map<Long, NDArray> chunkKernels = new HashMap<>();
    /** The manager the stored tensors and kept chunk kernels belong to between runs. */
    private final NDManager keep;

    DjlLayer(NDManager manager, String mode, int cin, int cout, int states, int blocks) {
        this.mode = mode;
        this.cin = cin;
        this.cout = cout;
        this.states = states;
        this.blocks = blocks;
        Random random = new Random(0);
        int n = states;
        switch (mode) {
            case "dws" -> {
                params.put("A", baseA(manager, n, cin));
                params.put("log_dt", logDt(manager, cin, n));
                params.put("E", manager.full(new Shape(cin, n), (float) (1 / Math.sqrt(n))));
                double bound = 1 / Math.sqrt(cin);
                params.put("W", manager.randomUniform((float) -bound, (float) bound, new Shape(cout, cin)));
            }
            case "s5" -> {
                params.put("A", baseA(manager, n, blocks).reshape(blocks * n, 2));
                params.put("log_dt", logDt(manager, blocks, n).reshape(blocks * n));
                params.put("B", manager.full(new Shape(blocks * n, cin), (float) (1 / Math.sqrt(cin))));
                params.put("C", gaussian(manager, random, Math.sqrt(2.0 / (blocks * n)), cout, blocks * n));
            }
            case "neck" -> {
                params.put("A", baseA(manager, n, blocks));
                params.put("log_dt", logDt(manager, blocks, 1).reshape(blocks));
                params.put("B", manager.full(new Shape(blocks, cin), (float) (1 / Math.sqrt(cin))));
                params.put("C", gaussian(manager, random, Math.sqrt(2.0 / (blocks * n)), cout, blocks));
                params.put("E", gaussian(manager, random, Math.sqrt(2.0), blocks, n));
            }
            case "full" -> {
                params.put("A", baseA(manager, n, cout * cin).reshape(cout, cin, n, 2));
                params.put("log_dt", logDt(manager, cout, n));
                params.put("E", manager.full(new Shape(cout, cin, n), (float) (1 / Math.sqrt(cin))));
            }
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        this.keep = manager;
    }

    /** {@code A[..., 2]} at its initialization, repeated {@code copies} times: [copies, N, 2]. */
    private static NDArray baseA(NDManager m, int n, int copies) {
        float[] a = new float[copies * n * 2];
        float re = (float) Math.log(Math.expm1(0.5));
        for (int c = 0; c < copies; c++) {
            for (int s = 0; s < n; s++) {
                a[(c * n + s) * 2] = re;
                a[(c * n + s) * 2 + 1] = (float) (Math.PI * s);
            }
        }
        return m.create(a, new Shape(copies, n, 2));
    }

    /** log of dt geometric from 1e-3 to 1e-1 over {@code count}, repeated over {@code n} states: [count, n]. */
    private static NDArray logDt(NDManager m, int count, int n) {
        float[] v = new float[count * n];
        for (int c = 0; c < count; c++) {
            double e = count == 1 ? -3 : -3 + 2.0 * c / (count - 1);
            for (int s = 0; s < n; s++) {
                v[c * n + s] = (float) (e * Math.log(10));
            }
        }
        return m.create(v, new Shape(count, n));
    }

    private static NDArray gaussian(NDManager m, Random random, double sigma, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * sigma);
        }
        return m.create(v, new Shape(rows, cols));
    }

    NDArray p(String name) {
        return params.get(name);
    }

    /** Moves the stored tensors (and kept chunk kernels) to {@code run} until it closes. */
    void attach(NDManager run) {
        for (NDArray a : params.values()) {
            a.tempAttach(run);
        }
        for (NDArray a : chunkKernels.values()) {
            a.tempAttach(run);
        }
    }

    void forgetChunkKernels() {
        chunkKernels.values().forEach(NDArray::close);
        chunkKernels.clear();
    }

    /** Re and Im of dtA over the kernel's states, and the weights with dt folded in. */
    private record Discrete(NDArray re, NDArray im, NDArray b, NDArray c, NDArray e) {}

    private Discrete discretize() {
        NDArray a = p("A");
        NDArray dt = p("log_dt").exp();
        NDArray re = Activation.softPlus(a.get("..., 0")).neg();
        NDArray im = a.get("..., 1");
        return switch (mode) {
            case "s5" -> new Discrete(re.mul(dt), im.mul(dt), p("B").mul(dt.expandDims(1)), p("C"), null);
            case "neck" -> {
                NDArray d = dt.expandDims(1);
                yield new Discrete(re.mul(d), im.mul(d), p("B").mul(d), p("C"), p("E"));
            }
            case "full" -> {
                NDArray d = dt.expandDims(1);
                yield new Discrete(re.mul(d), im.mul(d), null, null, p("E").mul(d));
            }
            default -> new Discrete(re.mul(dt), im.mul(dt), null, null, p("E").mul(dt));
        };
    }

    /** dws [c, l], full [d, c, l], neck [j, l], s5 [n, l]. */
    private NDArray kernel(Discrete w, long length) {
        NDArray lags = w.re().getManager().arange(0f, (float) length, 1f, DataType.FLOAT32);
        NDArray v = w.re().expandDims(-1).mul(lags).exp().mul(w.im().expandDims(-1).mul(lags).cos());
        if (mode.equals("s5")) {
            return v;
        }
        return v.mul(w.e().expandDims(-1)).sum(new int[] {v.getShape().dimension() - 2});
    }

    /** Causal convolution at n = 2L: depthwise (k [c, L]) or full (k [d, c, L]). */
    static NDArray fftConv(NDArray u, NDArray k) {
        long length = u.getShape().get(2);
        long n = 2 * length;
        NDArray uf = u.rfft(n, -1);
        NDArray kf = k.rfft(n, -1);
        NDArray yf;
        if (k.getShape().dimension() == 2) {
            yf = uf.mul(kf);
        } else { // bcl,dcl->bdl as a matrix product per frequency: [l, b, c] x [l, c, d]
            yf = uf.transpose(2, 0, 1).matMul(kf.transpose(2, 1, 0)).transpose(1, 2, 0);
        }
        return yf.irfft(n, -1).get(new NDIndex().addEllipseDim().addSliceDim(0, length));
    }

    private boolean kernelFirst(long batch) {
        int coefficients = mode.equals("s5") ? blocks * states : blocks;
        return 1.0 / cin + 1.0 / cout > 1.0 / batch + 1.0 / coefficients;
    }

    /** The SSM's output before the mixer for u[b, c, L] and a kernel over L lags. */
    private NDArray convolve(NDArray u, NDArray k, Discrete w) {
        if (mode.equals("dws") || mode.equals("full")) {
            return fftConv(u, k);
        }
        if (kernelFirst(u.getShape().get(0))) {
            long n = k.getShape().get(0);
            NDArray cb = w.c().expandDims(1).mul(w.b().transpose().expandDims(0)); // [d, c, n]
            NDArray full = cb.reshape(cout * (long) cin, n).matMul(k).reshape(cout, cin, k.getShape().get(1));
            return fftConv(u, full);
        }
        return w.c().matMul(fftConv(w.b().matMul(u), k));
    }

    private NDArray mix(NDArray z) {
        if (mode.equals("dws")) {
            if (actIn != null) {
                z = actIn.apply(z);
            }
            z = p("W").matMul(z);
        }
        return actOut == null ? z : actOut.apply(z);
    }

    NDArray forward(NDArray u) {
        Discrete w = discretize();
        return mix(convolve(u, kernel(w, u.getShape().get(2)), w));
    }

    /** u[b, c, L] fed in chunks of the given sizes; the outputs, concatenated. */
    NDArray stream(NDArray u, int[] chunks) {
        NDArray state = null;
        List<NDArray> outs = new ArrayList<>();
        long start = 0;
        for (int t : chunks) {
            NDArray x = u.get(new NDIndex().addEllipseDim().addSliceDim(start, start + t));
            start += t;
            NDArray[] r = step(x, state);
            outs.add(r[0]);
            state = r[1];
        }
        NDArray y = outs.get(0);
        for (int i = 1; i < outs.size(); i++) {
            y = y.concat(outs.get(i), 2);
        }
        return y;
    }

    private static NDArray complex(NDArray re, NDArray im) {
        return re.expandDims(-1).concat(im.expandDims(-1), -1).complex();
    }

    private static NDArray realPart(NDArray z) {
        return z.real().get("..., 0");
    }

    /** One chunk: {y, new state}. */
    private NDArray[] step(NDArray x, NDArray state) {
        long t = x.getShape().get(2);
        NDManager m = x.getManager();
        Discrete w = discretize();
        NDArray k = chunkKernels.get(t);
        if (k == null) {
            k = kernel(w, t);
            k.attach(keep); // kept across runs; attach() lends it to each run's manager
            chunkKernels.put(t, k);
        }
        NDArray y = convolve(x, k, w);
        NDArray flip = powers(w, m.arange(t - 1f, -1f, -1f, DataType.FLOAT32)); // a^(T-1-s)
        NDArray entering = inject(x, w, flip);
        if (state == null) {
            return new NDArray[] {mix(y), entering};
        }
        NDArray decay = powers(w, m.arange(1f, t + 1f, 1f, DataType.FLOAT32)); // a^(t+1)
        y = y.add(readout(state, decay, w));
        NDArray whole = powers(w, m.create(new float[] {t})).squeeze(-1); // a^T
        return new NDArray[] {mix(y), state.mul(whole).add(entering)};
    }

    /**
     * {@code a^l = exp(Re(dtA) l) (cos(Im(dtA) l) + i sin(Im(dtA) l))} for the given exponents, as
     * a complex array [states..., l]: in real arithmetic, like the kernel, because libtorch's
     * complex {@code exp} took several times as long per element as these three real ones here.
     */
    private static NDArray powers(Discrete w, NDArray exponents) {
        NDArray magnitude = w.re().expandDims(-1).mul(exponents).exp();
        NDArray angle = w.im().expandDims(-1).mul(exponents);
        return complex(magnitude.mul(angle.cos()), magnitude.mul(angle.sin()));
    }

    /** What the chunk adds to the state: sum_s a^(T-1-s) (what enters each state at s). */
    private NDArray inject(NDArray x, Discrete w, NDArray flip) {
        return switch (mode) {
            case "dws" -> x.expandDims(2).mul(flip).sum(new int[] {3});
            case "full" -> x.expandDims(1).expandDims(3).mul(flip).sum(new int[] {4});
            case "s5" -> w.b().matMul(x).mul(flip).sum(new int[] {2});
            default -> w.b().matMul(x).expandDims(2).mul(w.e().expandDims(-1)).mul(flip).sum(new int[] {3});
        };
    }

    /** Re of the carried state's contribution to the chunk, before the mixer; decay = a^(t+1). */
    private NDArray readout(NDArray state, NDArray decay, Discrete w) {
        NDArray z = realPart(state.expandDims(-1).mul(decay));
        return switch (mode) {
            case "dws" -> z.mul(w.e().expandDims(-1)).sum(new int[] {2});
            case "full" -> z.mul(w.e().expandDims(-1)).sum(new int[] {2, 3});
            case "s5" -> w.c().matMul(z);
            default -> w.c().matMul(z.sum(new int[] {2}));
        };
    }
}
