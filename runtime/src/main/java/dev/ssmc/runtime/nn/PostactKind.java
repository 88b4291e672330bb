package dev.ssmc.runtime.nn;

import java.util.Locale;

/**
 * The pointwise nonlinearities after a norm ({@code postact} in the reference), by their reference
 * spellings. What each one computes is described in {@link Postact}.
 */
public enum PostactKind {
    /** No nonlinearity (the reference's {@code None}). */
    IDENTITY("identity"),
    /** {@code max(x, 0)}. */
    RELU("relu"),
    /** {@code min(max(x, 0), 6)}. */
    RELU6("relu6"),
    /** Leaky ReLU with slope 0.1: {@code x > 0 ? x : 0.1 x}. */
    LELU("lelu"),
    /** {@code 1 / (1 + exp(-x))}. */
    SIGMOID("sigmoid"),
    /** {@code tanh(x)}. */
    TANH("tanh"),
    /** Exact GELU, {@code 0.5 x (1 + erf(x / sqrt 2))}. */
    GELU("gelu"),
    /** {@code nn.GLU(dim=1)}: channels split into halves {@code a | b}, {@code a * sigmoid(b)}; halves the channels. */
    GLU("glu"),
    /** {@code x * sigmoid(x)}. */
    SILU("silu");

    private final String spelling;

    PostactKind(String spelling) {
        this.spelling = spelling;
    }

    /** The reference's name ({@code "relu"}, {@code "gelu"}, ...). */
    public String spelling() {
        return spelling;
    }

    /** Whether the output has as many channels as the input (everything but {@link #GLU}). */
    public boolean isElementwise() {
        return this != GLU;
    }

    /**
     * The kind for a reference spelling; {@code null}, {@code "null"} and {@code "identity"} mean
     * {@link #IDENTITY}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static PostactKind of(String spelling) {
        if (spelling == null || spelling.equals("null")) {
            return IDENTITY;
        }
        String s = spelling.toLowerCase(Locale.ROOT);
        for (PostactKind k : values()) {
            if (k.spelling.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown postact '" + spelling + "' (expected one of identity, relu, "
                + "relu6, lelu, sigmoid, tanh, gelu, glu, silu)");
    }

    @Override
    public String toString() {
        return spelling;
    }
}
