package dev.ssmc.runtime.train;

/**
 * A noisy recording and the clean speech in it, as long as each other: a fixed test or validation
 * item of an enhancement data set, read or mixed whole.
 *
 * @param name the item's file name ({@code en-029-Alex_0.wav}), which names it in reports
 * @param noisy the network's input; shared, not copied: do not modify
 * @param clean what the network should output; shared, not copied: do not modify
 */
public record NoisyPair(String name, float[] noisy, float[] clean) {
    public NoisyPair {
        if (noisy.length != clean.length) {
            throw new IllegalArgumentException(name + ": the noisy signal has " + noisy.length
                    + " samples but the clean one " + clean.length);
        }
    }

    /** Samples in each signal. */
    public int length() {
        return clean.length;
    }

    @Override
    public String toString() {
        return "NoisyPair[" + name + ", " + clean.length + " samples]";
    }
}
