package dev.ssmc.compiler.plan;

/** Whether a time-carrying tensor is held over time samples or over FFT frequency bins. */
public enum Domain {
    TIME,
    FREQ;

    public Domain other() {
        return this == TIME ? FREQ : TIME;
    }
}
