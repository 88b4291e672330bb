package dev.ssmc.compiler;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.Random;

/**
 * Random input lengths for properties over networks: any length from one window of the network's
 * resampling on, so that shortening steps see incomplete last windows, and half of the time a
 * whole number of windows (the case a plan is made for); and the part of a full-sequence output
 * a stream gives. Serves the generated-tests module too (this module's test jar).
 */
public final class RandomLengths {
    private RandomLengths() {
    }

    /** A length of about {@code maxLength} samples at most (at least one window, whatever {@code maxLength}). */
    public static int draw(Network network, Random rnd, int maxLength) {
        int window = ShapeInference.infer(network).minimumLength();
        int windows = 1 + rnd.nextInt(Math.max(1, maxLength / window));
        return rnd.nextBoolean() ? windows * window : window + rnd.nextInt(Math.max(1, maxLength - window + 1));
    }

    /**
     * What a stream fed {@code length} samples gives of the full-sequence output {@code full[batch][channels][time]}:
     * all of it, or where skip additions span resampling the output of whole windows only
     * ({@link NetworkShapes#streamedLength}).
     */
    public static Tensor streamedPart(Tensor full, NetworkShapes shapes, int length) {
        int frames = shapes.streamedLength(length);
        int t = full.dim(2);
        int rows = full.dim(0) * full.dim(1);
        float[] out = new float[rows * frames];
        for (int row = 0; row < rows; row++) {
            System.arraycopy(full.data(), row * t, out, row * frames, frames);
        }
        return Tensor.of(out, full.dim(0), full.dim(1), frames);
    }
}
