package dev.ssmc.runtime.train;

/**
 * One example in memory.
 *
 * @param source where it came from: a path relative to the data set's folder with forward slashes
 *     ({@code yes/abc_nohash_0.wav}), or for a silence item a description of the noise segment
 *     ({@code silence:pinknoise.wav@81234*0.41})
 * @param label its class index (an index into {@link SpeechCommands#labels()})
 * @param samples its samples at the data set's clip length; shared, not copied: do not modify
 */
public record Clip(String source, int label, float[] samples) {
    @Override
    public String toString() {
        return "Clip[" + source + ", label " + label + ", " + samples.length + " samples]";
    }
}
