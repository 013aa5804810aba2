package org.lanspread.api.library;

import java.nio.file.Path;

/** A game directory that cannot be used; the message names the path and why. */
public class InvalidGameDirectoryException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient Path directory;

    public InvalidGameDirectoryException(Path directory, String reason) {
        super("cannot use " + directory + " as the game directory: " + reason);
        this.directory = directory;
    }

    public Path directory() {
        return directory;
    }
}
