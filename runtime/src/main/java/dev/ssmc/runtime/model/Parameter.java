package dev.ssmc.runtime.model;

import java.util.Arrays;

/** One stored tensor of a network: its checkpoint key, shape and role. */
public record Parameter(String key, int[] shape, Role role) {
    /** What a tensor is; it decides its initialization and optimizer group. */
    public enum Role {
        /** An SSM's A or log_dt: a smaller learning rate, no weight decay. */
        DYNAMICS,
        WEIGHT,
        BIAS,
        NORM,
        RUNNING_MEAN,
        RUNNING_VAR;

        public boolean trainable() {
            return this != RUNNING_MEAN && this != RUNNING_VAR;
        }
    }

    public Parameter {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Parameter p && key.equals(p.key) && role == p.role && Arrays.equals(shape, p.shape);
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
