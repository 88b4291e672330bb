package dev.ssmc.gentests.support;

import java.util.Map;
import java.util.Random;

/**
 * One try of a property on a structure: the batch, the input length, the weights and the input,
 * drawn in this order from the try's seed. A property draws what else it needs (chunk splits,
 * output gradients) from the same {@link #rnd} afterwards, so the seed reproduces the whole try.
 */
public record Case(Structure structure, long seed, Random rnd, int batch, int length, Map<String, float[]> weights,
                   float[] input) {

    /** A try with a batch of {@code minBatch} to {@code maxBatch} and an input of at most about {@code maxLength} samples. */
    public static Case draw(Structure s, long seed, int minBatch, int maxBatch, int maxLength) {
        Random rnd = new Random(seed);
        int batch = minBatch + rnd.nextInt(maxBatch - minBatch + 1);
        int length = s.randomLength(rnd, maxLength);
        Map<String, float[]> w = RandomValues.weights(s.network(), rnd);
        float[] x = RandomValues.gaussian(rnd, batch * s.network().inChannels() * length);
        return new Case(s, seed, rnd, batch, length, w, x);
    }

    /** What a failure message shows to reproduce the try: {@code what} first, then batch, length, seed and the structure. */
    public String context(String what) {
        return (what.isEmpty() ? "" : what + ", ") + "batch " + batch + ", length " + length + ", seed " + seed + ", "
                + structure.describe();
    }
}
