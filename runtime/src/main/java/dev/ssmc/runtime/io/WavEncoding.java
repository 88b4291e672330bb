package dev.ssmc.runtime.io;

/** How {@link Wav#write} stores samples. */
public enum WavEncoding {
    /** 16-bit signed integers (format tag 1); samples are scaled, rounded and clamped, see {@link Wav}. */
    PCM16(1, 2),
    /** 32-bit IEEE floats (format tag 3, with a {@code fact} chunk); samples are stored exactly. */
    FLOAT32(3, 4);

    private final int formatTag;
    private final int bytesPerSample;

    WavEncoding(int formatTag, int bytesPerSample) {
        this.formatTag = formatTag;
        this.bytesPerSample = bytesPerSample;
    }

    /** The {@code wFormatTag} of the fmt chunk. */
    public int formatTag() {
        return formatTag;
    }

    public int bytesPerSample() {
        return bytesPerSample;
    }
}
