package dev.ssmc.compiler.ir;

import java.util.Arrays;

/** One stored tensor of a network: its checkpoint key, shape and role. */
public record ParamSpec(String key, ParamRole role, int[] shape) {
    public static ParamSpec of(String key, ParamRole role, int... shape) {
        return new ParamSpec(key, role, shape.clone());
    }

    /** The element count, exact for any shape (a network too large for memory has tensors past int). */
    public long elements() {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The element count of a tensor that fits an array; an ArithmeticException, not a wrapped count, for one that does not. */
    public int size() {
        return Math.toIntExact(elements());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && key.equals(p.key) && role == p.role && Arrays.equals(shape, p.shape);
    }

    @Override
    public int hashCode() {
        return key.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return key + Arrays.toString(shape);
    }
}
