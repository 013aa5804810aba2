package org.lanspread.library.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameLibraryFactory;
import org.lanspread.testing.osgi.Services;

/** Shared helpers: the real library service, and game folders written to disk. */
final class LibraryFixtures {

    private LibraryFixtures() {
    }

    /**
     * A library opened through the factory service, with its own state database and a scratch game directory (tests
     * point it where they need with setGameDirectory). Closed when the test JVM ends.
     */
    static GameLibrary library() {
        try {
            Path scratch = Files.createTempDirectory("lanspread-library-test");
            return Services.await(GameLibraryFactory.class).open(scratch.resolve("state"), scratch.resolve("games"));
        } catch (IOException | org.lanspread.api.library.InvalidGameDirectoryException e) {
            throw new IllegalStateException("cannot open a library", e);
        }
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    /** A downloaded game: version.ini and one archive of {@code archiveBytes} bytes. */
    static Path downloaded(Path games, String id, String version, int archiveBytes) throws IOException {
        Path folder = games.resolve(id);
        write(folder.resolve("version.ini"), version + "\n");
        byte[] data = new byte[archiveBytes];
        new java.util.Random(id.hashCode()).nextBytes(data);
        Files.write(folder.resolve(id + ".rar"), data);
        return folder;
    }

    /** Unpacks (pretends to) into local/ with an install marker for {@code version}. */
    static void installed(Path folder, String version) throws IOException {
        write(folder.resolve("local/game.exe"), "binary");
        write(folder.resolve("local/.lanspread.json"), "{\"version\":\"" + version + "\"}");
    }
}
