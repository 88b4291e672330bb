package dev.ssmc.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class EinsumPathTest {
    @Test
    void theClassicTransformationTakesFourStepsOfNToTheFive() {
        EinsumPath.Path p = EinsumPath.optimal(Einsum.parse("pi,qj,ijkl,rk,sl->pqrs",
                "p=10,q=10,i=10,j=10,k=10,l=10,r=10,s=10"));
        assertEquals(4, p.steps().size());
        assertEquals(800_000, p.flops());
        p.steps().forEach(s -> assertEquals(200_000, s.flops()));
    }

    @Test
    void aChainIsContractedFromItsCheapEnd() {
        // (ab)(bc) first costs 2*2*1000*3 = 12000 then (ac)(cd) 2*2*3*4 = 48; the other order costs far more
        EinsumPath.Path p = EinsumPath.optimal(Einsum.parse("ab,bc,cd->ad", "a=2,b=1000,c=3,d=4"));
        assertEquals(12_000 + 48, p.flops());
        assertEquals("ab", p.steps().get(0).left());
        assertEquals("bc", p.steps().get(0).right());
    }

    @Test
    void productsWithoutASummedIndexCostTheirSizeOnce() {
        assertEquals(6, EinsumPath.optimal(Einsum.parse("a,b->ab", "a=2,b=3")).flops());
        assertEquals(12, EinsumPath.optimal(Einsum.parse("a,b->", "a=2,b=3")).flops());
    }

    @Test
    void badExpressionsSayWhatIsWrong() {
        assertEquals("no size given for index 'c'; add c=N to --sizes",
                assertThrows(IllegalArgumentException.class, () -> Einsum.parse("ab,bc->ac", "a=2,b=3")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Einsum.parse("ab,bc", "a=2"))
                .getMessage().contains("has no '->'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Einsum.parse("aab,bc->c", "a=2,b=2,c=2"))
                .getMessage().contains("repeats index 'a'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Einsum.parse("ab,bc->ax", "a=2,b=2,c=2"))
                .getMessage().contains("output index 'x' appears in no operand"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Einsum.parse("ab,bc->ac", "a=2,b=0,c=1"))
                .getMessage().contains("must be at least 1"));
    }

    /** The dynamic program finds the cheapest of every pairwise contraction sequence. */
    @Test
    void theDynamicProgramMatchesBruteForce() {
        Property.forAll(300, einsums(), this::theDynamicProgramMatchesBruteForce);
    }

    private void theDynamicProgramMatchesBruteForce(Einsum e) {
        assertEquals(bruteForce(new ArrayList<>(e.operands()), e), EinsumPath.optimal(e).flops());
    }

    /** Tries every pair at every step (independent of the subset formulation). */
    private static long bruteForce(List<String> ops, Einsum e) {
        if (ops.size() == 1) {
            return 0;
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < ops.size(); i++) {
            for (int j = i + 1; j < ops.size(); j++) {
                List<String> rest = new ArrayList<>(ops);
                String a = rest.get(i);
                String b = rest.get(j);
                rest.remove(j);
                rest.remove(i);
                StringBuilder keep = new StringBuilder();
                String union = a + b.chars().filter(c -> a.indexOf(c) < 0)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append);
                for (char c : union.toCharArray()) {
                    boolean used = e.output().indexOf(c) >= 0 || rest.stream().anyMatch(o -> o.indexOf(c) >= 0);
                    if (used) {
                        keep.append(c);
                    }
                }
                long size = 1;
                for (char c : union.toCharArray()) {
                    size *= e.sizes().get(c);
                }
                long cost = keep.length() < union.length() ? 2 * size : size;
                List<String> next = new ArrayList<>(rest);
                next.add(rest.isEmpty() ? e.output() : keep.toString());
                best = Math.min(best, cost + bruteForce(next, e));
            }
        }
        return best;
    }

    private static Gen<Einsum> einsums() {
        return longs().all().map(seed -> {
            java.util.Random r = new java.util.Random(seed);
            String letters = "abcdefg";
            int n = 2 + r.nextInt(4);
            List<String> ops = new ArrayList<>();
            Map<Character, Long> sizes = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                StringBuilder sb = new StringBuilder();
                for (char c : letters.toCharArray()) {
                    if (r.nextInt(3) == 0) {
                        sb.append(c);
                    }
                }
                if (sb.length() == 0) {
                    sb.append(letters.charAt(r.nextInt(letters.length())));
                }
                ops.add(sb.toString());
            }
            StringBuilder out = new StringBuilder();
            for (String o : ops) {
                for (char c : o.toCharArray()) {
                    sizes.putIfAbsent(c, 1L + r.nextInt(6));
                    if (out.indexOf(String.valueOf(c)) < 0 && r.nextInt(3) == 0) {
                        out.append(c);
                    }
                }
            }
            return new Einsum(ops, out.toString(), sizes);
        });
    }
}
