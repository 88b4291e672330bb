package dev.ssmc.runtime.model;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * A forward pass's record for its backward pass (last in, first out), and its mode: in training
 * BatchNorm normalizes with the batch's statistics (and updates its running ones) and dropout
 * drops channels; in eval mode neither.
 */
public final class Tape {
    private final ArrayDeque<Object> stack = new ArrayDeque<>();
    private final boolean training;
    private final SplittableRandom random;

    private Tape(boolean training, SplittableRandom random) {
        this.training = training;
        this.random = random;
    }

    /** A tape for a forward pass in eval mode. */
    public static Tape eval() {
        return new Tape(false, null);
    }

    /** A tape for a training step; dropout draws from {@code random}. */
    public static Tape training(SplittableRandom random) {
        return new Tape(true, random);
    }

    public boolean training() {
        return training;
    }

    public SplittableRandom random() {
        return random;
    }

    public void push(Object o) {
        stack.push(o);
    }

    @SuppressWarnings("unchecked")
    public <T> T pop() {
        return (T) stack.pop();
    }

    public boolean isEmpty() {
        return stack.isEmpty();
    }
}
