package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.train.Networks;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.model.Trainable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code ssmc eval} evaluates, whatever the task: a network of a {@code .ssm} file with its
 * checkpoint, on a data folder, run in batches of {@code batch}.
 */
record Evaluated(Path file, Network network, NetworkShapes shapes, Path checkpoint, Path data, int batch) {

    /** The checkpoint's file, for its metadata (the classes or the alphabet it was trained for). */
    SafeTensorsFile checkpointFile() {
        try {
            return SafeTensors.read(checkpoint);
        } catch (IOException e) {
            throw UserFiles.failure(checkpoint, e);
        }
    }

    /** The network's generated code holding the checkpoint's weights. */
    Trainable load() {
        try {
            return Networks.load(network, Profiles.load(null), file.getFileName().toString(), checkpoint);
        } catch (IOException e) {
            throw UserFiles.failure(checkpoint, e);
        }
    }

    /** Writes {@code --predictions}: one line per item, as the task says. */
    static void writePredictions(Path file, CharSequence lines) {
        try {
            Files.writeString(file, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("--predictions: cannot write " + file + ": " + e.getMessage());
        }
    }
}
