package org.lanspread.library.internal;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lanspread.api.library.ArchiveCheck;
import org.lanspread.api.library.ArchiveTester;
import org.lanspread.api.library.Availability;
import org.lanspread.api.library.GameIds;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.DamagedChunk;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.library.InvalidGameDirectoryException;
import org.lanspread.api.library.LibraryDelta;
import org.lanspread.api.library.LibraryListener;
import org.lanspread.api.library.LibrarySnapshot;
import org.lanspread.api.library.LocalGame;


/**
 * The game directory on disk, with its state database ({@value #STATE_FILE} in the state directory). Opened by
 * {@link LocalGameLibraryFactory}.
 */
public class LocalGameLibrary implements GameLibrary {

    static final String STATE_FILE = "library.db";
    static final Duration DEBOUNCE = Duration.ofMillis(250);

    private static final Logger LOG = Logger.getLogger(LocalGameLibrary.class.getName());

    private final List<LibraryListener> listeners = new CopyOnWriteArrayList<>();
    /** Guards the fields below; held only briefly, never while listeners run (they may read the library). */
    private final Object lock = new Object();
    /** Serializes a change with the telling of it, so listeners get deltas in revision order; taken before lock. */
    private final Object changes = new Object();
    private final StateStore store;
    private final List<String> notices = new CopyOnWriteArrayList<>();
    private Path gameDirectory;
    private LibrarySnapshot snapshot;
    /** An older app's state file to import at the first scan (when this database is new), else null. */
    private volatile Path legacyState;

    LocalGameLibrary(Path stateDirectory, Path gameDirectory) throws IOException, InvalidGameDirectoryException {
        this.gameDirectory = validate(gameDirectory);
        Files.createDirectories(stateDirectory);
        this.legacyState = LegacyStateImport.pending(stateDirectory, stateDirectory.resolve(STATE_FILE));
        this.store = StateStore.open(stateDirectory.resolve(STATE_FILE), healed -> {
            LOG.warning(healed);
            notices.add(healed);
        });
        // Until the first scan, consumers see the last known state.
        this.snapshot = new LibrarySnapshot(0, this.gameDirectory, store.loadGames());
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public List<String> notices() {
        return List.copyOf(notices);
    }

    @Override
    public Path gameDirectory() {
        synchronized (lock) {
            return gameDirectory;
        }
    }

    @Override
    public LibrarySnapshot snapshot() {
        synchronized (lock) {
            return snapshot;
        }
    }

    @Override
    public LibrarySnapshot setGameDirectory(Path directory) throws InvalidGameDirectoryException, IOException {
        Path dir = validate(directory);
        synchronized (lock) {
            gameDirectory = dir;
        }
        return scan();
    }

    /** Checks that {@code directory} exists or can be created, is a directory and is writable. */
    static Path validate(Path directory) throws InvalidGameDirectoryException {
        if (directory == null || directory.toString().isBlank()) {
            throw new InvalidGameDirectoryException(directory, "no directory given");
        }
        Path dir = directory.toAbsolutePath().normalize();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidGameDirectoryException(dir, "it is a file, not a directory");
        }
        for (Path ancestor = dir.getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            if (Files.exists(ancestor)) {
                if (!Files.isDirectory(ancestor)) {
                    throw new InvalidGameDirectoryException(dir, ancestor + " is a file, not a directory");
                }
                break;
            }
        }
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new InvalidGameDirectoryException(dir, e.getFile() + " is a file, not a directory");
        } catch (IOException e) {
            throw new InvalidGameDirectoryException(dir, "it cannot be created (" + e.getMessage() + ")");
        }
        try {
            Path probe = Files.createTempFile(dir, ".lanspread-write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new InvalidGameDirectoryException(dir, "it is not writable (" + e.getMessage() + ")");
        }
        return dir;
    }

    @Override
    public LibrarySnapshot scan() throws IOException {
        Path dir = gameDirectory();
        Map<String, LocalGame> found = new HashMap<>();
        if (Files.isDirectory(dir)) {
            List<Path> folders = new ArrayList<>();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
                children.forEach(folders::add);
            } catch (NoSuchFileException e) {
                // gone: every game is removed
            }
            List<LocalGame> games = folders.parallelStream().map(LocalGameLibrary::readQuietly)
                    .filter(Objects::nonNull).toList();
            games.forEach(g -> found.put(g.id(), g));
        }
        LibrarySnapshot result;
        synchronized (changes) {
            LibraryDelta delta;
            synchronized (lock) {
                if (!dir.equals(gameDirectory)) {
                    return snapshot; // the directory changed while scanning: that change scans again
                }
                Map<String, LocalGame> previous = snapshot.games();
                List<LocalGame> changed = found.values().stream().filter(g -> !g.equals(previous.get(g.id())))
                        .toList();
                Set<String> removed = new HashSet<>(previous.keySet());
                removed.removeAll(found.keySet());
                delta = apply(found, changed, removed);
                result = snapshot;
            }
            tell(delta);
        }
        if (legacyState != null) { // read unlocked: only this method clears it, once
            importPendingLegacyState();
            return snapshot();
        }
        return result;
    }

    @Override
    public Optional<LocalGame> refresh(String gameId) throws IOException {
        GameIds.requireValid(gameId);
        Path dir = gameDirectory();
        LocalGame game = GameFolderReader.read(dir.resolve(gameId));
        synchronized (changes) {
            LibraryDelta delta = null;
            synchronized (lock) {
                if (!dir.equals(gameDirectory)) {
                    return Optional.ofNullable(game);
                }
                Map<String, LocalGame> games = new HashMap<>(snapshot.games());
                LocalGame previous = game == null ? games.remove(gameId) : games.put(gameId, game);
                if (!Objects.equals(previous, game)) {
                    delta = apply(games, game == null ? List.of() : List.of(game),
                            game == null ? Set.of(gameId) : Set.of());
                }
            }
            tell(delta);
            return Optional.ofNullable(game);
        }
    }

    /**
     * Called with {@link #lock} held: persists and replaces the snapshot. Returns the delta to tell listeners once
     * the lock is released, or null when nothing changed.
     */
    private LibraryDelta apply(Map<String, LocalGame> games, List<LocalGame> changed, Set<String> removed)
            throws IOException {
        if (changed.isEmpty() && removed.isEmpty() && snapshot.revision() > 0
                && snapshot.gameDirectory().equals(gameDirectory)) {
            return null;
        }
        store.saveGames(changed, removed);
        snapshot = new LibrarySnapshot(snapshot.revision() + 1, gameDirectory, games);
        return new LibraryDelta(snapshot.revision(), changed, removed);
    }

    /**
     * Called holding {@link #changes} but not {@link #lock}: a listener may read the library, or wait for a thread
     * that does, without a deadlock (the runtime's snapshot lock is taken in both orders otherwise).
     */
    private void tell(LibraryDelta delta) {
        if (delta == null) {
            return;
        }
        for (LibraryListener listener : listeners) {
            try {
                listener.libraryChanged(delta);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "library listener " + listener + " failed", e);
            }
        }
    }

    private static LocalGame readQuietly(Path folder) {
        try {
            return GameFolderReader.read(folder);
        } catch (IOException e) {
            String id = folder.getFileName().toString();
            return new LocalGame(id, Availability.BROKEN, null, null, List.of(), 0,
                    folder + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    @Override
    public GameManifest manifest(String gameId) throws IOException {
        LocalGame game = downloaded(gameId);
        return ManifestCache.manifest(store, gameDirectory().resolve(gameId), gameId, game.downloadedVersion(), true);
    }

    @Override
    public Optional<GameManifest> recordedManifest(String gameId) throws IOException {
        LocalGame game = downloaded(gameId);
        return Optional.ofNullable(ManifestCache.manifest(store, gameDirectory().resolve(gameId), gameId,
                game.downloadedVersion(), false));
    }

    /** The game as its folder is now; throws IllegalStateException when it holds no complete download. */
    private LocalGame downloaded(String gameId) throws IOException {
        GameIds.requireValid(gameId);
        Path folder = gameDirectory().resolve(gameId);
        LocalGame game = GameFolderReader.read(folder);
        if (game == null || !game.availability().downloaded()) {
            throw new IllegalStateException("game '" + gameId + "' is not downloaded in " + gameDirectory());
        }
        return game;
    }

    @Override
    public Optional<ArchiveCheck> archiveCheck(String gameId) throws IOException {
        GameIds.requireValid(gameId);
        StateStore.CachedCheck cached = store.cachedCheck(gameId);
        return cached != null && cached.fingerprint().equals(fingerprint(gameDirectory().resolve(gameId)))
                ? Optional.of(cached.check()) : Optional.empty();
    }

    @Override
    public ArchiveCheck checkArchives(String gameId, ArchiveTester tester) throws IOException, InterruptedException {
        GameIds.requireValid(gameId);
        Path folder = gameDirectory().resolve(gameId);
        LocalGame game = GameFolderReader.read(folder);
        if (game == null || !game.availability().downloaded()) {
            throw new IllegalStateException("game '" + gameId + "' is not downloaded in " + gameDirectory());
        }
        String before = fingerprint(folder);
        StateStore.CachedCheck cached = store.cachedCheck(gameId);
        if (cached != null && cached.fingerprint().equals(before)) {
            return cached.check();
        }
        ArchiveCheck check = tester.test(folder, game.archives());
        if (before.equals(fingerprint(folder))) {
            store.saveCheck(gameId, new StateStore.CachedCheck(before, check));
        }
        return check;
    }

    @Override
    public void recordDamage(String gameId, String problem) throws IOException {
        GameIds.requireValid(gameId);
        Path folder = gameDirectory().resolve(gameId);
        LocalGame game = GameFolderReader.read(folder);
        if (game == null || !game.availability().downloaded()) {
            throw new IllegalStateException("game '" + gameId + "' is not downloaded in " + gameDirectory());
        }
        store.saveCheck(gameId, new StateStore.CachedCheck(fingerprint(folder), ArchiveCheck.failed(problem)));
    }

    @Override
    public List<DamagedChunk> verifyDownload(String gameId, GameManifest against, java.util.function.LongConsumer progress,
            java.util.function.BooleanSupplier cancelled) throws IOException, InterruptedException {
        GameIds.requireValid(gameId);
        return DownloadVerifier.verify(gameDirectory().resolve(gameId), against, progress, cancelled);
    }

    /** The names, sizes and modification times of a game folder's download files, as one digest. */
    static String fingerprint(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                BasicFileAttributes a = Files.readAttributes(entry, BasicFileAttributes.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (a.isRegularFile() && GameFolderReader.isDownloadFile(name)) {
                    files.put(name, a.size() + " " + a.lastModifiedTime().toMillis());
                }
            }
        } catch (NoSuchFileException e) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        files.forEach((name, stat) -> text.append(name).append('\n').append(stat).append('\n'));
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public AutoCloseable addListener(LibraryListener listener) {
        listeners.add(Objects.requireNonNull(listener));
        return () -> listeners.remove(listener);
    }

    @Override
    public void runMonitor(Duration rescanInterval) throws IOException, InterruptedException {
        Path dir = gameDirectory();
        try (WatchService watcher = dir.getFileSystem().newWatchService()) {
            Map<WatchKey, String> keys = new HashMap<>(); // key -> game id, or "" for the game directory itself
            Set<String> watched = new HashSet<>(); // the ids in keys (a lookup per game, not a pass over keys)
            keys.put(dir.register(watcher, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY), "");
            for (String id : snapshot().games().keySet()) {
                watchGame(watcher, keys, watched, dir, id);
            }
            long nextRescan = System.nanoTime() + rescanInterval.toNanos();
            Set<String> dirty = new LinkedHashSet<>();
            boolean rescan = false;
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (!dir.equals(gameDirectory())) {
                    return; // the directory was switched: the supervisor starts a monitor for the new one
                }
                // With pending changes, wait only until things are quiet; otherwise until the next rescan.
                long wait = dirty.isEmpty() && !rescan ? Math.max(1, nextRescan - System.nanoTime())
                        : DEBOUNCE.toNanos();
                WatchKey key = watcher.poll(wait, TimeUnit.NANOSECONDS);
                if (key != null) {
                    String id = keys.getOrDefault(key, null);
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.kind() == OVERFLOW || id == null) {
                            rescan = true;
                        } else if (id.isEmpty()) {
                            String child = event.context().toString();
                            if (!child.startsWith(".")) {
                                dirty.add(child);
                            }
                        } else {
                            dirty.add(id);
                        }
                    }
                    if (!key.reset()) {
                        watched.remove(keys.remove(key));
                    }
                    continue; // keep collecting until things are quiet for DEBOUNCE
                }
                if (rescan || System.nanoTime() >= nextRescan) {
                    scan();
                    rescan = false;
                    dirty.clear();
                    nextRescan = System.nanoTime() + rescanInterval.toNanos();
                    for (String id : snapshot().games().keySet()) {
                        watchGame(watcher, keys, watched, dir, id);
                    }
                    continue;
                }
                for (String id : dirty) {
                    if (GameIds.isValid(id)) {
                        refresh(id);
                        watchGame(watcher, keys, watched, dir, id);
                    } else {
                        rescan = true;
                    }
                }
                dirty.clear();
            }
        } catch (ClosedWatchServiceException e) {
            throw new InterruptedException("library monitor closed");
        }
    }

    private static void watchGame(WatchService watcher, Map<WatchKey, String> keys, Set<String> watched, Path dir,
            String id) {
        if (!watched.add(id)) {
            return;
        }
        try {
            keys.put(dir.resolve(id).register(watcher, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY), id);
        } catch (IOException e) {
            watched.remove(id); // gone or unreadable: the next refresh or rescan reports it
        }
    }

    @Override
    public int importLegacyState(Path jsonFile) throws IOException {
        LegacyStateImport.Outcome outcome = importLegacy(jsonFile);
        LOG.info(outcome.summary());
        return outcome.restored().size();
    }

    /** Applies an old state file to what the last scan found, then refreshes the games it changed. */
    private LegacyStateImport.Outcome importLegacy(Path jsonFile) throws IOException {
        List<LegacyStateImport.Entry> entries = LegacyStateImport.read(jsonFile);
        LibrarySnapshot scanned = snapshot();
        LegacyStateImport.Outcome outcome = LegacyStateImport.apply(jsonFile, entries, scanned.games(),
                scanned.gameDirectory());
        for (String restored : outcome.restored()) {
            refresh(restored.substring(0, restored.indexOf(' ')));
        }
        return outcome;
    }

    /** The first scan of a new database imports the older app's state file, once, and keeps it as *.imported. */
    private void importPendingLegacyState() {
        Path file;
        synchronized (lock) {
            file = legacyState;
            legacyState = null;
        }
        if (file == null) {
            return;
        }
        String notice;
        try {
            LegacyStateImport.Outcome outcome = importLegacy(file);
            Path kept = LegacyStateImport.keepAsImported(file);
            notice = outcome.summary() + "; the file is kept as " + kept.getFileName();
            LOG.info(notice);
        } catch (IOException e) {
            notice = "could not import the old state file (left as it was): " + e.getMessage();
            LOG.warning(notice);
        }
        notices.add(notice);
    }
}
