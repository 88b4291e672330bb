package dev.ssmc.runtime.stream;

import java.util.Arrays;

/**
 * The running thread's scratch arrays: frames a node passes between its parts within one call (a
 * chain's frames between nodes, a residual block's body output, an activation's frames before its
 * glu), which no call leaves anything in. They belong to the thread, not to a stream: a server's
 * thousand streams on two threads keep two sets of them instead of a thousand, a stream holds its
 * state (and an SSM block's frames before its mixer), and a call touches less memory (with many
 * streams, whatever a stream holds comes from main memory at each of its calls: the keyword
 * spotter's streams went from 40 to 26 KB, and one thread kept 20% more of them in real time).
 *
 * <p>A stack: a call takes arrays, makes its inner calls (which take the next ones, as a residual
 * block's body chain does) and gives them back ({@link #release}) before it returns. Each level
 * keeps the largest array it was asked for, so a thread allocates nothing once it has run calls of
 * the sizes it meets, or reserved them ({@link FrameNode#reserve} takes what {@code process} will).
 */
final class Scratch {
    private static final ThreadLocal<Scratch> THREADS = ThreadLocal.withInitial(Scratch::new);

    private float[][] levels = new float[16][];
    private int depth;

    private Scratch() {
    }

    /** The calling thread's scratch. */
    static Scratch ofThread() {
        return THREADS.get();
    }

    /** The levels taken so far: what a call passes to {@link #release} when it is done. */
    int depth() {
        return depth;
    }

    /** The next level's array, at least {@code size} floats, holding whatever an earlier call left in it. */
    float[] take(long size) {
        if (depth == levels.length) {
            levels = Arrays.copyOf(levels, 2 * depth);
        }
        float[] a = Buffers.atLeast(levels[depth], size);
        levels[depth++] = a;
        return a;
    }

    /** Gives back every level taken since {@link #depth} returned {@code mark}. */
    void release(int mark) {
        depth = mark;
    }
}
