package dev.ssmc.runtime.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One split of a {@link SpeechCommands} data set in memory: its word clips, its fixed silence
 * items, and what it needs to make fresh silence items (its part of the background noise). Made by
 * {@link SpeechCommands#load}; immutable and thread-safe.
 */
public final class ClipSet {
    private final SpeechCommands data;
    private final SpeechCommands.Split split;
    private final List<Clip> clips;
    private final List<Clip> fixedSilence;

    ClipSet(SpeechCommands data, SpeechCommands.Split split, List<Clip> clips, List<Clip> fixedSilence) {
        this.data = data;
        this.split = split;
        this.clips = List.copyOf(clips);
        this.fixedSilence = List.copyOf(fixedSilence);
    }

    public SpeechCommands.Split split() {
        return split;
    }

    /** The data set this split belongs to (labels, options, noise). */
    public SpeechCommands data() {
        return data;
    }

    /** The class names; a class's index is its label. */
    public List<String> labels() {
        return data.labels();
    }

    /** Samples per clip (every clip, silence items included). */
    public int clipLength() {
        return data.options().clipLength();
    }

    /** The word clips, in path order. */
    public List<Clip> clips() {
        return clips;
    }

    /**
     * The fixed silence items ({@link SpeechCommands.Options#evaluationSilenceCount()} of them,
     * none with silence off): the same for every run, since they are cut with the options' fixed
     * seed.
     */
    public List<Clip> fixedSilence() {
        return fixedSilence;
    }

    /** What an evaluation pass sees: the word clips, then the fixed silence items. */
    public List<Clip> evaluationItems() {
        List<Clip> all = new ArrayList<>(clips);
        all.addAll(fixedSilence);
        return List.copyOf(all);
    }

    /** How many fresh silence items every training epoch adds: {@code round(n f / (1 - f))}. */
    public int trainingSilenceCount() {
        if (!data.options().silence()) {
            return 0;
        }
        double f = data.options().trainingSilenceFraction();
        return (int) Math.round(clips.size() * f / (1 - f));
    }

    /** The items per class of {@link #evaluationItems()}, indexed by label. */
    public int[] evaluationLabelCounts() {
        int[] counts = new int[labels().size()];
        for (Clip c : clips) {
            counts[c.label()]++;
        }
        for (Clip c : fixedSilence) {
            counts[c.label()]++;
        }
        return counts;
    }

    /**
     * Adds a fresh silence item to {@code out[off .. off+clipLength)} (which should hold zeros),
     * drawing from {@code rnd}; returns its description.
     */
    String addFreshSilence(SplittableRandom rnd, float[] out, int off) {
        return data.cutSilence(split, rnd, out, off);
    }

    int silenceLabel() {
        return data.silenceLabel();
    }

    BackgroundNoise noise() {
        return data.noise();
    }

    @Override
    public String toString() {
        return "ClipSet[" + split + ": " + clips.size() + " clips, " + fixedSilence.size() + " fixed silence items, "
                + clipLength() + " samples each]";
    }
}
