package dev.ssmc.runtime.model;

/** A network's stored tensors by checkpoint key. */
@FunctionalInterface
public interface Params {
    /** The tensor's values (the live array: training updates it in place); an error if there is none. */
    float[] get(String key);

    /**
     * What {@code make} derives from these tensors (a stream's rearranged weights, say), which the
     * caller will only read: here made afresh at each call; a cache of derived weights (the
     * runtime's {@code StreamWeights}) makes it once under {@code name} and gives every caller the
     * same object, so that many streams of one network share one copy.
     */
    default <T> T shared(String name, java.util.function.Supplier<T> make) {
        return make.get();
    }

    /** The key of a tensor under a module prefix ("" for none). */
    static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
