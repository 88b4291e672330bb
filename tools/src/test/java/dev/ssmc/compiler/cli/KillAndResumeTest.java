package dev.ssmc.compiler.cli;

import static dev.ssmc.compiler.cli.CliFixture.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import com.google.gson.Gson;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.testing.Property;
import dev.ssmc.runtime.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with kill -9, mid-epoch or at any moment, leaves every file of its
 * run whole (old or new, never torn), and {@code train --resume} from its last checkpoint finishes
 * the run with the whole history in log.json.
 */
class KillAndResumeTest {
    /** Wider than the fixture's classifier, so that an epoch takes long enough to be killed inside it. */
    private static final String WIDER = CliFixture.CLASSIFIER.replace("s5(states 2) to 4", "s5(states 16, blocks 4) to 32");
    private static final int EPOCHS = 3;

    @TempDir
    static Path tmp;

    static CliFixture f;
    static Path wider;

    @BeforeAll
    static void fixture() throws IOException {
        f = CliFixture.make(tmp.resolve("fixture"));
        wider = tmp.resolve("wider.ssm");
        Files.writeString(wider, WIDER);
    }

    @Test
    void killedMidEpochThenResumed() throws Exception {
        Path runDir = tmp.resolve("mid-epoch");
        // the progress bar of epoch 2 is printed after its first step: the kill lands inside the epoch
        Process p = start(wider, runDir);
        String seen = waitFor(p, "epoch 2 [");
        p.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no finally blocks
        assertTrue(seen.contains("epoch 2 ["), () -> "the run ended before its second epoch:\n" + seen);
        ChildJvm.assertWhole(runDir);
        assertTrue(Files.exists(runDir.resolve("epoch-001.safetensors")), "epoch 1 was done before epoch 2 started");
        resumeAndCheckHistory(wider, runDir);
    }

    @Test
    void killedAtAnyMomentThenResumed() {
        // the kill lands anywhere from the end of epoch 1 to the end of the run; the fixture's small
        // network spends more of its time writing, so more kills land in a write
        Property.forAll(2, integers().between(0, 1000), this::killedAtAnyMomentThenResumed);
    }

    private void killedAtAnyMomentThenResumed(int delayMillis) throws Exception {
        Path runDir = Files.createTempDirectory(tmp, "any-moment");
        Process p = start(f.classifier, runDir);
        waitFor(p, "epoch 1/" + EPOCHS);
        Thread.sleep(delayMillis);
        p.destroyForcibly().waitFor();
        ChildJvm.assertWhole(runDir);
        resumeAndCheckHistory(f.classifier, runDir);
    }

    private static Process start(Path network, Path runDir) throws IOException {
        List<String> command = ChildJvm.ssmc("train", network.toString(), "--data", f.data.toString(), "--epochs",
                Integer.toString(EPOCHS), "--batch", "1", "--warmup", "0", "-o", runDir.toString());
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Reads the process's output until it shows {@code text} or ends; returns what it read. */
    private static String waitFor(Process p, String text) throws IOException {
        StringBuilder seen = new StringBuilder();
        InputStream in = p.getInputStream();
        byte[] buffer = new byte[4096];
        int n;
        while (seen.indexOf(text) < 0 && (n = in.read(buffer)) >= 0) {
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return seen.toString();
    }

    /**
     * Resumes from the last checkpoint the killed run left (or starts afresh if it left none) and
     * checks the log: every epoch once, in order, and those before the resumption as the killed run
     * logged them in its checkpoint.
     */
    private static void resumeAndCheckHistory(Path network, Path runDir) throws IOException {
        Optional<Path> last = lastCheckpoint(runDir);
        List<Trainer.Epoch> before = List.of();
        String[] args = {"train", network.toString(), "--data", f.data.toString(), "--epochs", Integer.toString(EPOCHS),
                "--batch", "1", "--warmup", "0", "-o", runDir.toString(), "--no-progress"};
        if (last.isPresent()) {
            before = Arrays.asList(new Gson().fromJson(SafeTensors.read(last.get()).metadata().get("log"),
                    Trainer.Epoch[].class));
            args = Stream.concat(Arrays.stream(args), Stream.of("--resume", last.get().toString())).toArray(String[]::new);
        }
        if (before.size() == EPOCHS) {
            return; // killed after the last checkpoint: nothing is left to train
        }
        run(args).assertOk();
        ChildJvm.assertWhole(runDir);
        try (Stream<Path> listing = Files.list(runDir)) {
            assertEquals(List.of(), listing.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList(),
                    "the resumed run removes what the killed one left half-written");
        }
        List<Trainer.Epoch> log = Arrays.asList(new Gson().fromJson(Files.readString(runDir.resolve("log.json")),
                Trainer.Epoch[].class));
        assertEquals(EPOCHS, log.size(), log::toString);
        for (int e = 0; e < EPOCHS; e++) {
            assertEquals(e, log.get(e).epoch(), log::toString);
        }
        assertEquals(before, log.subList(0, before.size()));
        assertFalse(Files.exists(runDir.resolve(String.format("epoch-%03d.safetensors", EPOCHS + 1))));
    }

    private static Optional<Path> lastCheckpoint(Path runDir) throws IOException {
        try (Stream<Path> listing = Files.list(runDir)) {
            return listing.filter(p -> p.getFileName().toString().matches("epoch-\\d{3}\\.safetensors")).max(Path::compareTo);
        }
    }
}
