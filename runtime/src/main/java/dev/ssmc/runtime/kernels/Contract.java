package dev.ssmc.runtime.kernels;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntUnaryOperator;

/**
 * Pairwise tensor contraction in einsum notation, real or split-complex: one step of an SSM
 * block's contraction tree.
 *
 * <p>{@code out[outIdx] = sum over the letters not in outIdx of a[aIdx] * b[bIdx]}. Tensors are
 * row-major with their dimensions in index-string order (one letter per dimension, sizes from
 * {@code sizeOf}). Each operand is real ({@code im == null}) or complex. Letters play four roles:
 * in both operands and the output, <em>batch</em> (a Hadamard index); in both operands only,
 * <em>contracted</em>; in one operand and the output, <em>kept</em> (rows M from a, columns N
 * from b); in one operand only, summed out of that operand before anything else. With
 * {@code outIm == null} only the real part {@code Re(a b) = aRe bRe - aIm bIm} is computed, at
 * half the cost of the full product; with both operands real a given {@code outIm} is zeroed.
 * The output is overwritten and must not share arrays with the operands.
 *
 * <p>How: the product is a batch of matrix products {@code [M x K] [K x N]}, each complex one
 * being 2 to 4 real ones ({@link Gemm} with alpha = +-1 and accumulation). {@code Gemm} takes any
 * row and column strides, so no operand is copied when each role's letters are laid out as one
 * stride (they "fuse": consecutive in memory, in a common order); letters of a group that do not
 * fuse become loops around smaller products (for contracted letters, loops that accumulate).
 * When that would leave many tiny products, the operands that do not fit are permuted once into
 * {@code [batch, M, K]} / {@code [batch, K, N]} and the output is produced as
 * {@code [batch, M, N]} and permuted into place. Without contracted letters the product is a
 * broadcast multiply along the output's innermost dimension (vectorized when both operands are
 * contiguous or constant along it), which is what products in frequency are. When a batch letter
 * is innermost in both operands and the output (a frequency, in the channel mixing that happens
 * in frequency), the products are many small ones with strided operands, each too small to repay
 * packing; {@link LaneProducts} instead sums {@code a * b} lane by lane along that letter.
 * Intermediates live in per-thread scratch arrays.
 */
public final class Contract {
    /** How a product is computed: chosen by size ({@code AUTO}), or one path forced (tests force each). */
    enum Strategy {
        /** By the sizes: the cheapest of loops, canonical products and lanes. */
        AUTO,
        /** Never copy an operand: loops around strided products. */
        LOOPS,
        /** Always permute operands and output into canonical order. */
        CANONICAL,
        /** Take the lane path whenever it applies. */
        LANES
    }
    /** Below this many multiply-adds per product, permuting to get fewer, larger products wins. */
    private static final long SMALL_PRODUCT = 16384;
    /** Elements a permutation copies in the time of one matrix product call's overhead, about. */
    private static final long COPY_PER_CALL = 32;

    private static final int A_RE = 0;
    private static final int A_IM = 1;
    private static final int B_RE = 2;
    private static final int B_IM = 3;
    private static final int PA_RE = 4;
    private static final int PA_IM = 5;
    private static final int PB_RE = 6;
    private static final int PB_IM = 7;
    private static final int C_RE = 8;
    private static final int C_IM = 9;
    /** The arrays of a {@link View#shapeOnly} view. */
    private static final float[] NO_VALUES = new float[0];

    private Contract() {
    }

    public static void pairwise(String aIdx, float[] aRe, float[] aIm, String bIdx, float[] bRe, float[] bIm,
                                String outIdx, float[] outRe, float[] outIm, IntUnaryOperator sizeOf) {
        long start = KernelMeter.start();
        pairwise(aIdx, aRe, aIm, bIdx, bRe, bIm, outIdx, outRe, outIm, sizeOf, Strategy.AUTO, VectorSupport.enabled());
        if (KernelMeter.ON) {
            KernelMeter.stop(KernelMeter.DETAIL ? "contract " + aIdx + (aIm != null ? "~," : ",") + bIdx
                            + (bIm != null ? "~->" : "->") + outIdx + (outIm != null ? "~" : "") : "contract",
                    start, flops(aIdx, aIm != null, bIdx, bIm != null, outIm != null, sizeOf));
        }
    }

    /** Operations of a contraction: one multiply-add per point of its letters, 2 to 8 flops each. */
    static double flops(String aIdx, boolean aComplex, String bIdx, boolean bComplex, boolean outComplex,
                        IntUnaryOperator sizeOf) {
        double points = 1;
        String letters = aIdx + bIdx;
        for (int p = 0; p < letters.length(); p++) {
            if (letters.indexOf(letters.charAt(p)) == p) {
                points *= sizeOf.applyAsInt(letters.charAt(p));
            }
        }
        int complexSides = (aComplex ? 1 : 0) + (bComplex ? 1 : 0);
        int perPoint = complexSides == 2 ? (outComplex ? 8 : 4) : complexSides == 1 ? (outComplex ? 4 : 2) : 2;
        return points * perPoint;
    }

    /** A dense tensor: its letters with sizes and strides, and its arrays. */
    static final class View {
        final String idx;
        final int[] size;
        final int[] stride;
        final float[] re;
        final float[] im;

        View(String idx, int[] size, float[] re, float[] im) {
            this.idx = idx;
            this.size = size;
            this.stride = new int[size.length];
            int s = 1;
            for (int p = size.length - 1; p >= 0; p--) {
                stride[p] = s;
                s *= size[p];
            }
            this.re = re;
            this.im = im;
        }

        /** A view for deciding how to run a contraction: sizes and strides, no values. */
        static View shapeOnly(String idx, int[] size, boolean complex) {
            return new View(idx, size, NO_VALUES, complex ? NO_VALUES : null);
        }

        /** Real arrays per element: 2 for a complex tensor. */
        int parts() {
            return im == null ? 1 : 2;
        }

        boolean has(char c) {
            return idx.indexOf(c) >= 0;
        }

        int stride(char c) {
            int p = idx.indexOf(c);
            return p < 0 ? 0 : stride[p];
        }

        long count() {
            return count(size);
        }

        static long count(int[] size) {
            long n = 1;
            for (int s : size) {
                n *= s;
            }
            return n;
        }
    }

    static void pairwise(String aIdx, float[] aRe, float[] aIm, String bIdx, float[] bRe, float[] bIm,
                         String outIdx, float[] outRe, float[] outIm, IntUnaryOperator sizeOf,
                         Strategy strategy, boolean vector) {
        Objects.requireNonNull(aRe, "aRe");
        Objects.requireNonNull(bRe, "bRe");
        Objects.requireNonNull(outRe, "outRe");
        Objects.requireNonNull(sizeOf, "sizeOf");
        distinct(aIdx, "first operand");
        distinct(bIdx, "second operand");
        distinct(outIdx, "output");
        for (char c : outIdx.toCharArray()) {
            if (aIdx.indexOf(c) < 0 && bIdx.indexOf(c) < 0) {
                throw new IllegalArgumentException("output index '" + c + "' of " + aIdx + "," + bIdx + "->" + outIdx
                        + " is in neither operand");
            }
        }
        View a = new View(aIdx, sizes(aIdx, sizeOf), aRe, aIm);
        View b = new View(bIdx, sizes(bIdx, sizeOf), bRe, bIm);
        View out = new View(outIdx, sizes(outIdx, sizeOf), outRe, outIm);
        checkLength(a, "first operand");
        checkLength(b, "second operand");
        checkLength(out, "output");
        int outCount = (int) out.count();
        if (outCount == 0) {
            return;
        }
        if (aIm == null && bIm == null && outIm != null) {
            Arrays.fill(outIm, 0, outCount, 0f);
            out = new View(outIdx, out.size, outRe, null);
        }
        for (View t : new View[] {a, b}) {
            for (int p = 0; p < t.size.length; p++) {
                if (t.size[p] == 0) {
                    // An empty sum (the letter is not in the output, which is non-empty).
                    Arrays.fill(outRe, 0, outCount, 0f);
                    if (out.im != null) {
                        Arrays.fill(out.im, 0, outCount, 0f);
                    }
                    return;
                }
            }
        }
        a = sumOut(a, bIdx, outIdx, A_RE, A_IM);
        b = sumOut(b, aIdx, outIdx, B_RE, B_IM);
        Roles r = Roles.of(a, b, outIdx);
        if (r.inner.isEmpty()) {
            broadcastProduct(a, b, out, vector);
        } else if (strategy != Strategy.LOOPS && strategy != Strategy.CANONICAL
                && LaneProducts.applies(a, b, out, r.batch, r.inner, strategy == Strategy.LANES)) {
            new LaneProducts(a, b, out, r.batch, r.rows, r.cols, r.inner).run(vector);
        } else {
            matrixProducts(a, b, out, r, strategy, vector);
        }
    }

    /** What each letter of a contraction is: batch, rows (from a), columns (from b) or contracted, in order. */
    private record Roles(String batch, String rows, String cols, String inner) {
        static Roles of(View a, View b, String outIdx) {
            StringBuilder batch = new StringBuilder();
            StringBuilder rows = new StringBuilder();
            StringBuilder cols = new StringBuilder();
            StringBuilder inner = new StringBuilder();
            for (char c : outIdx.toCharArray()) {
                if (a.has(c) && b.has(c)) {
                    batch.append(c);
                } else if (a.has(c)) {
                    rows.append(c);
                } else {
                    cols.append(c);
                }
            }
            for (char c : a.idx.toCharArray()) {
                if (b.has(c) && outIdx.indexOf(c) < 0) {
                    inner.append(c);
                }
            }
            return new Roles(batch.toString(), rows.toString(), cols.toString(), inner.toString());
        }

        /** Canonical orders: {@code [batch, M, K]}, {@code [batch, K, N]}, {@code [batch, M, N]}. */
        String aOrder() {
            return batch + rows + inner;
        }

        String bOrder() {
            return batch + inner + cols;
        }

        String outOrder() {
            return batch + rows + cols;
        }
    }

    // ---- how a contraction will run, for cost models ----

    /** The way {@link #pairwise} computes a contraction. */
    public enum Path {
        /** No contracted letter: a multiply along the output's innermost letter. */
        BROADCAST,
        /** A batch letter innermost everywhere: sums lane by lane ({@link LaneProducts}). */
        LANES,
        /** Batched matrix products. */
        PRODUCTS
    }

    /**
     * How {@link #pairwise} will compute a contraction, without computing it: the path, for matrix
     * products their count and their {@code [m x k] [k x n]} shape, and the elements it copies on the
     * way (letters summed out of one operand, operands and output permuted into canonical order),
     * and how many threads share the work. The same decisions as the run itself, so a cost model
     * sees what will happen.
     */
    public record Work(Path path, long products, long m, long n, long k, long copied, int parts) {
    }

    /** The work of {@code aIdx,bIdx->outIdx} with the given parts complex (see {@link #pairwise}). */
    public static Work work(String aIdx, boolean aComplex, String bIdx, boolean bComplex, String outIdx,
                            boolean outComplex, IntUnaryOperator sizeOf) {
        View a = View.shapeOnly(aIdx, sizes(aIdx, sizeOf), aComplex);
        View b = View.shapeOnly(bIdx, sizes(bIdx, sizeOf), bComplex);
        View out = View.shapeOnly(outIdx, sizes(outIdx, sizeOf), outComplex && (aComplex || bComplex));
        if (a.count() == 0 || b.count() == 0 || out.count() == 0) {
            return new Work(Path.BROADCAST, 0, 0, 0, 0, 0, 1); // nothing to multiply: at most zeros to write
        }
        long copied = 0;
        String aKept = kept(a, bIdx, outIdx);
        if (aKept.length() < aIdx.length()) {
            copied += a.count() * a.parts();
            a = View.shapeOnly(aKept, sizesIn(aKept, a), aComplex);
        }
        String bKept = kept(b, aIdx, outIdx);
        if (bKept.length() < bIdx.length()) {
            copied += b.count() * b.parts();
            b = View.shapeOnly(bKept, sizesIn(bKept, b), bComplex);
        }
        Roles r = Roles.of(a, b, outIdx);
        if (r.inner.isEmpty()) {
            return new Work(Path.BROADCAST, 0, 0, 0, 0, copied, 1);
        }
        if (LaneProducts.applies(a, b, out, r.batch, r.inner, false)) {
            long lanes = out.size[out.size.length - 1];
            long rows = out.count() / lanes;
            long work = LaneProducts.work(rows, lanes, groupSize(r.inner, a, 0), aComplex && bComplex);
            return new Work(Path.LANES, 0, 0, 0, 0, copied, Parallel.parts((int) rows, 1, work));
        }
        Canonical c = Canonical.of(a, b, out, r, Strategy.AUTO);
        View pa = c.a ? View.shapeOnly(r.aOrder(), sizesIn(r.aOrder(), a), aComplex) : a;
        View pb = c.b ? View.shapeOnly(r.bOrder(), sizesIn(r.bOrder(), b), bComplex) : b;
        View pc = c.out ? View.shapeOnly(r.outOrder(), sizesIn(r.outOrder(), out), out.im != null) : out;
        copied += (c.a ? pa.count() * pa.parts() : 0) + (c.b ? pb.count() * pb.parts() : 0)
                + (c.out ? pc.count() * pc.parts() : 0);
        ProductShape shape = ProductShape.of(pa, pb, pc, r);
        // real products per complex one, as Products makes them: 2 when both operands are complex, twice that
        // when the output's imaginary part is wanted
        int terms = (aComplex && bComplex ? 2 : 1) * (pc.im != null ? 2 : 1);
        int parts = shape.firstLoop == 0 ? 1 : Parallel.parts((int) shape.firstLoop, 1, shape.work(terms));
        return new Work(Path.PRODUCTS, shape.calls, shape.m, shape.n, shape.k, copied, parts);
    }

    // ---- summing out letters of one operand ----

    /** The operand with its letters that are neither in the other operand nor in the output summed out. */
    private static View sumOut(View t, String other, String outIdx, int slotRe, int slotIm) {
        String k = kept(t, other, outIdx);
        if (k.length() == t.idx.length()) {
            return t;
        }
        int[] size = sizesIn(k, t);
        long count = View.count(size);
        View r = new View(k, size, Scratch.get(slotRe, count), t.im == null ? null : Scratch.get(slotIm, count));
        int[] dst = new int[t.idx.length()];
        for (int p = 0; p < dst.length; p++) {
            dst[p] = r.stride(t.idx.charAt(p));
        }
        Arrays.fill(r.re, 0, (int) count, 0f);
        walk(0, t.size, t.stride, dst, t.re, 0, r.re, 0, true);
        if (t.im != null) {
            Arrays.fill(r.im, 0, (int) count, 0f);
            walk(0, t.size, t.stride, dst, t.im, 0, r.im, 0, true);
        }
        return r;
    }

    /** The letters of {@code t} that are in the other operand or the output. */
    private static String kept(View t, String other, String outIdx) {
        StringBuilder keep = new StringBuilder();
        for (char c : t.idx.toCharArray()) {
            if (other.indexOf(c) >= 0 || outIdx.indexOf(c) >= 0) {
                keep.append(c);
            }
        }
        return keep.toString();
    }

    /**
     * {@code dst[do + sum i_p dst_p] (+)= src[so + sum i_p src_p]} over all indices {@code i_p < size_p}
     * (the inner loop along the last dimension): permutations, reductions and output copies.
     */
    private static void walk(int p, int[] size, int[] srcStride, int[] dstStride, float[] src, int so,
                             float[] dst, int dOff, boolean add) {
        if (p == size.length) {
            dst[dOff] = add ? dst[dOff] + src[so] : src[so];
            return;
        }
        int n = size[p];
        int ss = srcStride[p];
        int ds = dstStride[p];
        if (p == size.length - 1) {
            if (add) {
                for (int i = 0; i < n; i++) {
                    dst[dOff + i * ds] += src[so + i * ss];
                }
            } else {
                for (int i = 0; i < n; i++) {
                    dst[dOff + i * ds] = src[so + i * ss];
                }
            }
            return;
        }
        for (int i = 0; i < n; i++) {
            walk(p + 1, size, srcStride, dstStride, src, so + i * ss, dst, dOff + i * ds, add);
        }
    }

    /** {@code t} copied into a fresh row-major layout with its letters in {@code order}. */
    private static View permute(View t, String order, int slotRe, int slotIm) {
        int[] size = sizesIn(order, t);
        long count = View.count(size);
        View r = new View(order, size, Scratch.get(slotRe, count), t.im == null ? null : Scratch.get(slotIm, count));
        // Layout's tiled transposes move the data, not an element-by-element walk
        IntUnaryOperator sizeOf = c -> t.size[t.idx.indexOf(c)];
        Layout.map(t.idx, t.re, order, r.re, sizeOf);
        if (t.im != null) {
            Layout.map(t.idx, t.im, order, r.im, sizeOf);
        }
        return r;
    }

    // ---- no contracted letter: a broadcast product along the output ----

    private static void broadcastProduct(View a, View b, View out, boolean vector) {
        int d = out.idx.length();
        int len = d == 0 ? 1 : out.size[d - 1];
        int sa = d == 0 ? 0 : a.stride(out.idx.charAt(d - 1));
        int sb = d == 0 ? 0 : b.stride(out.idx.charAt(d - 1));
        int outer = d == 0 ? 1 : (int) (out.count() / len);
        int[] idx = new int[Math.max(0, d - 1)];
        int ao = 0;
        int bo = 0;
        int oo = 0;
        for (int r = 0; r < outer; r++, oo += len) {
            productRow(len, a, ao, sa, b, bo, sb, out, oo, vector);
            for (int p = d - 2; p >= 0; p--) {
                char c = out.idx.charAt(p);
                ao += a.stride(c);
                bo += b.stride(c);
                if (++idx[p] < out.size[p]) {
                    break;
                }
                ao -= a.stride(c) * out.size[p];
                bo -= b.stride(c) * out.size[p];
                idx[p] = 0;
            }
        }
    }

    private static void productRow(int len, View a, int ao, int sa, View b, int bo, int sb, View out, int oo,
                                   boolean vector) {
        if (a.im == null && b.im == null) {
            mul(len, a.re, ao, sa, b.re, bo, sb, out.re, oo, vector);
        } else if (b.im == null) {
            mul(len, a.re, ao, sa, b.re, bo, sb, out.re, oo, vector);
            if (out.im != null) {
                mul(len, a.im, ao, sa, b.re, bo, sb, out.im, oo, vector);
            }
        } else if (a.im == null) {
            mul(len, a.re, ao, sa, b.re, bo, sb, out.re, oo, vector);
            if (out.im != null) {
                mul(len, a.re, ao, sa, b.im, bo, sb, out.im, oo, vector);
            }
        } else {
            mul2(len, a.re, b.re, a.im, b.im, -1f, ao, sa, bo, sb, out.re, oo, vector);
            if (out.im != null) {
                mul2(len, a.re, b.im, a.im, b.re, 1f, ao, sa, bo, sb, out.im, oo, vector);
            }
        }
    }

    /** {@code o[oo + i] = x[xo + i*sx] * y[yo + i*sy]}. */
    static void mul(int len, float[] x, int xo, int sx, float[] y, int yo, int sy, float[] o, int oo, boolean vector) {
        int i = 0;
        if (vector && (sx | sy) >>> 1 == 0) {
            i = ContractVector.mul(len, x, xo, sx, y, yo, sy, o, oo);
        }
        for (; i < len; i++) {
            o[oo + i] = x[xo + i * sx] * y[yo + i * sy];
        }
    }

    /** {@code o[oo + i] = x1[..] * y1[..] + sign * x2[..] * y2[..]} (x at xo/sx, y at yo/sy). */
    static void mul2(int len, float[] x1, float[] y1, float[] x2, float[] y2, float sign, int xo, int sx, int yo,
                     int sy, float[] o, int oo, boolean vector) {
        int i = 0;
        if (vector && (sx | sy) >>> 1 == 0) {
            i = ContractVector.mul2(len, x1, y1, x2, y2, sign, xo, sx, yo, sy, o, oo);
        }
        for (; i < len; i++) {
            int xi = xo + i * sx;
            int yi = yo + i * sy;
            o[oo + i] = x1[xi] * y1[yi] + sign * (x2[xi] * y2[yi]);
        }
    }

    // ---- contracted letters: batched matrix products ----

    private static void matrixProducts(View a, View b, View out, Roles r, Strategy strategy, boolean vector) {
        View c = out;
        Canonical canonical = Canonical.of(a, b, out, r, strategy);
        if (canonical.a) {
            a = permute(a, r.aOrder(), PA_RE, PA_IM);
        }
        if (canonical.b) {
            b = permute(b, r.bOrder(), PB_RE, PB_IM);
        }
        if (canonical.out) {
            long count = out.count();
            c = new View(r.outOrder(), sizesIn(r.outOrder(), out), Scratch.get(C_RE, count),
                    out.im == null ? null : Scratch.get(C_IM, count));
        }
        new Products(a, b, c, r, vector).run();
        if (c != out) {
            int[] size = out.size;
            int[] src = new int[size.length];
            for (int p = 0; p < size.length; p++) {
                src[p] = c.stride(out.idx.charAt(p));
            }
            walk(0, size, src, out.stride, c.re, 0, out.re, 0, false);
            if (out.im != null) {
                walk(0, size, src, out.stride, c.im, 0, out.im, 0, false);
            }
        }
    }

    /**
     * Which tensors are permuted into canonical order ({@code [batch, M, K]}, {@code [batch, K, N]},
     * {@code [batch, M, N]}) before the products. When a role's letters do not fuse into one stride,
     * the products run in loops, one call per position of the unfused letters; permuting instead
     * copies whole tensors. The copy wins only when the calls are small and so many that their
     * overhead exceeds {@value #COPY_PER_CALL} copied elements each (a contraction of a long signal
     * with a few weights makes a handful of long products: copying it would cost ten times more).
     */
    private record Canonical(boolean a, boolean b, boolean out) {
        static Canonical of(View a, View b, View out, Roles r, Strategy strategy) {
            boolean always = strategy == Strategy.CANONICAL;
            if (!always && strategy != Strategy.AUTO) {
                return new Canonical(false, false, false);
            }
            Canonical c = new Canonical(always || fusedFrom(r.rows, a, a) != 0 || fusedFrom(r.inner, a, a) != 0,
                    always || fusedFrom(r.inner, b, b) != 0 || fusedFrom(r.cols, b, b) != 0,
                    always || fusedFrom(r.rows, out, out) != 0 || fusedFrom(r.cols, out, out) != 0);
            if (always) {
                return c;
            }
            ProductShape loops = ProductShape.of(a, b, out, r);
            boolean fits = loops.qm == 0 && loops.qn == 0 && loops.qk == 0;
            long copied = (c.a ? a.count() : 0) + (c.b ? b.count() : 0) + (c.out ? out.count() : 0);
            boolean worth = !fits && loops.m * loops.n * loops.k < SMALL_PRODUCT && loops.calls * COPY_PER_CALL > copied;
            return worth ? c : new Canonical(false, false, false);
        }
    }

    /**
     * The matrix products of fixed layouts: each role's letters from {@code qm}, {@code qn},
     * {@code qk} on fuse into one stride, giving {@code [m x k] [k x n]} products; the letters before
     * them, and the batch, are loops making {@code calls} products.
     */
    private record ProductShape(int qm, int qn, int qk, long m, long n, long k, long calls, String outer,
                                long firstLoop) {
        static ProductShape of(View a, View b, View c, Roles r) {
            int qm = fusedFrom(r.rows, a, c);
            int qn = fusedFrom(r.cols, b, c);
            int qk = fusedFrom(r.inner, a, b);
            long m = groupSize(r.rows, a, qm);
            long n = groupSize(r.cols, b, qn);
            long k = groupSize(r.inner, a, qk);
            long calls = c.count() / (m * n) * (groupSize(r.inner, a, 0) / k);
            // output letters the products loop over; the first of them is split between threads
            String outer = r.batch + r.rows.substring(0, qm) + r.cols.substring(0, qn);
            long firstLoop = outer.isEmpty() ? 0 : c.size[c.idx.indexOf(outer.charAt(0))];
            return new ProductShape(qm, qn, qk, m, n, k, calls, outer, firstLoop);
        }

        /** Multiply-adds of all the calls with {@code terms} real products each (what is split between threads). */
        long work(int terms) {
            return m * n * k * calls * terms;
        }
    }

    /**
     * The first position {@code q} from which {@code group[q..]} (in its order) is laid out as one
     * stride in both tensors: each letter's stride is the next one's times its size.
     */
    private static int fusedFrom(String group, View t1, View t2) {
        int q = group.length() - 1;
        if (q < 0) {
            return 0;
        }
        while (q > 0 && fuses(group.charAt(q - 1), group.charAt(q), t1) && fuses(group.charAt(q - 1), group.charAt(q), t2)) {
            q--;
        }
        return q;
    }

    private static boolean fuses(char outerLetter, char innerLetter, View t) {
        int p = t.idx.indexOf(innerLetter);
        return t.stride(outerLetter) == t.stride[p] * t.size[p];
    }

    private static long groupSize(String group, View t, int from) {
        long n = 1;
        for (int q = from; q < group.length(); q++) {
            n *= t.size[t.idx.indexOf(group.charAt(q))];
        }
        return n;
    }

    private static int[] sizesIn(String letters, View t) {
        int[] size = new int[letters.length()];
        for (int p = 0; p < size.length; p++) {
            size[p] = t.size[t.idx.indexOf(letters.charAt(p))];
        }
        return size;
    }

    /** The loops around strided matrix products for fixed operand layouts. */
    private static final class Products {
        private final boolean vector;
        private final ProductShape shape;
        /** Loop letters: batch and the unfused heads of M and N (outer), the unfused head of K (inner). */
        private final int outerCount;
        private final int[] loopSize;
        private final int[] aStep;
        private final int[] bStep;
        private final int[] cStep;
        private final int m;
        private final int n;
        private final int k;
        private final int ars;
        private final int acs;
        private final int brs;
        private final int bcs;
        private final int crs;
        private final int ccs;
        /** The real products: operand parts, output part, sign, and whether it opens its output part. */
        private final float[][] termA;
        private final float[][] termB;
        private final float[][] termC;
        private final float[] termSign;
        private final boolean[] termFirst;

        Products(View a, View b, View c, Roles r, boolean vector) {
            this.vector = vector;
            this.shape = ProductShape.of(a, b, c, r);
            String rows = r.rows;
            String cols = r.cols;
            String inner = r.inner;
            String outer = shape.outer;
            String loops = outer + inner.substring(0, shape.qk);
            outerCount = outer.length();
            loopSize = new int[loops.length()];
            aStep = new int[loops.length()];
            bStep = new int[loops.length()];
            cStep = new int[loops.length()];
            for (int p = 0; p < loops.length(); p++) {
                char l = loops.charAt(p);
                View owner = a.has(l) ? a : b;
                loopSize[p] = owner.size[owner.idx.indexOf(l)];
                aStep[p] = a.stride(l);
                bStep[p] = b.stride(l);
                cStep[p] = c.stride(l);
            }
            m = (int) shape.m;
            n = (int) shape.n;
            k = (int) shape.k;
            char lastRow = rows.isEmpty() ? 0 : rows.charAt(rows.length() - 1);
            char lastCol = cols.isEmpty() ? 0 : cols.charAt(cols.length() - 1);
            char lastInner = inner.charAt(inner.length() - 1);
            ars = rows.isEmpty() ? 0 : a.stride(lastRow);
            crs = rows.isEmpty() ? 0 : c.stride(lastRow);
            bcs = cols.isEmpty() ? 0 : b.stride(lastCol);
            ccs = cols.isEmpty() ? 0 : c.stride(lastCol);
            acs = a.stride(lastInner);
            brs = b.stride(lastInner);

            boolean wantIm = c.im != null;
            int terms = (a.im != null && b.im != null ? 2 : 1) * (wantIm ? 2 : 1);
            termA = new float[terms][];
            termB = new float[terms][];
            termC = new float[terms][];
            termSign = new float[terms];
            termFirst = new boolean[terms];
            int t = 0;
            t = term(t, a.re, b.re, c.re, 1f, true);
            if (a.im != null && b.im != null) {
                t = term(t, a.im, b.im, c.re, -1f, false);
                if (wantIm) {
                    t = term(t, a.re, b.im, c.im, 1f, true);
                    term(t, a.im, b.re, c.im, 1f, false);
                }
            } else if (wantIm) {
                term(t, a.im != null ? a.im : a.re, b.im != null ? b.im : b.re, c.im, 1f, true);
            }
        }

        private int term(int t, float[] x, float[] y, float[] z, float sign, boolean first) {
            termA[t] = x;
            termB[t] = y;
            termC[t] = z;
            termSign[t] = sign;
            termFirst[t] = first;
            return t + 1;
        }

        void run() {
            if (outerCount == 0) {
                loop(0, 0, 0, 0, true);
                return;
            }
            // the first loop is over output positions: its iterations are independent
            Parallel.forRange(loopSize[0], 1, shape.work(termA.length), (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    loop(1, i * aStep[0], i * bStep[0], i * cStep[0], true);
                }
            });
        }

        /** Loop level {@code p}; {@code first} is whether every contracted loop index so far is 0. */
        private void loop(int p, int ao, int bo, int co, boolean first) {
            if (p == loopSize.length) {
                for (int t = 0; t < termA.length; t++) {
                    boolean accumulate = !(first && termFirst[t]);
                    if (vector) {
                        Gemm.vector(m, n, k, termSign[t], termA[t], ao, ars, acs, termB[t], bo, brs, bcs,
                                termC[t], co, crs, ccs, accumulate);
                    } else {
                        Gemm.scalar(m, n, k, termSign[t], termA[t], ao, ars, acs, termB[t], bo, brs, bcs,
                                termC[t], co, crs, ccs, accumulate);
                    }
                }
                return;
            }
            boolean contracted = p >= outerCount;
            for (int i = 0; i < loopSize[p]; i++) {
                loop(p + 1, ao + i * aStep[p], bo + i * bStep[p], co + i * cStep[p], first && (!contracted || i == 0));
            }
        }
    }

    // ---- checks ----

    private static void distinct(String idx, String what) {
        Objects.requireNonNull(idx, what + " indices");
        for (int p = 0; p < idx.length(); p++) {
            if (idx.indexOf(idx.charAt(p)) != p) {
                throw new IllegalArgumentException(what + " indices \"" + idx + "\" repeat '" + idx.charAt(p)
                        + "' (diagonals are not supported)");
            }
        }
    }

    private static int[] sizes(String idx, IntUnaryOperator sizeOf) {
        int[] size = new int[idx.length()];
        for (int p = 0; p < size.length; p++) {
            size[p] = sizeOf.applyAsInt(idx.charAt(p));
            if (size[p] < 0) {
                throw new IllegalArgumentException("index '" + idx.charAt(p) + "' has negative size " + size[p]);
            }
        }
        return size;
    }

    private static void checkLength(View t, String what) {
        long count = t.count();
        if (t.re.length < count || (t.im != null && t.im.length < count)) {
            throw new IllegalArgumentException(what + " \"" + t.idx + "\" of shape " + Arrays.toString(t.size)
                    + " needs " + count + " elements, its arrays have " + t.re.length
                    + (t.im == null ? "" : " and " + t.im.length));
        }
    }
}
