package org.lanspread.library.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.lanspread.api.library.ArchiveCheck;
import org.lanspread.api.library.Availability;
import org.lanspread.api.library.LocalGame;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteDataSource;

/**
 * The library's persistent state in SQLite: last known games, the chunk-hash cache of archive files and the verdicts
 * of the archives' own checks.
 * The schema version is SQLite's {@code user_version}; {@link #MIGRATIONS} brings any older file up to date, one
 * step per transaction. A file from a newer LanSpread is refused, never modified.
 */
final class StateStore implements AutoCloseable {

    /** Migration N (1-based) takes a schema from version N-1 to N. Never edit a released step: append one. */
    static final List<List<String>> MIGRATIONS = List.of(
            List.of("CREATE TABLE games (id TEXT PRIMARY KEY NOT NULL, availability TEXT NOT NULL, "
                    + "downloaded_version TEXT, installed_version TEXT, download_bytes INTEGER NOT NULL DEFAULT 0, "
                    + "problem TEXT, updated_at INTEGER NOT NULL)"),
            List.of("ALTER TABLE games ADD COLUMN archives TEXT NOT NULL DEFAULT ''",
                    "CREATE TABLE manifest_files (game_id TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL, "
                            + "mtime_ms INTEGER NOT NULL, chunk_size INTEGER NOT NULL, chunks TEXT NOT NULL, "
                            + "PRIMARY KEY (game_id, path))"),
            List.of("CREATE TABLE archive_checks (game_id TEXT PRIMARY KEY NOT NULL, fingerprint TEXT NOT NULL, "
                    + "passed INTEGER NOT NULL, problem TEXT, bytes INTEGER NOT NULL, checked_at INTEGER NOT NULL)"));

    static final int SCHEMA_VERSION = MIGRATIONS.size();

    private final Path file;
    private final Connection connection;

    private StateStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** A state file SQLite finds damaged (not a database, corrupt, or failing its quick check). */
    static final class DamagedStateException extends IOException {
        DamagedStateException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A state file from a newer LanSpread: refused and left untouched. */
    static final class NewerStateException extends IOException {
        NewerStateException(String message) {
            super(message);
        }
    }

    /**
     * Opens the state, healing a damaged one: a file that SQLite cannot open or that fails {@code PRAGMA
     * quick_check} holds nothing the disk cannot tell again, so it is moved aside as
     * {@code library.db.damaged-<time>} (with its WAL files) and a new one is made; {@code healed} is told what was
     * done. A file from a newer LanSpread is refused and left untouched.
     */
    static StateStore open(Path file, java.util.function.Consumer<String> healed) throws IOException {
        try {
            return open(file);
        } catch (DamagedStateException e) {
            String stamp = java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-');
            Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + stamp);
            Files.move(file, aside);
            for (String suffix : List.of("-wal", "-shm")) {
                Path extra = file.resolveSibling(file.getFileName() + suffix);
                if (Files.exists(extra)) {
                    Files.move(extra, aside.resolveSibling(aside.getFileName() + suffix));
                }
            }
            StateStore fresh = open(file);
            healed.accept("the library state " + file + " was damaged (" + e.getMessage() + "); it was moved to "
                    + aside.getFileName() + " and rebuilt from the game directory");
            return fresh;
        }
    }

    static StateStore open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        SQLiteConfig config = new SQLiteConfig();
        // No journal-mode change here: WAL rewrites the file header, and a file from a newer LanSpread must
        // stay byte-for-byte untouched. migrate() switches to WAL once the schema is known to be ours.
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(5000);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file);
        try {
            Connection connection = source.getConnection();
            StateStore store = new StateStore(file, connection);
            try {
                store.migrate();
            } catch (IOException | SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
            return store;
        } catch (SQLException e) {
            if (e instanceof org.sqlite.SQLiteException lite && (lite.getResultCode() == SQLiteErrorCode.SQLITE_NOTADB
                    || lite.getResultCode() == SQLiteErrorCode.SQLITE_CORRUPT)) {
                throw new DamagedStateException(e.getMessage(), e);
            }
            throw new IOException("cannot open the library state " + file + ": " + e.getMessage(), e);
        }
    }

    int schemaVersion() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            return r.getInt(1);
        }
    }

    private void migrate() throws IOException, SQLException {
        int version = schemaVersion();
        if (version > SCHEMA_VERSION) {
            throw new NewerStateException("the library state " + file + " was written by a newer LanSpread (schema "
                    + version + "; this one knows up to " + SCHEMA_VERSION + "): it is left untouched");
        }
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("PRAGMA quick_check")) {
            String verdict = r.next() ? r.getString(1) : "no answer";
            if (!"ok".equals(verdict)) {
                throw new DamagedStateException("quick_check: " + verdict, null);
            }
        }
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA journal_mode = WAL");
        }
        for (int next = version + 1; next <= SCHEMA_VERSION; next++) {
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                for (String sql : MIGRATIONS.get(next - 1)) {
                    s.execute(sql);
                }
                s.execute("PRAGMA user_version = " + next);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw new IOException("cannot migrate the library state " + file + " to schema " + next + ": "
                        + e.getMessage(), e);
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    synchronized Map<String, LocalGame> loadGames() throws IOException {
        Map<String, LocalGame> games = new HashMap<>();
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(
                "SELECT id, availability, downloaded_version, installed_version, download_bytes, problem, archives "
                        + "FROM games")) {
            while (r.next()) {
                Availability availability;
                try {
                    availability = Availability.valueOf(r.getString(2));
                } catch (IllegalArgumentException e) {
                    continue; // a value this version does not know: the next scan replaces the row
                }
                String archives = r.getString(7);
                games.put(r.getString(1), new LocalGame(r.getString(1), availability, r.getString(3), r.getString(4),
                        archives == null || archives.isEmpty() ? List.of() : Arrays.asList(archives.split("/")),
                        r.getLong(5), r.getString(6)));
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the library state " + file + ": " + e.getMessage(), e);
        }
        return games;
    }

    synchronized void saveGames(Collection<LocalGame> changed, Collection<String> removed) throws IOException {
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO games (id, availability, "
                    + "downloaded_version, installed_version, download_bytes, problem, archives, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET availability = excluded.availability, "
                    + "downloaded_version = excluded.downloaded_version, installed_version = excluded.installed_version, "
                    + "download_bytes = excluded.download_bytes, problem = excluded.problem, archives = excluded.archives, "
                    + "updated_at = excluded.updated_at");
                    PreparedStatement delete = connection.prepareStatement("DELETE FROM games WHERE id = ?");
                    PreparedStatement deleteFiles = connection.prepareStatement(
                            "DELETE FROM manifest_files WHERE game_id = ?");
                    PreparedStatement deleteCheck = connection.prepareStatement(
                            "DELETE FROM archive_checks WHERE game_id = ?")) {
                long now = System.currentTimeMillis();
                for (LocalGame game : changed) {
                    upsert.setString(1, game.id());
                    upsert.setString(2, game.availability().name());
                    upsert.setString(3, game.downloadedVersion());
                    upsert.setString(4, game.installedVersion());
                    upsert.setLong(5, game.downloadBytes());
                    upsert.setString(6, game.problem());
                    upsert.setString(7, String.join("/", game.archives()));
                    upsert.setLong(8, now);
                    upsert.addBatch();
                }
                upsert.executeBatch();
                for (String id : removed) {
                    delete.setString(1, id);
                    delete.addBatch();
                    deleteFiles.setString(1, id);
                    deleteFiles.addBatch();
                    deleteCheck.setString(1, id);
                    deleteCheck.addBatch();
                }
                delete.executeBatch();
                deleteFiles.executeBatch();
                deleteCheck.executeBatch();
            }
            connection.commit();
        } catch (SQLException e) {
            rollbackQuietly();
            throw new IOException("cannot write the library state " + file + ": " + e.getMessage(), e);
        } finally {
            autoCommitQuietly();
        }
    }

    /** A cached chunk list, valid while the file keeps this size and modification time. */
    record CachedFile(long size, long mtimeMillis, int chunkSize, List<String> chunks) {
    }

    synchronized CachedFile cachedFile(String gameId, String path) throws IOException {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT size, mtime_ms, chunk_size, chunks FROM manifest_files WHERE game_id = ? AND path = ?")) {
            s.setString(1, gameId);
            s.setString(2, path);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    return null;
                }
                String chunks = r.getString(4);
                return new CachedFile(r.getLong(1), r.getLong(2), r.getInt(3),
                        chunks.isEmpty() ? List.of() : Arrays.asList(chunks.split(",")));
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the library state " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized void saveFile(String gameId, String path, CachedFile cached) throws IOException {
        try (PreparedStatement s = connection.prepareStatement("INSERT OR REPLACE INTO manifest_files "
                + "(game_id, path, size, mtime_ms, chunk_size, chunks) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, gameId);
            s.setString(2, path);
            s.setLong(3, cached.size());
            s.setLong(4, cached.mtimeMillis());
            s.setInt(5, cached.chunkSize());
            s.setString(6, String.join(",", cached.chunks()));
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("cannot write the library state " + file + ": " + e.getMessage(), e);
        }
    }

    /** A recorded archive check, valid while the game's download files have this fingerprint. */
    record CachedCheck(String fingerprint, ArchiveCheck check) {
    }

    synchronized CachedCheck cachedCheck(String gameId) throws IOException {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT fingerprint, passed, problem, bytes, checked_at FROM archive_checks WHERE game_id = ?")) {
            s.setString(1, gameId);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? new CachedCheck(r.getString(1), new ArchiveCheck(r.getInt(2) != 0, r.getString(3),
                        r.getLong(4), r.getLong(5))) : null;
            }
        } catch (SQLException e) {
            throw new IOException("cannot read the library state " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized void saveCheck(String gameId, CachedCheck cached) throws IOException {
        try (PreparedStatement s = connection.prepareStatement("INSERT OR REPLACE INTO archive_checks "
                + "(game_id, fingerprint, passed, problem, bytes, checked_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, gameId);
            s.setString(2, cached.fingerprint());
            s.setInt(3, cached.check().passed() ? 1 : 0);
            s.setString(4, cached.check().problem());
            s.setLong(5, cached.check().bytes());
            s.setLong(6, cached.check().checkedAtMillis());
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("cannot write the library state " + file + ": " + e.getMessage(), e);
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the original error is reported
        }
    }

    private void autoCommitQuietly() {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException ignored) {
            // the connection is unusable; the next call reports it
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing to do
        }
    }
}
