package dev.ssmc.runtime.io;

import java.io.IOException;
import java.nio.file.Path;

/** A WAV file is malformed or uses a format this reader does not support; the message starts with the file. */
public final class WavException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    WavException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
