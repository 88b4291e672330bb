package dev.ssmc.runtime.model;

import java.util.ArrayDeque;

/** What layers keep from their forward pass for their backward pass, last in, first out. */
public final class Tape {
    private final ArrayDeque<Object> stack = new ArrayDeque<>();

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
