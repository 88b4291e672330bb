package dev.ssmc.runtime.train;

/**
 * One recorded utterance of a {@link TranscribedSpeech} data set, in memory.
 *
 * @param source where it came from: {@code split/file.wav} inside the data set
 * @param text what was said, {@link Alphabet#normalize normalized}
 * @param labels {@code text} in the data set's alphabet (shared: do not modify)
 * @param samples the audio at the data set's rate (shared: do not modify)
 */
public record Utterance(String source, String text, int[] labels, float[] samples) {
    @Override
    public String toString() {
        return "Utterance[" + source + ", \"" + text + "\", " + samples.length + " samples]";
    }
}
