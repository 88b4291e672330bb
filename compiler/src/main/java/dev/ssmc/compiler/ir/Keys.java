package dev.ssmc.compiler.ir;

/** Checkpoint key paths: dot-joined module names, as the reference's state dict spells them. */
public final class Keys {
    private Keys() {
    }

    public static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}
