package dev.ssmc.compiler.exec;

import dev.ssmc.compiler.plan.ContractionSpec;
import dev.ssmc.compiler.plan.Domain;
import dev.ssmc.compiler.plan.Operand;
import dev.ssmc.compiler.plan.Plan;
import dev.ssmc.compiler.plan.PlanStep;
import dev.ssmc.compiler.plan.TimeAlgorithm;
import dev.ssmc.compiler.plan.TimeRole;
import dev.ssmc.runtime.fft.RealFft;
import dev.ssmc.runtime.kernels.ChunkedConv;
import dev.ssmc.runtime.kernels.Contract;
import dev.ssmc.runtime.kernels.Layout;
import dev.ssmc.runtime.kernels.Scan;
import dev.ssmc.runtime.kernels.SsmKernels;
import java.util.Map;
import java.util.function.IntUnaryOperator;

/**
 * Runs any plan of a contraction spec with the runtime's generic float32 kernels: pairwise
 * contractions, real FFTs, scans, chunked Toeplitz convolutions and kernels made by powers or in
 * closed form. Every candidate the search considers can be run, which is what makes plans
 * measurable before code is generated for them, and what the generated code is checked against.
 *
 * <p>Operands are given in their spec index order; the kernel operand by its exponent
 * {@code dtA} (complex, over the kernel's state indices). The output comes in the spec's output
 * order; the dynamics gradient is complex (the plan is run once for each part of the derivative
 * kernel {@code l a^l}, which is linear in it).
 */
public final class PlanExecutor {
    private final Plan plan;
    private final ContractionSpec spec;
    private final int fftSize;
    private final int bins;
    private final Map<String, float[]> operands;
    private final float[] dtARe;
    private final float[] dtAIm;
    /** Which part of the derivative kernel this run computes: 0 real, 1 imaginary. */
    private final int part;

    /** A tensor between steps: its letters ({@code k} for frequency bins), its values, the domain. */
    private record Value(String idx, float[] re, float[] im) {
    }

    /** The output: real, or real and imaginary parts for the dynamics gradient. */
    public record Output(float[] re, float[] im) {
    }

    private PlanExecutor(Plan plan, Map<String, float[]> operands, float[] dtARe, float[] dtAIm, int part) {
        this.plan = plan;
        this.spec = plan.spec();
        this.fftSize = plan.algorithm() instanceof TimeAlgorithm.Fft f ? f.size() : 0;
        this.bins = fftSize / 2 + 1;
        this.operands = operands;
        this.dtARe = dtARe;
        this.dtAIm = dtAIm;
        this.part = part;
    }

    /**
     * Runs a plan on zero initial state.
     *
     * @param operands every non-kernel operand by name, in its spec index order
     * @param dtARe    the real parts of {@code dt*A} over the kernel's state indices
     */
    public static Output run(Plan plan, Map<String, float[]> operands, float[] dtARe, float[] dtAIm) {
        float[] re = new PlanExecutor(plan, operands, dtARe, dtAIm, 0).output();
        float[] im = plan.spec().complexOutput() ? new PlanExecutor(plan, operands, dtARe, dtAIm, 1).output() : null;
        return new Output(re, im);
    }

    private float[] output() {
        Value v = eval(plan.root());
        return Layout.map(v.idx, v.re, spec.output(), this::size);
    }

    private int size(int letter) {
        return letter == 'k' ? bins : spec.size((char) letter);
    }

    // ---- steps ----

    private Value eval(PlanStep step) {
        Value v = step instanceof PlanStep.Leaf l ? leaf(l) : join((PlanStep.Join) step);
        if (step.transformed()) {
            v = step.delivered() == Domain.FREQ ? fft(v) : ifft(v, step.role().letter());
        }
        return v;
    }

    private Value leaf(PlanStep.Leaf l) {
        Operand op = spec.operands().get(l.operand());
        if (!op.isKernel()) {
            float[] data = operands.get(op.name());
            if (data == null) {
                throw new IllegalArgumentException("no value for operand " + op);
            }
            return new Value(op.indices(), data, null);
        }
        String states = op.stateIndices();
        int n = Math.toIntExact(Layout.count(states, this::size));
        boolean derivative = op.kind() == Operand.Kind.LAG_KERNEL;
        switch (l.making()) {
            case MULTIPLIERS -> {
                float[] aRe = new float[n];
                float[] aIm = new float[n];
                multipliers(aRe, aIm);
                return new Value(states, aRe, aIm);
            }
            case POWERS -> {
                int len = spec.length();
                float[] re = new float[n * len];
                float[] im = new float[n * len];
                SsmKernels.powersFromExponent(n, len, dtARe, dtAIm, re, im);
                float[] out = new float[n * len];
                for (int s = 0; s < n; s++) {
                    for (int t = 0; t < len; t++) {
                        int i = s * len + t;
                        float w = derivative ? t : 1;
                        out[i] = w * (derivative && part == 1 ? im[i] : re[i]);
                    }
                }
                return new Value(states + "l", out, null);
            }
            case CLOSED_FORM -> {
                return closedForm(states, n, derivative);
            }
            default -> throw new IllegalStateException("a kernel made as " + l.making());
        }
    }

    private void multipliers(float[] aRe, float[] aIm) {
        for (int s = 0; s < aRe.length; s++) {
            double mag = Math.exp(dtARe[s]);
            aRe[s] = (float) (mag * Math.cos(dtAIm[s]));
            aIm[s] = (float) (mag * Math.sin(dtAIm[s]));
        }
    }

    /**
     * The half spectrum of the real kernel {@code Re(a^l)} (or a part of {@code l a^l}) at the
     * plan's FFT size: half the sum of the closed forms at {@code a} and at its conjugate.
     */
    private Value closedForm(String states, int n, boolean derivative) {
        float[] aRe = new float[n];
        float[] aIm = new float[n];
        multipliers(aRe, aIm);
        float[] re = new float[n * bins];
        float[] im = new float[n * bins];
        int len = spec.length();
        for (int s = 0; s < n; s++) {
            for (int k = 0; k < bins; k++) {
                double[] f = geometric(aRe[s], aIm[s], k, len, derivative);
                double[] g = geometric(aRe[s], -aIm[s], k, len, derivative);
                int i = s * bins + k;
                if (!derivative || part == 0) {
                    re[i] = (float) ((f[0] + g[0]) / 2);
                    im[i] = (float) ((f[1] + g[1]) / 2);
                } else {
                    // (F - G) / (2i) = -i (F - G) / 2
                    re[i] = (float) ((f[1] - g[1]) / 2);
                    im[i] = (float) (-(f[0] - g[0]) / 2);
                }
            }
        }
        return new Value(states + "k", re, im);
    }

    /**
     * {@code sum_{l<L} q^l} or {@code sum_{l<L} l q^l} with {@code q = a exp(-2 pi i k / n)}, in
     * double: closed forms away from {@code q = 1}, the sums themselves near it.
     */
    private double[] geometric(double ar, double ai, int k, int len, boolean derivative) {
        double ang = -2 * Math.PI * k / fftSize;
        double qr = ar * Math.cos(ang) - ai * Math.sin(ang);
        double qi = ar * Math.sin(ang) + ai * Math.cos(ang);
        double dr = 1 - qr;
        double di = -qi;
        double den = dr * dr + di * di;
        if (den < 1e-10) {
            double sr = 0;
            double si = 0;
            double pr = 1;
            double pi = 0;
            for (int l = 0; l < len; l++) {
                double w = derivative ? l : 1;
                sr += w * pr;
                si += w * pi;
                double t = pr * qr - pi * qi;
                pi = pr * qi + pi * qr;
                pr = t;
            }
            return new double[] {sr, si};
        }
        // q^L and q^(L-1) through polar form
        double mag = Math.hypot(qr, qi);
        double arg = Math.atan2(qi, qr);
        double mL = Math.pow(mag, len);
        double qLr = mL * Math.cos(arg * len);
        double qLi = mL * Math.sin(arg * len);
        if (!derivative) {
            // (1 - q^L) / (1 - q)
            double nr = 1 - qLr;
            double ni = -qLi;
            return new double[] {(nr * dr + ni * di) / den, (ni * dr - nr * di) / den};
        }
        // sum l q^l = q (1 - L q^(L-1) + (L-1) q^L) / (1 - q)^2
        double mL1 = Math.pow(mag, len - 1);
        double qL1r = mL1 * Math.cos(arg * (len - 1));
        double qL1i = mL1 * Math.sin(arg * (len - 1));
        double inR = 1 - len * qL1r + (len - 1) * qLr;
        double inI = -len * qL1i + (len - 1) * qLi;
        double numR = qr * inR - qi * inI;
        double numI = qr * inI + qi * inR;
        double d2r = dr * dr - di * di;
        double d2i = 2 * dr * di;
        double den2 = d2r * d2r + d2i * d2i;
        return new double[] {(numR * d2r + numI * d2i) / den2, (numI * d2r - numR * d2i) / den2};
    }

    private Value join(PlanStep.Join j) {
        Value a = eval(j.left());
        Value b = eval(j.right());
        String out = j.indices();
        if (j.computed() == Domain.FREQ) {
            out = toFreq(out);
        }
        switch (j.coupling()) {
            case CONV, CORR, XCORR -> {
                if (plan.algorithm() instanceof TimeAlgorithm.Fft) {
                    // in frequency: a product, with the conjugate of the side that runs backwards in time
                    PlanStep conjugated = switch (j.coupling()) {
                        case CORR -> j.left().role() == TimeRole.LAG ? j.left() : j.right();
                        case XCORR -> j.left().role() == TimeRole.UP ? j.left() : j.right();
                        default -> null;
                    };
                    if (conjugated == j.left()) {
                        a = conj(a);
                    } else if (conjugated == j.right()) {
                        b = conj(b);
                    }
                    return contract(a, b, out, true);
                }
                boolean leftIsKernel = j.left().role() == TimeRole.LAG;
                return recurrence(leftIsKernel ? b : a, leftIsKernel ? a : b,
                        leftIsKernel ? j.right() : j.left(), j, out);
            }
            default -> {
                return contract(a, b, out, j.computed() == Domain.FREQ);
            }
        }
    }

    private Value contract(Value a, Value b, String out, boolean complex) {
        int n = Math.toIntExact(Layout.count(out, this::size));
        float[] re = new float[n];
        float[] im = complex ? new float[n] : null;
        Contract.pairwise(a.idx, a.re, a.im, b.idx, b.re, b.im, out, re, im, this::size);
        return new Value(out, re, im);
    }

    private static Value conj(Value v) {
        float[] im = new float[v.im.length];
        for (int i = 0; i < im.length; i++) {
            im[i] = -v.im[i];
        }
        return new Value(v.idx, v.re, im);
    }

    /**
     * A convolution or correlation with the bare state kernel by its recurrence: every lane (the
     * signal's indices and the kernel's states) runs {@code x_t = a x_(t-1) + v_t} (backwards in time
     * for a correlation) by a scan or in Toeplitz chunks; the real part, summed to the join's indices.
     */
    private Value recurrence(Value signal, Value kernel, PlanStep signalStep, PlanStep.Join j, String out) {
        char inTime = signalStep.role().letter();
        char outTime = j.role().hasTime() ? j.role().letter() : inTime;
        String sigIdx = signal.idx.replace(String.valueOf(inTime), "");
        StringBuilder lanesIdx = new StringBuilder(sigIdx);
        for (char c : kernel.idx.toCharArray()) {
            if (lanesIdx.indexOf(String.valueOf(c)) < 0) {
                lanesIdx.append(c);
            }
        }
        String lanes = lanesIdx.toString();
        int nLanes = Math.toIntExact(Layout.count(lanes, this::size));
        int len = spec.length();
        boolean reverse = j.coupling() == PlanStep.Coupling.CORR;
        float[] aRe = Layout.map(kernel.idx, kernel.re, lanes, this::size);
        float[] aIm = Layout.map(kernel.idx, kernel.im, lanes, this::size);
        float[] result;
        String resultIdx;
        boolean derivative = spec.operands().get(spec.kernelOperand()).kind() == Operand.Kind.LAG_KERNEL;
        if (plan.algorithm() instanceof TimeAlgorithm.Chunked ch) {
            // lanes, then time: one group per lane, one column each
            float[] v = Layout.map(signal.idx, signal.re, lanes + inTime, this::size);
            if (reverse) {
                reverseTime(v, nLanes, len);
            }
            float[] y = new float[v.length];
            float[] ones = new float[nLanes];
            java.util.Arrays.fill(ones, 1f);
            ChunkedConv.run(nLanes, 1, 1, len, ch.chunk(), aRe, aIm, ones, null, v, y, null, null);
            if (reverse) {
                reverseTime(y, nLanes, len);
            }
            result = y;
            resultIdx = lanes + outTime;
        } else {
            float[] v = Layout.map(signal.idx, signal.re, inTime + lanes, this::size);
            float[] xRe = new float[nLanes];
            float[] xIm = new float[nLanes];
            float[] sRe = new float[v.length];
            float[] sIm = new float[v.length];
            Scan.run(nLanes, len, aRe, aIm, v, null, 0, xRe, xIm, sRe, sIm, 0, reverse);
            if (derivative) {
                // l a^l is the response of a double pole: D_t = a D_(t-1) + a x_(t-1)
                float[] wRe = new float[v.length];
                float[] wIm = new float[v.length];
                for (int t = 0; t < len; t++) {
                    int prev = reverse ? t + 1 : t - 1;
                    if (prev < 0 || prev >= len) {
                        continue;
                    }
                    for (int s = 0; s < nLanes; s++) {
                        float xr = sRe[prev * nLanes + s];
                        float xi = sIm[prev * nLanes + s];
                        wRe[t * nLanes + s] = aRe[s] * xr - aIm[s] * xi;
                        wIm[t * nLanes + s] = aRe[s] * xi + aIm[s] * xr;
                    }
                }
                java.util.Arrays.fill(xRe, 0);
                java.util.Arrays.fill(xIm, 0);
                Scan.run(nLanes, len, aRe, aIm, wRe, wIm, 0, xRe, xIm, sRe, sIm, 0, reverse);
            }
            result = derivative && part == 1 ? sIm : sRe;
            resultIdx = outTime + lanes;
        }
        float[] mapped = Layout.map(resultIdx, result, out, this::size);
        return new Value(out, mapped, null);
    }

    private static void reverseTime(float[] v, int rows, int len) {
        for (int r = 0; r < rows; r++) {
            for (int i = 0, k = len - 1; i < k; i++, k--) {
                float t = v[r * len + i];
                v[r * len + i] = v[r * len + k];
                v[r * len + k] = t;
            }
        }
    }

    // ---- transforms ----

    private static String toFreq(String idx) {
        StringBuilder sb = new StringBuilder();
        for (char c : idx.toCharArray()) {
            sb.append(TimeRole.isTimeLetter(c) ? 'k' : c);
        }
        return sb.toString();
    }

    private static char timeLetter(String idx) {
        for (char c : idx.toCharArray()) {
            if (TimeRole.isTimeLetter(c) || c == 'k') {
                return c;
            }
        }
        throw new IllegalStateException("no time axis in " + idx);
    }

    private Value fft(Value v) {
        char t = timeLetter(v.idx);
        String rows = v.idx.replace(String.valueOf(t), "");
        float[] x = Layout.map(v.idx, v.re, rows + t, this::size);
        int nRows = Math.toIntExact(Layout.count(rows, this::size));
        int len = spec.length();
        float[] re = new float[nRows * bins];
        float[] im = new float[nRows * bins];
        RealFft.forSize(fftSize).forward(x, 0, len, len, re, im, 0, bins, nRows);
        return new Value(rows + "k", re, im);
    }

    private Value ifft(Value v, char letter) {
        String rows = v.idx.replace("k", "");
        float[] re = Layout.map(v.idx, v.re, rows + "k", this::size);
        float[] im = Layout.map(v.idx, v.im, rows + "k", this::size);
        int nRows = Math.toIntExact(Layout.count(rows, this::size));
        int len = spec.length();
        float[] y = new float[nRows * len];
        RealFft.forSize(fftSize).inverse(re, im, 0, bins, y, 0, len, len, nRows);
        return new Value(rows + letter, y, null);
    }

    /** A size function over a spec's letters plus {@code k}, for callers that lay out operands. */
    public static IntUnaryOperator sizes(ContractionSpec spec) {
        return c -> spec.size((char) c);
    }
}
