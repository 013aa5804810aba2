package org.lanspread.peer.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.games.OperationKind;
import org.lanspread.api.library.GameManifest;
import org.lanspread.peer.internal.integrity.ArchiveSets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Install, update and uninstall of a game folder as journalled transactions, and the startup recovery that repairs
 * what a crash left. The journal ({@value #JOURNAL}) is written before anything changes:
 * <ul>
 * <li>install/update: unpack into {@value #NEW} (phase "unpacking"; a failure or crash removes it: no install, or the
 * old install untouched), then swap (phase "swapping": local/ to {@value #OLD}, {@value #NEW} to local/, remove
 * {@value #OLD}; a crash in the swap is rolled forward, since the new install is complete by then).</li>
 * <li>uninstall: local/ is renamed to {@value #TRASH} (the commit point), then deleted; a crash leaves either the
 * install untouched or a trash folder that recovery deletes.</li>
 * </ul>
 */
final class GameTransactions {

    static final String JOURNAL = ".lanspread-tx.json";
    static final String LOCAL = "local";
    static final String NEW = ".local.new";
    static final String OLD = ".local.old";
    static final String TRASH = ".local.trash";
    static final String MARKER = ".lanspread.json";
    /** A deleted game's folder is renamed to "." + id + this, then removed (recovery finishes a crashed delete). */
    static final String DELETING = ".deleting";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OLD_STYLE = Pattern.compile("(?i)(.+)\\.r(\\d{2,3})");

    /** Cancelled at a safe point and rolled back. */
    static final class Cancelled extends Exception {
        private static final long serialVersionUID = 1L;

        Cancelled(String message) {
            super(message);
        }
    }

    private final Supplier<ArchiveExtractor> extractor;

    /** @param extractor the extractor to use now (chosen by preference and ranking), or null when none is available */
    GameTransactions(Supplier<ArchiveExtractor> extractor) {
        this.extractor = extractor;
    }

    /**
     * Unpacks the downloaded archives of {@code folder} and puts them in place as local/, replacing an existing install
     * only once the new one is complete.
     *
     * @param version the downloaded version (recorded in local/{@value #MARKER})
     */
    void install(Path folder, String version, List<String> archives, OperationState.Guard guard, CancelToken token)
            throws IOException, ArchiveException, Cancelled {
        install(folder, version, archives, List.of(), guard, token);
    }

    /**
     * As {@link #install(Path, String, List, OperationState.Guard, CancelToken)}, copying the files {@code keep} names
     * (paths in the current local/ that the archives do not hold: saves, configs) into the new install before it is
     * put in place.
     */
    void install(Path folder, String version, List<String> archives, List<String> keep, OperationState.Guard guard,
            CancelToken token) throws IOException, ArchiveException, Cancelled {
        boolean update = Files.isDirectory(folder.resolve(LOCAL), LinkOption.NOFOLLOW_LINKS);
        OperationKind running = guard.current().kind();
        OperationKind kind = running == OperationKind.UPDATE || running == OperationKind.REPAIR ? running
                : OperationKind.INSTALL;
        ArchiveExtractor chosen = extractor.get();
        if (chosen == null) {
            throw new IOException("no archive extractor is available to unpack " + folder.getFileName());
        }
        List<Path> sets = ArchiveSets.firstVolumes(folder, archives);
        if (sets.isEmpty()) {
            throw new IOException(folder + ": there is no archive to unpack");
        }
        writeJournal(folder, update ? "update" : "install", version, "unpacking");
        Path staged = folder.resolve(NEW);
        try {
            removeStaging(folder);
            guard.phase(kind, "unpacking", 0);
            long before = 0;
            for (int i = 0; i < sets.size(); i++) {
                if (token.isCancelled()) {
                    throw new Cancelled(token.reason());
                }
                Path target = i == 0 ? staged : folder.resolve(NEW + ".set-" + i);
                long base = before;
                var result = chosen.extract(sets.get(i), target,
                        (bytesDone, bytesTotal, entriesDone, entriesTotal) -> guard.progress(base + bytesDone,
                                base + bytesTotal), token);
                before += result.bytes();
                if (i > 0) {
                    merge(target, staged, sets.get(i).getFileName().toString());
                }
            }
            if (token.isCancelled()) {
                throw new Cancelled(token.reason());
            }
            copyKept(folder.resolve(LOCAL), staged, keep);
            ObjectNode marker = JSON.createObjectNode().put("version", version);
            Files.write(staged.resolve(MARKER), JSON.writeValueAsBytes(marker));
        } catch (IOException | ArchiveException | Cancelled | RuntimeException e) {
            removeStaging(folder);
            Files.deleteIfExists(folder.resolve(JOURNAL));
            if (e instanceof ArchiveException a && a.reason() == ArchiveException.Reason.CANCELLED) {
                throw new Cancelled(token.reason() == null ? "cancelled" : token.reason());
            }
            throw e;
        }
        // From here the new install is complete: the swap is rolled forward, never back.
        guard.phase(kind, "swapping", 0);
        writeJournal(folder, update ? "update" : "install", version, "swapping");
        swap(folder);
        Files.deleteIfExists(folder.resolve(JOURNAL));
    }

    /** Copies each of {@code keep} from the old install into the new one, unless the new one holds that path. */
    private static void copyKept(Path local, Path staged, List<String> keep) throws IOException {
        for (String path : keep) {
            Path from = local.resolve(path).normalize();
            Path to = staged.resolve(path).normalize();
            if (!from.startsWith(local) || !to.startsWith(staged) || Files.exists(to, LinkOption.NOFOLLOW_LINKS)
                    || !Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static void swap(Path folder) throws IOException {
        Path local = folder.resolve(LOCAL);
        Path staged = folder.resolve(NEW);
        Path old = folder.resolve(OLD);
        if (Files.isDirectory(staged)) {
            if (Files.exists(local, LinkOption.NOFOLLOW_LINKS)) {
                Trees.delete(old);
                Files.move(local, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(staged, local, StandardCopyOption.ATOMIC_MOVE);
        }
        Trees.delete(old);
    }

    /** Moves everything of {@code from} into {@code into}; a name in both is an error. */
    private static void merge(Path from, Path into, String archive) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(from)) {
            for (Path entry : entries) {
                Path to = into.resolve(entry.getFileName().toString());
                try {
                    Files.move(entry, to, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException e) {
                    throw new IOException(archive + " contains '" + entry.getFileName()
                            + "', which another archive of the game contains too");
                }
            }
        }
        Files.delete(from);
    }

    /** Removes local/ (the download stays). */
    void uninstall(Path folder, OperationState.Guard guard) throws IOException {
        Path local = folder.resolve(LOCAL);
        if (!Files.exists(local, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        guard.phase(OperationKind.UNINSTALL, "removing", 0);
        writeJournal(folder, "uninstall", null, "moving");
        Path trash = folder.resolve(TRASH);
        Trees.delete(trash);
        Files.move(local, trash, StandardCopyOption.ATOMIC_MOVE); // the commit point
        writeJournal(folder, "uninstall", null, "deleting");
        Trees.delete(trash);
        Files.deleteIfExists(folder.resolve(JOURNAL));
    }

    /**
     * Deletes the whole game folder: renamed to a hidden name first (the commit point: the library no longer sees
     * the game), then removed.
     *
     * @return the bytes freed
     */
    static long delete(Path folder, OperationState.Guard guard) throws IOException {
        guard.phase(OperationKind.DELETE, "removing", 0);
        Path doomed = folder.resolveSibling("." + folder.getFileName() + DELETING);
        long freed = Trees.delete(doomed); // what an earlier crash left
        Files.move(folder, doomed, StandardCopyOption.ATOMIC_MOVE);
        return freed + Trees.delete(doomed);
    }

    static boolean isOldStyleVolume(String name) {
        return OLD_STYLE.matcher(name).matches();
    }

    /** Removes what an unpack left: {@value #NEW}, its extra sets, and the extractors' staging beside them. */
    private static void removeStaging(Path folder) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, NEW + "*")) {
            for (Path entry : entries) {
                Trees.delete(entry);
            }
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "." + NEW + "*")) {
            for (Path entry : entries) {
                Trees.delete(entry); // an extractor's own staging ("." + target + ".extracting-...")
            }
        }
    }

    private static void writeJournal(Path folder, String op, String version, String phase) throws IOException {
        ObjectNode journal = JSON.createObjectNode().put("op", op).put("phase", phase);
        if (version != null) {
            journal.put("version", version);
        }
        Path tmp = folder.resolve(JOURNAL + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(journal));
        Files.move(tmp, folder.resolve(JOURNAL), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Repairs what crashes left in the game folders of {@code gameDirectory}, skipping games with an active operation.
     *
     * @return one line per repair, for the log
     */
    static List<String> recover(Path gameDirectory, Set<String> active) throws IOException {
        List<String> repaired = new ArrayList<>();
        if (!Files.isDirectory(gameDirectory)) {
            return repaired;
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(gameDirectory)) {
            for (Path folder : folders) {
                String id = folder.getFileName().toString();
                String deleted = id.startsWith(".") && id.endsWith(DELETING) && id.length() > 1 + DELETING.length()
                        ? id.substring(1, id.length() - DELETING.length()) : null;
                if (deleted != null && !active.contains(deleted)) {
                    try {
                        Trees.delete(folder);
                        repaired.add(deleted + ": finished an interrupted delete");
                    } catch (IOException e) {
                        repaired.add(deleted + ": could not finish an interrupted delete of " + folder + ": "
                                + Supervisor.describe(e));
                    }
                    continue;
                }
                if (id.startsWith(".") || active.contains(id) || !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try {
                    if (!hasHiddenEntry(folder)) {
                        continue; // every trace of an operation is a dot-name: nothing to repair here
                    }
                    recoverGame(folder, repaired);
                } catch (IOException e) {
                    repaired.add(id + ": recovery failed, left as it is: " + Supervisor.describe(e));
                }
            }
        }
        return repaired;
    }

    /**
     * Whether the folder holds a dot-name. Everything an operation leaves behind is one (its journal, the staged,
     * old and trashed installs, the download's staging folder), so a folder without any needs no repair: one
     * directory read instead of a dozen lookups of names that are not there (2,000 games: ~0.4 s at start).
     */
    private static boolean hasHiddenEntry(Path folder) throws IOException {
        try (DirectoryStream<Path> hidden = Files.newDirectoryStream(folder,
                entry -> entry.getFileName().toString().startsWith("."))) {
            return hidden.iterator().hasNext();
        }
    }

    /** Repairs one game folder (whose game has no active operation). */
    static void recoverGame(Path folder, List<String> repaired) throws IOException {
        String id = folder.getFileName().toString();
        if (DownloadStaging.commitInterrupted(folder)) {
            GameManifest manifest = DownloadStaging.stagedManifest(folder);
            if (manifest != null) {
                DownloadStaging.finishCommit(folder, manifest);
                repaired.add(id + ": finished moving the completed download of version " + manifest.version()
                        + " into place");
            }
        }
        Path journalFile = folder.resolve(JOURNAL);
        JsonNode journal = null;
        if (Files.exists(journalFile)) {
            try {
                journal = JSON.readTree(Files.readAllBytes(journalFile));
            } catch (IOException e) {
                journal = null; // torn: decide from the folders alone
            }
        }
        String op = journal == null ? "" : journal.path("op").asText();
        String phase = journal == null ? "" : journal.path("phase").asText();
        Path local = folder.resolve(LOCAL);
        Path staged = folder.resolve(NEW);
        Path old = folder.resolve(OLD);
        Path trash = folder.resolve(TRASH);
        boolean hasLocal = Files.exists(local, LinkOption.NOFOLLOW_LINKS);
        if (phase.equals("swapping") && Files.isDirectory(staged) && Files.exists(staged.resolve(MARKER))) {
            swap(folder); // the new install was complete: roll forward
            repaired.add(id + ": finished the interrupted " + op + " (the new install was complete)");
        } else if (!hasLocal && Files.isDirectory(old)) {
            Files.move(old, local, StandardCopyOption.ATOMIC_MOVE); // roll back to the old install
            repaired.add(id + ": restored the previous install after an interrupted " + (op.isEmpty() ? "update" : op));
        }
        hasLocal = Files.exists(local, LinkOption.NOFOLLOW_LINKS);
        if (hasLocal && Files.exists(old)) {
            Trees.delete(old);
            repaired.add(id + ": removed the previous install an update had replaced");
        }
        boolean leftovers = false;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, "{" + NEW + "*,." + NEW + "*}")) {
            for (Path entry : entries) {
                Trees.delete(entry);
                leftovers = true;
            }
        }
        if (leftovers) {
            repaired.add(id + ": removed a half-unpacked " + (op.isEmpty() ? "install" : op) + " (rolled back)");
        }
        if (Files.exists(trash, LinkOption.NOFOLLOW_LINKS)) {
            Trees.delete(trash);
            repaired.add(id + ": finished an interrupted uninstall");
        }
        if (Files.exists(journalFile)) {
            Files.delete(journalFile);
            if (!op.isEmpty() && repaired.stream().noneMatch(line -> line.startsWith(id + ":"))) {
                repaired.add(id + ": the interrupted " + op + " had changed nothing; discarded its journal");
            }
        }
        Files.deleteIfExists(folder.resolve(JOURNAL + ".tmp"));
    }
}
