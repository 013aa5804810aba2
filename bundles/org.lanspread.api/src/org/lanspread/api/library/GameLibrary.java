package org.lanspread.api.library;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The local game directory. Scans publish {@link LibraryDelta}s to listeners; the same deltas are what
 * peers receive. Opened by a {@link GameLibraryFactory}; closing it closes its state database.
 */
public interface GameLibrary extends AutoCloseable {

    /** The current game directory. */
    Path gameDirectory();

    /**
     * Validates and switches to {@code directory} (created when missing), then scans it fully. The
     * directory must be, or be creatable as, a writable directory.
     */
    LibrarySnapshot setGameDirectory(Path directory) throws InvalidGameDirectoryException, IOException;

    /** The result of the last scan or refresh, without touching the disk. */
    LibrarySnapshot snapshot();

    /** Scans every game folder and publishes what changed. */
    LibrarySnapshot scan() throws IOException;

    /**
     * Re-reads one game folder (after an operation on it) and publishes what changed; never a full scan.
     *
     * @return the game, or empty when its folder is gone
     */
    Optional<LocalGame> refresh(String gameId) throws IOException;

    /**
     * The manifest of a downloaded game. Chunk hashes are computed once and reused until a file's size or
     * modification time changes.
     *
     * @throws IllegalStateException when the game is not downloaded
     */
    GameManifest manifest(String gameId) throws IOException;

    /**
     * The recorded verdict of the game's archives' own checks, when one was made with the download files exactly as
     * they are now (names, sizes and modification times); empty otherwise.
     *
     * @since 0.3
     */
    Optional<ArchiveCheck> archiveCheck(String gameId) throws IOException;

    /**
     * The game's archives checked by {@code tester}, unless a verdict for the files as they are now is recorded; the
     * verdict is recorded (with the chunk hashes) unless the files changed while they were checked.
     *
     * @throws IllegalStateException when the game is not downloaded
     * @since 0.3
     */
    ArchiveCheck checkArchives(String gameId, ArchiveTester tester) throws IOException, InterruptedException;

    /**
     * Records that the game's download files as they are now are damaged (e.g. a served chunk no longer matched its
     * manifest): a failed verdict, kept until a download file changes (a repair rewrites it), so the game is not
     * offered meanwhile, also after a restart.
     *
     * @throws IllegalStateException when the game is not downloaded
     * @since 0.4
     */
    void recordDamage(String gameId, String problem) throws IOException;

    /**
     * Reads every chunk of the game's download files again and compares it with the manifest recorded for them (the
     * chunk hashes kept while the files' sizes and times are unchanged): finds data that changed on disk under the
     * same size and time.
     *
     * @param progress told the bytes read so far
     * @param cancelled checked between chunks
     * @return one line per chunk that differs or file that is missing ("chunk 3 of doom.part2.rar"); empty: all match
     * @throws InterruptedException when cancelled
     * @throws IllegalStateException when the game is not downloaded
     * @since 0.4
     */
    default java.util.List<String> verifyDownload(String gameId, java.util.function.LongConsumer progress,
            java.util.function.BooleanSupplier cancelled) throws IOException, InterruptedException {
        return verifyDownload(gameId, manifest(gameId), progress, cancelled).stream().map(DamagedChunk::toString)
                .toList();
    }

    /**
     * The manifest recorded for the game's download files, from hashes kept since they were computed, when every file
     * still has the size and time it had then; else empty (computing hashes now would only describe the files as they
     * are, damage included).
     *
     * @throws IllegalStateException when the game is not downloaded
     * @since 0.5
     */
    Optional<GameManifest> recordedManifest(String gameId) throws IOException;

    /**
     * Reads every chunk of the game's download files again and compares it with {@code against} (the recorded
     * manifest, or one peers offer for the same version).
     *
     * @param progress told the bytes read so far
     * @param cancelled checked between chunks
     * @return the chunks that differ and the files missing or of another size; empty: all match
     * @throws InterruptedException when cancelled
     * @since 0.5
     */
    java.util.List<DamagedChunk> verifyDownload(String gameId, GameManifest against,
            java.util.function.LongConsumer progress, java.util.function.BooleanSupplier cancelled)
            throws IOException, InterruptedException;

    /**
     * What opening this library did that its user should be told once, e.g. that a damaged state database was moved
     * aside and rebuilt from the disk; empty normally.
     *
     * @since 0.3
     */
    default java.util.List<String> notices() {
        return java.util.List.of();
    }

    /** Registers a listener; closing the returned handle removes it. */
    AutoCloseable addListener(LibraryListener listener);

    /**
     * Watches the game directory until the calling thread is interrupted: file-system events trigger
     * debounced single-game refreshes, and a full scan runs every {@code rescanInterval} as a fallback.
     * Meant to be run by a supervisor on its own thread.
     */
    void runMonitor(Duration rescanInterval) throws IOException, InterruptedException;

    /**
     * Imports a state file written by an older LanSpread (JSON with a "games" array) into what the last scan found.
     * The disk decides, as everywhere: a listed game is never added, nor marked downloaded or installed, unless its
     * folder says so. What the file adds is the version of an install the older app made ({@code local/} without
     * LanSpread's install marker). Unknown fields, such as the retired {@code manifest_hash}, are ignored; a bad
     * file is refused as a whole. The library does this by itself, once, at the first scan of a new state database
     * whose directory holds {@code library.json} or {@code state.json}, and keeps that file as {@code *.imported}.
     *
     * @return the number of games whose install version was taken from the file
     */
    int importLegacyState(Path jsonFile) throws IOException;

    @Override
    void close();
}
