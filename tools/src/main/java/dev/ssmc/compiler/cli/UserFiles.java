package dev.ssmc.compiler.cli;

import dev.ssmc.runtime.io.AtomicFile;
import dev.ssmc.runtime.io.IoReason;
import dev.ssmc.runtime.io.SafeTensorsException;
import dev.ssmc.runtime.io.WavException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files and directories named on the command line, checked where they enter, and every I/O failure
 * on them turned into one {@link UserError} line that names the file and says what is wrong
 * ({@code out.wav: no space left on device}): I/O problems are the user's to fix, and a stack trace
 * would say they are ssmc's.
 */
final class UserFiles {
    private UserFiles() {
    }

    /** A file the command reads, given with {@code option} (e.g. "--checkpoint"): it must exist, be a file and be readable. */
    static Path input(Path file, String option) {
        String named = option + " " + file;
        if (!Files.exists(file)) {
            throw new UserError(named + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new UserError(named + ": is a directory, not a file");
        }
        if (!Files.isReadable(file)) {
            throw new UserError(named + ": permission denied");
        }
        return file;
    }

    /**
     * A file the command writes, given with {@code option}: not a directory, in a directory that
     * exists. Checked before the work that produces it, so a typo in the path costs nothing.
     */
    static Path output(Path file, String option) {
        String named = option + " " + file;
        if (Files.isDirectory(file)) {
            throw new UserError(named + ": is a directory; name the file to write");
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new UserError(named + ": cannot be written, " + (Files.exists(dir) ? dir + " is not a directory"
                    : "the directory " + dir + " does not exist"));
        }
        return file;
    }

    /** A directory the command writes into, given with {@code option}, made (with its parents) if it does not exist. */
    static Path outputDirectory(Path dir, String option) {
        checkDirectory(dir, option);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw failure(dir, e);
        }
        return dir;
    }

    /** A directory to write into later: it is one, or nothing has its name yet. */
    static void checkDirectory(Path dir, String option) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError(option + " " + dir + ": not a directory (a file has that name)");
        }
    }

    /** Replaces {@code file} with {@code text} (UTF-8) whole, never leaving it torn (see {@link AtomicFile}). */
    static void write(Path file, String text) {
        try {
            AtomicFile.writeString(file, text);
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /** The user error of an I/O failure on {@code file} (or on the file the failure itself names). */
    static UserError failure(Path file, IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            // creating a directory where a file has that name fails as "already exists", which misleads
            String reason = fs instanceof FileAlreadyExistsException && !Files.isDirectory(Path.of(fs.getFile()))
                    ? "not a directory (a file has that name)" : IoReason.of(fs);
            return new UserError(fs.getFile() + ": " + reason);
        }
        String message = e.getMessage();
        if (e instanceof SafeTensorsException || e instanceof WavException
                || message != null && message.startsWith(file.toString())) {
            return new UserError(message); // ssmc's own readers name the file and say what is wrong in it
        }
        return new UserError(file + ": " + IoReason.of(e));
    }
}
