package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.fail;

import dev.ssmc.runtime.testing.SharedData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared synthetic keyword-spotting set ({@code data/kws-synth} in the shared folder), opened
 * with the default options once per test JVM: reading the clips is the slow part, and the tests
 * only read them.
 */
final class KwsSynth {
    private static SpeechCommands data;
    private static BackgroundNoise recordings;

    private KwsSynth() {
    }

    /** The data set's folder; fails the test (not skips it) when it is missing. */
    static Path dir() {
        Path dir = SharedData.dir().resolve("data/kws-synth");
        if (!Files.isDirectory(dir)) {
            fail("the shared keyword-spotting set is missing: " + dir);
        }
        return dir;
    }

    static synchronized SpeechCommands data() {
        if (data == null) {
            try {
                data = SpeechCommands.open(dir());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return data;
    }

    /**
     * The noise recordings of the shared enhancement set ({@code data/se-synth/noise/train}), which
     * keyword-spotting training mixes in at a signal-to-noise ratio; read once per test JVM.
     */
    static synchronized BackgroundNoise recordings() {
        if (recordings == null) {
            Path noise = SharedData.dir().resolve("data/se-synth/noise/train");
            if (!Files.isDirectory(noise)) {
                fail("the shared noise recordings are missing: " + noise);
            }
            try {
                recordings = TranscribedSpeech.readNoise(noise, 16000);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return recordings;
    }

    static ClipSet load(SpeechCommands.Split split) {
        try {
            return data().load(split);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
