package dev.ssmc.compiler.plan;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain einsum expression such as {@code "bct,nc,dn->bdt"}: operands and output as strings of
 * single-letter indices, with a size for every letter.
 */
public record Einsum(List<String> operands, String output, Map<Character, Long> sizes) {

    public Einsum {
        operands = List.copyOf(operands);
        sizes = Map.copyOf(sizes);
    }

    /**
     * Parses {@code expr} ("ab,bc->ac") with sizes "a=2,b=3,c=4". Errors are {@link InvalidInputException}s
     * that say what is wrong and where.
     */
    public static Einsum parse(String expr, String sizeList) {
        String e = expr.replace(" ", "");
        int arrow = e.indexOf("->");
        if (arrow < 0) {
            throw new InvalidInputException("'" + expr + "' has no '->': write the output indices explicitly, as in ab,bc->ac");
        }
        String lhs = e.substring(0, arrow);
        String out = e.substring(arrow + 2);
        List<String> ops = new ArrayList<>(List.of(lhs.split(",", -1)));
        if (ops.size() < 2) {
            throw new InvalidInputException("'" + expr + "' has one operand; a path needs at least two");
        }
        Map<Character, Long> sizes = parseSizes(sizeList);
        for (int i = 0; i < ops.size(); i++) {
            checkIndices(ops.get(i), "operand " + (i + 1));
        }
        checkIndices(out, "the output");
        for (char c : out.toCharArray()) {
            if (ops.stream().noneMatch(o -> o.indexOf(c) >= 0)) {
                throw new InvalidInputException("output index '" + c + "' appears in no operand");
            }
        }
        for (String o : ops) {
            for (char c : o.toCharArray()) {
                if (!sizes.containsKey(c)) {
                    throw new InvalidInputException("no size given for index '" + c + "'; add " + c + "=N to --sizes");
                }
            }
        }
        checkCostsFit(ops, sizes);
        return new Einsum(ops, out, sizes);
    }

    /**
     * A step's cost is at most twice the product of every index's size, and a path has at most 15
     * steps ({@link EinsumPath#MAX_OPERANDS}), so a product below 2^58 keeps every cost in a long.
     */
    private static void checkCostsFit(List<String> ops, Map<Character, Long> sizes) {
        java.util.Set<Character> used = new java.util.TreeSet<>();
        ops.forEach(o -> o.chars().forEach(c -> used.add((char) c)));
        double product = 1;
        for (char c : used) {
            product *= sizes.get(c);
        }
        if (product >= 0x1p58) {
            throw new InvalidInputException(String.format(java.util.Locale.ROOT, "the sizes multiply to %.3g, over 2^58:"
                    + " the path's cost in flops would not fit in 64 bits", product));
        }
    }

    private static void checkIndices(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!Character.isLetter(c)) {
                throw new InvalidInputException(what + " '" + s + "' has '" + c + "'; indices are single letters");
            }
            if (s.indexOf(c, i + 1) >= 0) {
                throw new InvalidInputException(what + " '" + s + "' repeats index '" + c
                        + "' (traces and diagonals are not supported)");
            }
        }
    }

    static Map<Character, Long> parseSizes(String list) {
        Map<Character, Long> sizes = new LinkedHashMap<>();
        if (list == null || list.isBlank()) {
            return sizes;
        }
        for (String item : list.split(",")) {
            String[] kv = item.trim().split("=");
            if (kv.length != 2 || kv[0].trim().length() != 1 || !Character.isLetter(kv[0].trim().charAt(0))) {
                throw new InvalidInputException("size '" + item.trim() + "' is not of the form a=N");
            }
            long v;
            try {
                v = Long.parseLong(kv[1].trim());
            } catch (NumberFormatException ex) {
                throw new InvalidInputException("size of '" + kv[0].trim() + "' is not a whole number: '" + kv[1].trim() + "'");
            }
            if (v < 1) {
                throw new InvalidInputException("size of '" + kv[0].trim() + "' must be at least 1, got " + v);
            }
            sizes.put(kv[0].trim().charAt(0), v);
        }
        return sizes;
    }
}
