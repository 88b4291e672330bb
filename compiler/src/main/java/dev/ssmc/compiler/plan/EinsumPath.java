package dev.ssmc.compiler.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The optimal pairwise contraction order of a plain einsum under opt_einsum's FLOP convention: a
 * step that contracts two tensors costs the product of the sizes of all the indices it touches,
 * doubled when it sums an index away. The search is a dynamic program over subsets of operands,
 * so it finds the exact optimum over every contraction tree (outer products included), as
 * opt_einsum's {@code optimal} does.
 */
public final class EinsumPath {
    /** One pairwise step: the operands' positions in the current list (as opt_einsum reports them), and the result. */
    public record Step(int first, int second, String left, String right, String result, long flops) {
    }

    /** The path: the steps in order and their total cost. */
    public record Path(List<Step> steps, long flops) {
    }

    /** The most operands the search takes: it keeps a table of 2^n subsets. */
    public static final int MAX_OPERANDS = 16;

    private final Einsum einsum;
    private final int n;
    private final long[] best;
    private final int[] split;
    private final String[] indices;

    private EinsumPath(Einsum einsum) {
        this.einsum = einsum;
        this.n = einsum.operands().size();
        if (n > MAX_OPERANDS) {
            throw new IllegalArgumentException("the optimal search handles up to " + MAX_OPERANDS + " operands, got " + n);
        }
        this.best = new long[1 << n];
        this.split = new int[1 << n];
        this.indices = new String[1 << n];
    }

    public static Path optimal(Einsum einsum) {
        EinsumPath p = new EinsumPath(einsum);
        p.solve();
        return p.path();
    }

    /** The indices a subset's intermediate keeps: those also used outside it or in the output. */
    private String indicesOf(int subset) {
        if (indices[subset] != null) {
            return indices[subset];
        }
        StringBuilder inside = new StringBuilder();
        StringBuilder outside = new StringBuilder(einsum.output());
        for (int i = 0; i < n; i++) {
            StringBuilder target = (subset & (1 << i)) != 0 ? inside : outside;
            for (char c : einsum.operands().get(i).toCharArray()) {
                if (target.indexOf(String.valueOf(c)) < 0) {
                    target.append(c);
                }
            }
        }
        StringBuilder kept = new StringBuilder();
        for (char c : inside.toString().toCharArray()) {
            if (outside.indexOf(String.valueOf(c)) >= 0) {
                kept.append(c);
            }
        }
        if (Integer.bitCount(subset) == 1) {
            // a single operand keeps its own indices, as given
            kept = new StringBuilder(einsum.operands().get(Integer.numberOfTrailingZeros(subset)));
        }
        indices[subset] = kept.toString();
        return indices[subset];
    }

    /** The cost of contracting two intermediates: the product over their union, times 2 if the result drops an index. */
    long pairCost(String a, String b, String result) {
        StringBuilder union = new StringBuilder(a);
        for (char c : b.toCharArray()) {
            if (union.indexOf(String.valueOf(c)) < 0) {
                union.append(c);
            }
        }
        long size = 1;
        for (char c : union.toString().toCharArray()) {
            size = Math.multiplyExact(size, einsum.sizes().get(c));
        }
        boolean inner = union.length() > result.length();
        return inner ? Math.multiplyExact(size, 2) : size;
    }

    private void solve() {
        int full = (1 << n) - 1;
        for (int s = 1; s <= full; s++) {
            if (Integer.bitCount(s) == 1) {
                best[s] = 0;
                continue;
            }
            best[s] = Long.MAX_VALUE;
            String result = s == full ? einsum.output() : indicesOf(s);
            // enumerate splits with the lowest member in the first part, so each split is seen once
            int low = Integer.lowestOneBit(s);
            for (int a = (s - 1) & s; a > 0; a = (a - 1) & s) {
                if ((a & low) == 0) {
                    continue;
                }
                int b = s & ~a;
                long c = best[a] + best[b] + pairCost(indicesOf(a), indicesOf(b), result);
                if (c < best[s]) {
                    best[s] = c;
                    split[s] = a;
                }
            }
        }
    }

    /** Replays the optimal tree as opt_einsum-style steps over a shrinking list of operands. */
    private Path path() {
        int full = (1 << n) - 1;
        List<Step> steps = new ArrayList<>();
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            live.add(1 << i);
        }
        emit(full, steps, live);
        return new Path(steps, best[full]);
    }

    private void emit(int subset, List<Step> steps, List<Integer> live) {
        if (Integer.bitCount(subset) == 1) {
            return;
        }
        int a = split[subset];
        int b = subset & ~a;
        emit(a, steps, live);
        emit(b, steps, live);
        int ia = live.indexOf(a);
        int ib = live.indexOf(b);
        String result = subset == (1 << n) - 1 ? einsum.output() : indicesOf(subset);
        long flops = pairCost(indicesOf(a), indicesOf(b), result);
        steps.add(new Step(Math.min(ia, ib), Math.max(ia, ib), indicesOf(a), indicesOf(b), result, flops));
        live.remove(Integer.valueOf(a));
        live.remove(Integer.valueOf(b));
        live.add(subset);
    }
}
