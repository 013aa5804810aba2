package org.lanspread.api.library;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens {@link GameLibrary} instances. Registered by the library bundle; each peer runtime opens (and closes) its
 * own library, so several runtimes can live in one framework, each with its own game directory and state.
 */
public interface GameLibraryFactory {

    /**
     * Opens the library of {@code gameDirectory} (validated, created when missing) with its state database in
     * {@code stateDirectory}. Nothing is scanned yet: {@link GameLibrary#snapshot()} shows the last known state
     * until the first {@link GameLibrary#scan()}.
     */
    GameLibrary open(Path stateDirectory, Path gameDirectory) throws IOException, InvalidGameDirectoryException;
}
