package dev.ssmc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link Contract} against a naive einsum evaluator in double: random index strings with every
 * role, sizes 1 to 6, real and complex operands, real-part-only outputs; every strategy (loops
 * around strided products, canonical permutations, lane-wise sums, the automatic choice) on both
 * paths.
 */
class ContractTest {

    /** A naive einsum in double: {re, im, sum of |terms|} of out[outIdx] = sum a[aIdx] b[bIdx]. */
    static double[][] naive(String aIdx, float[] aRe, float[] aIm, String bIdx, float[] bRe, float[] bIm,
                            String outIdx, IntUnaryOperator sizeOf) {
        String all = outIdx;
        for (char c : (aIdx + bIdx).toCharArray()) {
            if (all.indexOf(c) < 0) {
                all += c;
            }
        }
        int[] size = new int[all.length()];
        long total = 1;
        for (int p = 0; p < size.length; p++) {
            size[p] = sizeOf.applyAsInt(all.charAt(p));
            total *= size[p];
        }
        int outCount = 1;
        for (char c : outIdx.toCharArray()) {
            outCount *= sizeOf.applyAsInt(c);
        }
        double[][] out = new double[3][outCount];
        int[] idx = new int[all.length()];
        for (long it = 0; it < total; it++) {
            int ai = offset(aIdx, all, idx, sizeOf);
            int bi = offset(bIdx, all, idx, sizeOf);
            int oi = offset(outIdx, all, idx, sizeOf);
            double ar = aRe[ai];
            double aim = aIm == null ? 0 : aIm[ai];
            double br = bRe[bi];
            double bim = bIm == null ? 0 : bIm[bi];
            out[0][oi] += ar * br - aim * bim;
            out[1][oi] += ar * bim + aim * br;
            out[2][oi] += Math.hypot(ar, aim) * Math.hypot(br, bim);
            for (int p = all.length() - 1; p >= 0; p--) {
                if (++idx[p] < size[p]) {
                    break;
                }
                idx[p] = 0;
            }
        }
        return out;
    }

    private static int offset(String idx, String all, int[] at, IntUnaryOperator sizeOf) {
        int off = 0;
        for (char c : idx.toCharArray()) {
            off = off * sizeOf.applyAsInt(c) + at[all.indexOf(c)];
        }
        return off;
    }

    static float[] random(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        return x;
    }

    static int count(String idx, IntUnaryOperator sizeOf) {
        int n = 1;
        for (char c : idx.toCharArray()) {
            n *= sizeOf.applyAsInt(c);
        }
        return n;
    }

    /** Runs one contraction with every strategy on every path and compares with the naive einsum. */
    static void check(String aIdx, boolean aComplex, String bIdx, boolean bComplex, String outIdx, boolean outComplex,
                      IntUnaryOperator sizeOf, Random rnd) {
        int na = count(aIdx, sizeOf);
        int nb = count(bIdx, sizeOf);
        int no = count(outIdx, sizeOf);
        float[] aRe = random(rnd, na);
        float[] aIm = aComplex ? random(rnd, na) : null;
        float[] bRe = random(rnd, nb);
        float[] bIm = bComplex ? random(rnd, nb) : null;
        float[] aReCopy = aRe.clone();
        float[] bReCopy = bRe.clone();
        double[][] ref = naive(aIdx, aRe, aIm, bIdx, bRe, bIm, outIdx, sizeOf);
        boolean[] vectors = VectorSupport.available() ? new boolean[] {false, true} : new boolean[] {false};
        for (Contract.Strategy strategy : Contract.Strategy.values()) {
            for (boolean vector : vectors) {
                float[] outRe = new float[no + 2];
                float[] outIm = outComplex ? new float[no + 2] : null;
                Arrays.fill(outRe, Float.NaN);
                if (outIm != null) {
                    Arrays.fill(outIm, Float.NaN);
                }
                outRe[no] = 42f;
                Contract.pairwise(aIdx, aRe, aIm, bIdx, bRe, bIm, outIdx, outRe, outIm, sizeOf, strategy, vector);
                String what = aIdx + (aComplex ? "(c)" : "") + "," + bIdx + (bComplex ? "(c)" : "") + "->" + outIdx
                        + (outComplex ? "(c)" : "") + " strategy " + strategy + (vector ? " vector" : " scalar");
                for (int i = 0; i < no; i++) {
                    double tol = 1e-5 * ref[2][i] + 1e-6;
                    if (!(Math.abs(outRe[i] - ref[0][i]) <= tol)) {
                        throw new AssertionError(what + ": re[" + i + "] = " + outRe[i] + ", expected " + ref[0][i]);
                    }
                    if (outIm != null && !(Math.abs(outIm[i] - ref[1][i]) <= tol)) {
                        throw new AssertionError(what + ": im[" + i + "] = " + outIm[i] + ", expected " + ref[1][i]);
                    }
                }
                assertEquals(42f, outRe[no], what + ": wrote past the output");
                assertArrayEquals(aReCopy, aRe, what + ": changed an operand");
                assertArrayEquals(bReCopy, bRe, what + ": changed an operand");
            }
        }
    }

    static IntUnaryOperator sizes(String letters, int... sizes) {
        return c -> sizes[letters.indexOf(c)];
    }

    // ---- the contractions of SSM blocks ----

    @Test
    void flopsCountOneMultiplyAddPerPointOfTheLetters() {
        IntUnaryOperator size = c -> switch (c) { case 'b' -> 2; case 'c' -> 3; case 'd' -> 5; default -> 7; };
        // b*c*d*k = 210 points: the shared letters c and k count once
        assertEquals(210 * 8, Contract.flops("bck", true, "dck", true, true, size));
        assertEquals(210 * 4, Contract.flops("bck", true, "dck", true, false, size));
        assertEquals(210 * 4, Contract.flops("bck", true, "dck", false, true, size));
        assertEquals(210 * 2, Contract.flops("bck", false, "dck", false, false, size));
    }

    @Test
    void ssmBlockContractions() {
        Random rnd = new Random(41);
        IntUnaryOperator size = sizes("bcdnjmtlk", 2, 3, 4, 5, 2, 3, 17, 17, 9);
        // dws in frequency: u[b,c,k] (complex) times the kernel V[c,k] (complex), real part only or full
        check("bck", true, "ck", true, "bck", false, size, rnd);
        check("bck", true, "ck", true, "bck", true, size, rnd);
        // s5: v[b,n,t] = sum_c B[n,c] u[b,c,t]; y[b,d,k] = sum_n C[d,n] w[b,n,k]
        check("nc", false, "bct", false, "bnt", false, size, rnd);
        check("dn", false, "bnk", true, "bdk", true, size, rnd);
        // dws kernel: K[c,l] = sum_n E[c,n] Re V[c,n,l]
        check("cn", false, "cnl", true, "cl", false, size, rnd);
        // full: y[b,d,k] = sum_c K[d,c,k] U[b,c,k] (batch k, contracted c)
        check("dck", true, "bck", true, "bdk", true, size, rnd);
        // neck: E[j,m] V[j,m,l] -> K[j,l]; then B[j,c] u[b,c,t] -> v[b,j,t]
        check("jm", false, "jml", true, "jl", true, size, rnd);
        check("jc", false, "bct", false, "bjt", false, size, rnd);
        // Outer products and full reductions.
        check("bc", false, "dt", true, "bcdt", true, size, rnd);
        check("bct", true, "bct", true, "", true, size, rnd);
        check("n", true, "n", false, "", false, size, rnd);
        check("cn", true, "nd", true, "dc", true, size, rnd);
    }

    @Test
    void lettersOfOneOperandAreSummedOutFirst() {
        Random rnd = new Random(42);
        IntUnaryOperator size = sizes("abcdefg", 3, 4, 2, 5, 3, 2, 4);
        check("abc", false, "cd", false, "ad", false, size, rnd); // b summed from a
        check("abe", true, "bdf", true, "a", true, size, rnd); // e from a, d and f from b
        check("ab", false, "cd", false, "", false, size, rnd); // nothing shared: product of sums
        check("gab", true, "bcg", false, "gc", true, size, rnd);
    }

    @Test
    void layoutsThatDoNotFuseAndNarrowProducts() {
        Random rnd = new Random(43);
        // Row letters split by a batch letter in the output; contracted letters in different orders.
        IntUnaryOperator size = sizes("abcdefg", 40, 3, 33, 5, 20, 7, 2);
        check("abce", false, "ecdb", false, "adbc", false, size, rnd);
        check("gde", true, "edg", true, "gd", true, size, rnd);
        check("ace", false, "eg", false, "cga", false, size, rnd);
        check("aeb", true, "ebf", false, "fba", false, size, rnd);
    }

    @Test
    void workDescribesHowTheContractionRuns() {
        // a scan's output [b, j, m, s] with a block's state weights: a few long products, nothing copied
        Contract.Work neck = Contract.work("bjms", false, "jm", false, "bjs", false, sizes("bjms", 2, 4, 2, 4096));
        assertEquals(new Contract.Work(Contract.Path.PRODUCTS, 8, 4096, 1, 2, 0, 1), neck); // too little work to split
        // contracted letters that do not fuse in b, and a tiny b: b is copied once, one product remains
        Contract.Work small = Contract.work("ijk", false, "kj", false, "i", false, sizes("ijk", 1000, 2, 3));
        assertEquals(new Contract.Work(Contract.Path.PRODUCTS, 1, 1000, 1, 6, 6, 1), small);
        // a letter of one operand only is summed out first (a complex operand: both parts)
        Contract.Work summed = Contract.work("abc", true, "cd", false, "ad", true, sizes("abcd", 3, 4, 5, 6));
        assertEquals(2 * 3 * 4 * 5, summed.copied());
        assertEquals(Contract.Path.BROADCAST, Contract.work("bck", true, "ck", true, "bck", true,
                sizes("bck", 2, 3, 9)).path());
        assertEquals(Contract.Path.LANES, Contract.work("bjk", true, "jk", true, "bk", true,
                sizes("bjk", 8, 4, 1025)).path());
    }

    @Test
    void workCoversEveryMultiplyAddOnce() {
        Property.forAll(200, longs().all(), this::workCoversEveryMultiplyAddOnce);
    }

    private void workCoversEveryMultiplyAddOnce(long seed) {
        Case c = randomCase(new Random(seed));
        Contract.Work w = Contract.work(c.aIdx, c.aComplex, c.bIdx, c.bComplex, c.outIdx, c.outComplex, c.size);
        if (w.path() == Contract.Path.PRODUCTS) {
            // letters of one operand alone are summed out first; the products cover each point of the rest once
            long points = 1;
            String all = c.aIdx + c.bIdx;
            for (int p = 0; p < all.length(); p++) {
                char ch = all.charAt(p);
                boolean inBoth = c.aIdx.indexOf(ch) >= 0 && c.bIdx.indexOf(ch) >= 0;
                if (all.indexOf(ch) == p && (inBoth || c.outIdx.indexOf(ch) >= 0)) {
                    points *= c.size.applyAsInt(ch);
                }
            }
            assertEquals(points, w.products() * w.m() * w.n() * w.k(), c.toString());
        }
        assertTrue(w.copied() >= 0);
    }

    @Test
    void emptyAndUnitSizes() {
        Random rnd = new Random(44);
        check("ab", true, "bc", false, "ac", true, sizes("abc", 1, 1, 1), rnd);
        check("ab", true, "bc", true, "ac", false, sizes("abc", 4, 1, 5), rnd);
        // A zero-size contracted letter: the output is zeros, whatever was there.
        float[] out = {7, 7, 7, 7};
        float[] outIm = {7, 7, 7, 7};
        Contract.pairwise("ab", new float[0], null, "bc", new float[0], new float[0], "ac", out, outIm,
                sizes("abc", 2, 0, 2));
        assertArrayEquals(new float[4], out);
        assertArrayEquals(new float[4], outIm);
        // A zero-size output letter: nothing to write.
        float[] untouched = {3};
        Contract.pairwise("ab", new float[0], null, "bc", new float[6], null, "ac", untouched, null,
                sizes("abc", 0, 2, 3));
        assertEquals(3f, untouched[0]);
        // Real operands with a complex output: the imaginary part is zero.
        float[] re = new float[2];
        float[] im = {5, 5};
        Contract.pairwise("a", new float[] {1, 2}, null, "a", new float[] {3, 4}, null, "a", re, im, sizes("a", 2));
        assertArrayEquals(new float[] {3, 8}, re);
        assertArrayEquals(new float[] {0, 0}, im);
    }

    @Test
    void realPartOnlyIsTheRealPartOfTheFullProduct() {
        Random rnd = new Random(45);
        IntUnaryOperator size = sizes("bcn", 6, 7, 9);
        float[] aRe = random(rnd, 42);
        float[] aIm = random(rnd, 42);
        float[] bRe = random(rnd, 63);
        float[] bIm = random(rnd, 63);
        float[] fullRe = new float[54];
        float[] fullIm = new float[54];
        float[] onlyRe = new float[54];
        Contract.pairwise("bc", aRe, aIm, "cn", bRe, bIm, "bn", fullRe, fullIm, size);
        Contract.pairwise("bc", aRe, aIm, "cn", bRe, bIm, "bn", onlyRe, null, size);
        assertArrayEquals(fullRe, onlyRe);
    }

    @Test
    void badIndexStringsAndArraysAreRejected() {
        IntUnaryOperator size = c -> 2;
        float[] four = new float[4];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Contract.pairwise("aa", four, null, "ab", four, null, "b", four, null, size));
        assertTrue(e.getMessage().contains("\"aa\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Contract.pairwise("ab", four, null, "bc", four, null, "ad", four, null, size));
        assertTrue(e.getMessage().contains("'d'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Contract.pairwise("abc", four, null, "bc", four, null, "a", four, null, size));
        assertTrue(e.getMessage().contains("needs 8"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Contract.pairwise("ab", four, null, "b", four, null, "a", four, null, c -> -1));
    }

    // ---- random contractions ----

    private static final String[] ROLES = {"batch", "contracted", "keptA", "keptB", "sumA", "sumB"};

    @Test
    void randomContractionsMatchNaiveEinsum() {
        Property.forAll(250, longs().all(), this::randomContractionsMatchNaiveEinsum);
    }

    private void randomContractionsMatchNaiveEinsum(long seed) {
        Random rnd = new Random(seed);
        Case c = randomCase(rnd);
        check(c.aIdx, c.aComplex, c.bIdx, c.bComplex, c.outIdx, c.outComplex, c.size, rnd);
    }

    /** A contraction: index strings, which parts are complex, sizes. */
    record Case(String aIdx, boolean aComplex, String bIdx, boolean bComplex, String outIdx, boolean outComplex,
                IntUnaryOperator size) {
        @Override
        public String toString() {
            StringBuilder sizes = new StringBuilder();
            for (char ch : (aIdx + bIdx).toCharArray()) {
                sizes.append(' ').append(ch).append('=').append(size.applyAsInt(ch));
            }
            return aIdx + (aComplex ? "~," : ",") + bIdx + (bComplex ? "~->" : "->") + outIdx + (outComplex ? "~" : "")
                    + sizes;
        }
    }

    /** Up to seven letters in random roles, sizes 1 to 6, at most 30000 points. */
    static Case randomCase(Random rnd) {
        List<Character> a = new ArrayList<>();
        List<Character> b = new ArrayList<>();
        List<Character> out = new ArrayList<>();
        int letters = 1 + rnd.nextInt(7);
        int[] size = new int[26];
        long work = 1;
        for (int i = 0; i < letters; i++) {
            char c = (char) ('a' + i);
            String role = ROLES[rnd.nextInt(ROLES.length)];
            boolean inA = !role.equals("keptB") && !role.equals("sumB");
            boolean inB = !role.equals("keptA") && !role.equals("sumA");
            if ((inA && a.size() >= 5) || (inB && b.size() >= 5)) {
                continue;
            }
            if (inA) {
                a.add(c);
            }
            if (inB) {
                b.add(c);
            }
            if (role.equals("batch") || role.startsWith("kept")) {
                out.add(c);
            }
            size[i] = 1 + rnd.nextInt(6);
            work *= size[i];
        }
        // Keep the naive evaluation quick.
        while (work > 30000) {
            int i = rnd.nextInt(letters);
            if (size[i] > 1) {
                work = work / size[i] * (size[i] - 1);
                size[i]--;
            }
        }
        Collections.shuffle(a, rnd);
        Collections.shuffle(b, rnd);
        Collections.shuffle(out, rnd);
        return new Case(join(a), rnd.nextBoolean(), join(b), rnd.nextBoolean(), join(out), rnd.nextBoolean(),
                c -> size[c - 'a']);
    }

    /**
     * Contractions whose innermost letter is a batch letter of both operands and the output (the
     * shape of channel mixing in frequency), with enough lanes for whole vectors and a tail.
     */
    @Test
    void laneShapedContractionsMatchNaiveEinsum() {
        Property.forAll(150, longs().all(), this::laneShapedContractionsMatchNaiveEinsum);
    }

    private void laneShapedContractionsMatchNaiveEinsum(long seed) {
        Random rnd = new Random(seed);
        List<Character> a = new ArrayList<>();
        List<Character> b = new ArrayList<>();
        List<Character> out = new ArrayList<>();
        int[] size = new int[26];
        int letters = 1 + rnd.nextInt(5);
        for (int i = 1; i <= letters; i++) {
            char c = (char) ('a' + i);
            String role = i == 1 ? "contracted" : ROLES[rnd.nextInt(ROLES.length)];
            boolean inA = !role.equals("keptB") && !role.equals("sumB");
            boolean inB = !role.equals("keptA") && !role.equals("sumA");
            if (inA) {
                a.add(c);
            }
            if (inB) {
                b.add(c);
            }
            if (role.equals("batch") || role.startsWith("kept")) {
                out.add(c);
            }
            size[i] = 1 + rnd.nextInt(4);
        }
        size[0] = 1 + rnd.nextInt(70);
        Collections.shuffle(a, rnd);
        Collections.shuffle(b, rnd);
        Collections.shuffle(out, rnd);
        a.add('a');
        b.add('a');
        out.add('a');
        IntUnaryOperator sizeOf = c -> size[c - 'a'];
        check(join(a), rnd.nextBoolean(), join(b), rnd.nextBoolean(), join(out), rnd.nextBoolean(), sizeOf, rnd);
    }

    private static String join(List<Character> letters) {
        StringBuilder s = new StringBuilder();
        for (char c : letters) {
            s.append(c);
        }
        return s.toString();
    }
}
