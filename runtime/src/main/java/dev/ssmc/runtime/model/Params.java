package dev.ssmc.runtime.model;

/** A network's stored tensors by checkpoint key. */
@FunctionalInterface
public interface Params {
    /** The tensor's values (the live array: training updates it in place); an error if there is none. */
    float[] get(String key);

    /** The key of a tensor under a module prefix ("" for none). */
    static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
