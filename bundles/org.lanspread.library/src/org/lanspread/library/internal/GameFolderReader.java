package org.lanspread.library.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.lanspread.api.library.Availability;
import org.lanspread.api.library.GameIds;
import org.lanspread.api.library.LocalGame;

/** Reads one game folder into a {@link LocalGame}; derives everything from what is on disk. */
final class GameFolderReader {

    static final String LOCAL_DIR = "local";
    private static final Pattern ARCHIVE = Pattern.compile("(?i).+\\.(rar|r\\d{2,3})");

    private GameFolderReader() {
    }

    static boolean isArchive(String fileName) {
        return ARCHIVE.matcher(fileName).matches();
    }

    /** Whether a top-level file of a game folder belongs to the download (hidden files are ours, not the game's). */
    static boolean isDownloadFile(String fileName) {
        return !fileName.startsWith(".");
    }

    /**
     * @return the game, or {@code null} when {@code folder} is not a game folder (not a directory, hidden)
     */
    static LocalGame read(Path folder) throws IOException {
        String id = folder.getFileName().toString();
        if (id.startsWith(".")) {
            return null; // our own staging and trash folders
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(folder, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!attributes.isDirectory()) {
            return null;
        }
        String idProblem = GameIds.problem(id);
        if (idProblem != null) {
            return broken(id, folder + ": " + idProblem);
        }
        boolean hasVersionIni = false;
        boolean hasLocal = false;
        long bytes = 0;
        List<String> archives = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                BasicFileAttributes a = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isDirectory()) {
                    hasLocal |= name.equals(LOCAL_DIR);
                } else if (a.isRegularFile() && isDownloadFile(name)) {
                    bytes += a.size();
                    if (name.toLowerCase(Locale.ROOT).equals(VersionIni.FILE_NAME)) {
                        hasVersionIni = true;
                    } else if (isArchive(name)) {
                        archives.add(name);
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return null;
        }
        archives.sort(null);
        String installedVersion = hasLocal ? InstallMarker.installedVersion(folder.resolve(LOCAL_DIR)) : null;
        if (!hasVersionIni) {
            Availability availability = hasLocal ? Availability.LOCAL_ONLY : Availability.INCOMPLETE;
            return new LocalGame(id, availability, null, installedVersion, archives, bytes, null);
        }
        String version;
        try {
            version = VersionIni.read(folder.resolve(VersionIni.FILE_NAME));
        } catch (VersionIni.InvalidVersionException e) {
            return new LocalGame(id, Availability.BROKEN, null, installedVersion, archives, bytes, e.getMessage());
        }
        if (archives.isEmpty()) {
            return new LocalGame(id, Availability.BROKEN, version, installedVersion, archives, bytes,
                    folder + ": version.ini is present but there is no .rar archive");
        }
        Availability availability = hasLocal ? Availability.DOWNLOADED_AND_INSTALLED : Availability.DOWNLOADED;
        return new LocalGame(id, availability, version, installedVersion, archives, bytes, null);
    }

    private static LocalGame broken(String id, String problem) {
        return new LocalGame(id, Availability.BROKEN, null, null, List.of(), 0, problem);
    }
}
