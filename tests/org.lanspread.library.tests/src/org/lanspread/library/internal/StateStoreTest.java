package org.lanspread.library.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lanspread.library.internal.LibraryFixtures.downloaded;
import static org.lanspread.library.internal.LibraryFixtures.library;
import static org.lanspread.library.internal.LibraryFixtures.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.library.Availability;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.LocalGame;
import org.sqlite.SQLiteDataSource;

class StateStoreTest {

    private static void sql(Path db, String... statements) throws Exception {
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + db);
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    @Test
    void aSchemaOneDatabaseIsMigratedAndKeepsItsGames(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("library.db");
        sql(db, StateStore.MIGRATIONS.get(0).get(0), "PRAGMA user_version = 1",
                "INSERT INTO games (id, availability, downloaded_version, installed_version, download_bytes, problem, "
                        + "updated_at) VALUES ('quake3', 'DOWNLOADED', '20240315', NULL, 1234, NULL, 0)");

        try (StateStore store = StateStore.open(db)) {
            assertEquals(StateStore.SCHEMA_VERSION, store.schemaVersion());
            LocalGame quake3 = store.loadGames().get("quake3");
            assertEquals(new LocalGame("quake3", Availability.DOWNLOADED, "20240315", null, List.of(), 1234, null), quake3);
            store.saveFile("quake3", "quake3.rar", new StateStore.CachedFile(10, 20, 4, List.of("ab", "cd")));
            assertEquals(List.of("ab", "cd"), store.cachedFile("quake3", "quake3.rar").chunks());
        }
        try (StateStore again = StateStore.open(db)) {
            assertEquals(StateStore.SCHEMA_VERSION, again.schemaVersion(), "opening a current file is a no-op");
        }
    }

    @Test
    void aDatabaseFromANewerVersionIsRefusedAndLeftUntouched(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("library.db");
        sql(db, "CREATE TABLE future (x INT)", "PRAGMA user_version = 99");
        byte[] before = Files.readAllBytes(db);
        IOException e = assertThrows(IOException.class, () -> StateStore.open(db));
        assertTrue(e.getMessage().contains("newer LanSpread") && e.getMessage().contains(db.toString()), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(db));
    }

    @Test
    void legacyJsonStateAddsOnlyWhatTheDiskAgreesWithIgnoringRetiredFields(@TempDir Path dir) throws Exception {
        Path games = Files.createDirectories(dir.resolve("games"));
        downloaded(games, "on-disk", "9", 10);
        Path old = downloaded(games, "old-install", "2", 10);
        write(old.resolve("local/game.exe"), "installed by the older app: no marker");
        GameLibrary library = library();
        library.setGameDirectory(games);
        Path json = write(dir.resolve("state.json"), """
                {"version": 3, "games": [
                  {"id": "quake3", "version": "20240315", "availability": "Downloaded", "size": 500,
                   "manifest_hash": "d41d8cd98f00b204e9800998ecf8427e", "some_future_field": [1, 2]},
                  {"id": "doom", "installed_version": "1.9", "availability": "LocalOnly"},
                  {"id": "on-disk", "version": "1", "installed_version": "1", "availability": "Downloaded"},
                  {"id": "old-install", "version": "2", "installed_version": "2",
                   "availability": "DownloadedAndInstalled"}
                ]}
                """);

        assertEquals(1, library.importLegacyState(json), "only the old install's version was missing on disk");
        Map<String, LocalGame> known = library.snapshot().games();
        assertEquals(java.util.Set.of("on-disk", "old-install"), known.keySet(),
                "games the file lists but the disk does not show are not added");
        assertEquals("9", known.get("on-disk").downloadedVersion());
        assertEquals(Availability.DOWNLOADED, known.get("on-disk").availability(), "no local/: not installed");
        assertEquals(null, known.get("on-disk").installedVersion());
        assertEquals("2", known.get("old-install").installedVersion(), "the old install's version was recorded");
        assertEquals(Availability.DOWNLOADED_AND_INSTALLED, known.get("old-install").availability());

        Path broken = write(dir.resolve("broken.json"), "{\"games\": [ {\"id\": \"x\",, } ]}");
        IOException e = assertThrows(IOException.class, () -> library.importLegacyState(broken));
        assertTrue(e.getMessage().contains(broken.toString()) && e.getMessage().contains("line 1"), e.getMessage());

        Path badId = write(dir.resolve("bad-id.json"),
                "{\"games\": [ {\"id\": \"on-disk\"}, {\"id\": \"../x\"} ]}");
        e = assertThrows(IOException.class, () -> library.importLegacyState(badId));
        assertTrue(e.getMessage().contains("games[1]"), e.getMessage());
    }

    /** A state file with games and cached hashes, then damaged by {@code damage}. */
    private static Path damagedState(Path dir, java.util.function.Consumer<Path> damage) throws Exception {
        Path db = dir.resolve("library.db");
        try (StateStore store = StateStore.open(db)) {
            store.saveFile("quake3", "quake3.rar", new StateStore.CachedFile(10, 20, 4, List.of("ab", "cd")));
        }
        for (String suffix : List.of("-wal", "-shm")) {
            Files.deleteIfExists(dir.resolve("library.db" + suffix));
        }
        damage.accept(db);
        return db;
    }

    private static void healsAndRebuilds(Path dir, Path db) throws Exception {
        byte[] damaged = Files.readAllBytes(db);
        List<String> told = new java.util.ArrayList<>();
        try (StateStore store = StateStore.open(db, told::add)) {
            assertEquals(StateStore.SCHEMA_VERSION, store.schemaVersion());
            assertTrue(store.loadGames().isEmpty(), "a new state, to be rebuilt by the scan");
        }
        assertEquals(1, told.size(), "told once: " + told);
        assertTrue(told.get(0).contains("damaged") && told.get(0).contains("rebuilt"), told.get(0));
        List<Path> aside;
        try (var files = Files.list(dir)) {
            aside = files.filter(p -> p.getFileName().toString().startsWith("library.db.damaged-")).toList();
        }
        assertEquals(1, aside.size(), "the damaged file is kept aside: " + aside);
        assertArrayEquals(damaged, Files.readAllBytes(aside.get(0)), "byte for byte");
        try (StateStore again = StateStore.open(db, told::add)) {
            assertEquals(1, told.size(), "a healthy file is not healed again");
        }
    }

    @Test
    void aStateFileOverwrittenWithGarbageIsMovedAsideAndRebuilt(@TempDir Path dir) throws Exception {
        Path db = damagedState(dir, file -> {
            byte[] garbage = new byte[8192];
            new java.util.Random(5).nextBytes(garbage);
            try {
                Files.write(file, garbage);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        healsAndRebuilds(dir, db);
    }

    @Test
    void aTruncatedStateFileIsMovedAsideAndRebuilt(@TempDir Path dir) throws Exception {
        Path db = damagedState(dir, file -> {
            try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(Files.size(file) / 2 + 100);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        healsAndRebuilds(dir, db);
    }

    @Test
    void aNewerStateFileIsNotHealedButRefused(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("library.db");
        sql(db, "CREATE TABLE future (x INT)", "PRAGMA user_version = 99");
        byte[] before = Files.readAllBytes(db);
        List<String> told = new java.util.ArrayList<>();
        assertThrows(StateStore.NewerStateException.class, () -> StateStore.open(db, told::add));
        assertTrue(told.isEmpty());
        assertArrayEquals(before, Files.readAllBytes(db));
    }
}
