package org.lanspread.catalog.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.catalog.CatalogEntry;
import org.lanspread.api.catalog.CatalogUnavailableException;
import org.lanspread.api.catalog.GameCatalog;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.lanspread.testing.osgi.Services;
import org.sqlite.SQLiteDataSource;

class GameCatalogTest {

    private final BundleContext context = FrameworkUtil.getBundle(SqliteGameCatalog.class).getBundleContext();

    @AfterEach
    void restoreBundledCatalog() throws Exception {
        if (System.clearProperty(SqliteGameCatalog.CATALOG_PROPERTY) != null) {
            restartComponent();
        }
    }

    private static <T> T service(Class<T> type) {
        return Services.await(type);
    }

    /** Disables and enables the catalog component, so that the next use loads the catalog afresh. */
    private void restartComponent() throws Exception {
        ServiceComponentRuntime scr = service(ServiceComponentRuntime.class);
        ComponentDescriptionDTO description = scr.getComponentDescriptionDTO(context.getBundle(),
                SqliteGameCatalog.class.getName());
        scr.disableComponent(description).getValue();
        scr.enableComponent(description).timeout(5000).getValue();
        TimeUnit.MILLISECONDS.sleep(50);
    }

    @Test
    void bundledCatalogKnowsClassicLanGames() throws Exception {
        GameCatalog catalog = service(GameCatalog.class);
        List<CatalogEntry> entries = catalog.entries();
        assertTrue(entries.size() >= 60, "at least 60 games, found " + entries.size());
        CatalogEntry quake3 = catalog.find("quake3").orElseThrow();
        assertEquals("Quake III Arena", quake3.name());
        assertEquals(1999, quake3.releaseYear());
        assertEquals("Arena shooter", quake3.genre());
        assertTrue(quake3.maxPlayers() > 1);
        assertTrue(quake3.sizeBytes() > 0);
        assertEquals("quake3.exe", quake3.launch());
        assertEquals("hl.exe -game cstrike", catalog.find("counter-strike").orElseThrow().launch());
        assertEquals(null, catalog.find("portal2").orElseThrow().launch(), "no launch command where none is known");
        for (CatalogEntry entry : entries) {
            assertFalse(entry.description().isBlank(), entry.id() + " has a description");
            assertTrue(entry.releaseYear() >= 1990 && entry.releaseYear() <= 2030, entry.id() + " year");
        }
        List<String> names = entries.stream().map(CatalogEntry::name).toList();
        assertEquals(names.stream().sorted().toList(), names, "entries are sorted by name");
    }

    @Test
    void unknownGamesAreNamedByTheirId() throws Exception {
        GameCatalog catalog = service(GameCatalog.class);
        assertTrue(catalog.find("my-homebrew-game").isEmpty());
        assertEquals("my-homebrew-game", catalog.displayName("my-homebrew-game"));
        assertEquals("Warcraft III: The Frozen Throne", catalog.displayName("warcraft3"));
        assertTrue(catalog.cover("my-homebrew-game").isEmpty());
    }

    @Test
    void bundledDatabaseMatchesItsSqlSource() throws Exception {
        String sql;
        try (InputStream in = context.getBundle().getEntry("catalog/games.sql").openStream()) {
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        SQLiteDataSource memory = new SQLiteDataSource();
        memory.setUrl("jdbc:sqlite::memory:");
        List<String> expected;
        try (Connection c = memory.getConnection(); Statement s = c.createStatement()) {
            for (String statement : sql.split(";\\s*\\n")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
            expected = rows(s);
        }
        Path copy = Files.createTempFile("game", ".db");
        try (InputStream in = context.getBundle().getEntry("game.db").openStream()) {
            Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        SQLiteDataSource bundled = new SQLiteDataSource();
        bundled.setUrl("jdbc:sqlite:" + copy);
        try (Connection c = bundled.getConnection(); Statement s = c.createStatement()) {
            assertEquals(expected, rows(s), "game.db is stale: run bundles/org.lanspread.catalog/catalog/build-game-db");
        } finally {
            Files.delete(copy);
        }
    }

    private static List<String> rows(Statement s) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet r = s.executeQuery("SELECT id, name, description, genre, release_year, max_players, "
                + "size_bytes, hex(cover) FROM games ORDER BY id")) {
            while (r.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= 8; i++) {
                    row.append(r.getString(i)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    @Test
    void missingCatalogIsAClearErrorNotAnEmptyList(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nowhere/game.db");
        System.setProperty(SqliteGameCatalog.CATALOG_PROPERTY, missing.toString());
        restartComponent();
        GameCatalog catalog = service(GameCatalog.class);
        CatalogUnavailableException e = assertThrows(CatalogUnavailableException.class, catalog::entries);
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("missing"), e.getMessage());
        assertThrows(CatalogUnavailableException.class, () -> catalog.displayName("quake3"));
    }

    @Test
    void unreadableCatalogsNameTheFileAndTheReason(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("garbage.db");
        Files.writeString(garbage, "this is not an SQLite database, just text that is long enough to matter\n"
                .repeat(20));
        CatalogUnavailableException e = assertThrows(CatalogUnavailableException.class,
                () -> SqliteGameCatalog.read(garbage));
        assertTrue(e.getMessage().contains(garbage.toString()) && e.getMessage().contains("cannot be read"),
                e.getMessage());

        Path empty = dir.resolve("empty.db");
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + empty);
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE games (id TEXT, name TEXT, description TEXT, genre TEXT, release_year INT, "
                    + "max_players INT, size_bytes INT, cover BLOB)");
        }
        e = assertThrows(CatalogUnavailableException.class, () -> SqliteGameCatalog.read(empty));
        assertTrue(e.getMessage().contains("holds no games"), e.getMessage());
        // A catalog of schema 1 (no launch column) is still read.
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO games VALUES ('doom', 'Doom', 'd', 'g', 1993, 4, 1, NULL)");
        }
        assertEquals(null, SqliteGameCatalog.read(empty).entries().get("doom").launch());

        Path noTable = dir.resolve("no-table.db");
        source.setUrl("jdbc:sqlite:" + noTable);
        try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE other (x INT)");
        }
        e = assertThrows(CatalogUnavailableException.class, () -> SqliteGameCatalog.read(noTable));
        assertTrue(e.getMessage().contains("no such table"), e.getMessage());
    }
}
