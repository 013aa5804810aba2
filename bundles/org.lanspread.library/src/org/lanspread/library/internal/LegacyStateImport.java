package org.lanspread.library.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.lanspread.api.library.Availability;
import org.lanspread.api.library.GameIds;
import org.lanspread.api.library.LocalGame;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON state file of an older LanSpread ({@code {"games": [...]}}, in the state directory as one of
 * {@link #FILE_NAMES}). The disk decides what a game is, as everywhere: a game the file lists is never added, nor
 * marked downloaded or installed, unless its folder says so. What the file can add is what the disk cannot tell:
 * the version of an install made by the older app, which has {@code local/} but no install marker. Unknown fields,
 * such as the retired {@code manifest_hash}, are ignored.
 */
final class LegacyStateImport {

    /** The names an older LanSpread gave its state file, in the order they are looked for. */
    static final List<String> FILE_NAMES = List.of("library.json", "state.json");
    /** What an imported file is renamed to (kept, never deleted). */
    static final String IMPORTED_SUFFIX = ".imported";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A game as the old file described it. */
    record Entry(String id, Availability availability, String version, String installedVersion) {
    }

    /**
     * What an import did.
     *
     * @param restored the games whose install version was taken from the file (an install marker was written)
     * @param skipped  entries the disk does not agree with, each with why
     */
    record Outcome(Path file, List<String> restored, List<String> skipped) {

        /** For the log and the runtime's notices. */
        String summary() {
            StringBuilder out = new StringBuilder("imported the old state file " + file + ": ");
            out.append(restored.isEmpty() ? "no install version was missing on disk"
                    : "install version taken for " + String.join(", ", restored));
            if (!skipped.isEmpty()) {
                out.append("; not taken, as the disk disagrees: ").append(String.join("; ", skipped));
            }
            return out.toString();
        }
    }

    private LegacyStateImport() {
    }

    /** The old state file to import, when the state directory has one and no database yet. */
    static Path pending(Path stateDirectory, Path database) {
        if (Files.exists(database)) {
            return null;
        }
        return FILE_NAMES.stream().map(stateDirectory::resolve).filter(Files::isRegularFile).findFirst().orElse(null);
    }

    /** Reads the whole file; a bad file is refused as a whole, its message naming the file and the entry. */
    static List<Entry> read(Path jsonFile) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(jsonFile));
        } catch (JsonProcessingException e) {
            throw new IOException(jsonFile + ": not valid JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ")", e);
        }
        JsonNode games = root == null ? null : root.get("games");
        if (games == null || !games.isArray()) {
            throw new IOException(jsonFile + ": expected an object with a \"games\" array");
        }
        List<Entry> entries = new ArrayList<>();
        int index = 0;
        for (JsonNode entry : games) {
            String where = jsonFile + ": games[" + index++ + "]";
            String id = text(entry, "id");
            String problem = GameIds.problem(id);
            if (problem != null) {
                throw new IOException(where + ": " + problem);
            }
            String version = Optional.ofNullable(text(entry, "version")).orElse(text(entry, "downloaded_version"));
            entries.add(new Entry(id, availability(text(entry, "availability"), where), version,
                    text(entry, "installed_version")));
        }
        return entries;
    }

    /**
     * Takes from {@code entries} what the scanned disk agrees with: for a game whose {@code local/} has no install
     * marker, the install version the old file recorded (written as the marker an install writes).
     *
     * @param scanned the games as the last scan found them
     */
    static Outcome apply(Path file, List<Entry> entries, Map<String, LocalGame> scanned, Path gameDirectory)
            throws IOException {
        List<String> restored = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Entry entry : entries) {
            LocalGame game = scanned.get(entry.id());
            if (game == null) {
                skipped.add(entry.id() + " (no folder in " + gameDirectory + ")");
                continue;
            }
            boolean hasInstall = game.availability() == Availability.LOCAL_ONLY
                    || game.availability() == Availability.DOWNLOADED_AND_INSTALLED;
            if (entry.installedVersion() == null || game.installedVersion() != null) {
                continue; // nothing to add: the disk knows (or the file did not record an install)
            }
            if (!hasInstall) {
                skipped.add(entry.id() + " (the file says " + entry.installedVersion()
                        + " is installed; there is no local/ folder)");
                continue;
            }
            Path local = gameDirectory.resolve(entry.id()).resolve(GameFolderReader.LOCAL_DIR);
            writeMarker(local, entry.installedVersion());
            restored.add(entry.id() + " " + entry.installedVersion());
        }
        return new Outcome(file, restored, skipped);
    }

    /** Keeps the file beside the database as {@code NAME.imported}, so it is read once. */
    static Path keepAsImported(Path file) throws IOException {
        Path kept = file.resolveSibling(file.getFileName() + IMPORTED_SUFFIX);
        return Files.move(file, kept, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writeMarker(Path local, String version) throws IOException {
        ObjectNode marker = JSON.createObjectNode().put("version", version);
        Path temp = local.resolve(InstallMarker.FILE_NAME + ".tmp");
        Files.write(temp, JSON.writeValueAsBytes(marker));
        Files.move(temp, local.resolve(InstallMarker.FILE_NAME), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Availability availability(String value, String where) throws IOException {
        if (value == null) {
            return Availability.DOWNLOADED;
        }
        String normalized = value.replaceAll("([a-z])([A-Z])", "$1_$2").replace('-', '_').toUpperCase();
        try {
            return Availability.valueOf(normalized);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": unknown availability '" + value + "'");
        }
    }
}
