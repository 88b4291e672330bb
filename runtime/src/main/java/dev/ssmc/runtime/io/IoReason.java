package dev.ssmc.runtime.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * What an I/O failure means, in the words a message puts after the file's name ({@code out.wav: no
 * space left on device}). The JDK says it in three ways: by the exception's type (a
 * {@link NoSuchFileException} carries no reason), by a {@link FileSystemException}'s reason, or by
 * the message of a plain {@link IOException} (a failed write says "No space left on device" and
 * names no file).
 */
public final class IoReason {
    private IoReason() {
    }

    public static String of(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof CharacterCodingException) {
            return "not UTF-8 text"; // its own message is "Input length = 1"
        }
        String reason = e instanceof FileSystemException fs ? fs.getReason() : e.getMessage();
        if (reason == null || reason.isBlank()) {
            // the type is all there is to go on: "FileSystemLoopException" says more than nothing
            return "cannot access it (" + e.getClass().getSimpleName() + ")";
        }
        return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }
}
