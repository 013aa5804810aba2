package org.lanspread.testing.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Game folders in tests: copying a download, and comparing two downloads byte for byte. */
public final class GameFolders {

    private GameFolders() {
    }

    /** Copies the download files (the regular files at the top) of a game folder into {@code to}. */
    public static void copyDownload(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    /**
     * Fails unless {@code actual} holds exactly the download files of {@code expected}, byte-identical, and nothing
     * else beside an install (local/): no staging, journal or leftover.
     */
    public static void assertSameDownload(Path expected, Path actual) throws IOException {
        List<String> names;
        try (Stream<Path> files = Files.list(expected)) {
            names = files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
        List<String> got;
        try (Stream<Path> files = Files.list(actual)) {
            got = files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("local")).sorted().toList();
        }
        if (!names.equals(got)) {
            throw new AssertionError(actual + " holds " + got + ", expected exactly the download " + names);
        }
        for (String name : names) {
            long at = Files.mismatch(expected.resolve(name), actual.resolve(name));
            if (at != -1) {
                throw new AssertionError(actual.resolve(name) + " differs from " + expected.resolve(name)
                        + " at byte " + at);
            }
        }
    }
}
