package dev.ssmc.compiler.plan;

import java.util.List;
import java.util.Map;

/**
 * One pass of one SSM block as a tensor contraction with its time coupling: operands with
 * indices (time {@code t}, {@code s}, {@code l}), the output's indices, every index's size, and
 * whether a state is carried in from and out to the previous and next call (streaming).
 *
 * @param block a name for the block, for reports ("backbone.2.0.layer")
 */
public record ContractionSpec(String block, Pass pass, List<Operand> operands, String output,
                              Map<Character, Integer> sizes, boolean carry) {
    public ContractionSpec {
        operands = List.copyOf(operands);
        sizes = Map.copyOf(sizes);
    }

    public int size(char index) {
        Integer s = sizes.get(index);
        if (s == null) {
            throw new IllegalArgumentException("no size for index '" + index + "' in " + this);
        }
        return s;
    }

    /** The sequence length (the size of every time index). */
    public int length() {
        return size('t');
    }

    public TimeRole outputRole() {
        for (char c : output.toCharArray()) {
            if (c == 't') {
                return TimeRole.UP;
            }
            if (c == 's') {
                return TimeRole.DOWN;
            }
            if (c == 'l') {
                return TimeRole.LAG;
            }
        }
        return TimeRole.NONE;
    }

    /** Whether the output is complex (the dynamics gradient); every other pass takes real parts. */
    public boolean complexOutput() {
        return operands.stream().anyMatch(o -> o.kind() == Operand.Kind.LAG_KERNEL);
    }

    public int kernelOperand() {
        for (int i = 0; i < operands.size(); i++) {
            if (operands.get(i).isKernel()) {
                return i;
            }
        }
        throw new IllegalStateException("no kernel operand in " + this);
    }

    /** The einsum-like text of the spec, e.g. {@code bct,nc,nl,dn->bds}. */
    public String einsum() {
        StringBuilder sb = new StringBuilder();
        for (Operand o : operands) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(o.indices());
        }
        return sb.append("->").append(output).toString();
    }

    @Override
    public String toString() {
        return block + " " + pass.label() + " " + einsum();
    }
}
