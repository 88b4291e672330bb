package dev.ssmc.compiler.plan;

import java.util.ArrayList;
import java.util.List;

/** A contraction tree over a spec's operands: leaves are operands, inner nodes pairwise joins. */
public sealed interface Tree permits Tree.Leaf, Tree.Join {
    /** The operands under this node, as a bit set. */
    int subset();

    /** An operand. */
    record Leaf(int operand) implements Tree {
        @Override
        public int subset() {
            return 1 << operand;
        }

        @Override
        public String toString() {
            return Integer.toString(operand);
        }
    }

    /** The join of two subtrees (unordered: the one holding the lowest operand is on the left). */
    record Join(Tree left, Tree right) implements Tree {
        @Override
        public int subset() {
            return left.subset() | right.subset();
        }

        @Override
        public String toString() {
            return "(" + left + " " + right + ")";
        }
    }

    /** Every contraction tree over operands {@code 0..count-1}: (2k-3)!! of them (3, 15, 105, 945 for 3..6). */
    static List<Tree> all(int count) {
        List<Tree> trees = new ArrayList<>();
        trees.add(new Leaf(0));
        for (int k = 1; k < count; k++) {
            List<Tree> next = new ArrayList<>();
            for (Tree t : trees) {
                insertEverywhere(t, new Leaf(k), next);
            }
            trees = next;
        }
        return trees;
    }

    /** Every tree made by attaching {@code leaf} above one node of {@code t}. */
    private static void insertEverywhere(Tree t, Leaf leaf, List<Tree> out) {
        out.add(new Join(t, leaf));
        if (t instanceof Join j) {
            List<Tree> lefts = new ArrayList<>();
            insertEverywhere(j.left(), leaf, lefts);
            for (Tree l : lefts) {
                out.add(new Join(l, j.right()));
            }
            List<Tree> rights = new ArrayList<>();
            insertEverywhere(j.right(), leaf, rights);
            for (Tree r : rights) {
                out.add(new Join(j.left(), r));
            }
        }
    }

    /** Renders a tree with operand names, e.g. {@code ((u B) V) C}. */
    static String render(Tree t, List<Operand> operands) {
        if (t instanceof Leaf l) {
            return operands.get(l.operand()).name();
        }
        Join j = (Join) t;
        return "(" + render(j.left(), operands) + " " + render(j.right(), operands) + ")";
    }
}
