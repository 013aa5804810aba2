package org.lanspread.catalog.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.lanspread.api.catalog.CatalogEntry;
import org.lanspread.api.catalog.CatalogUnavailableException;
import org.lanspread.api.catalog.GameCatalog;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The catalog from the bundled {@code game.db} (or the file named by {@value #CATALOG_PROPERTY}). The database
 * is read once, on first use, into memory: it is small and never changes while the product runs.
 */
@Component(service = GameCatalog.class)
public class SqliteGameCatalog implements GameCatalog {

    public static final String CATALOG_PROPERTY = "lanspread.catalog.db";
    static final String BUNDLED_DB = "game.db";

    private BundleContext context;
    private volatile Loaded loaded;

    record Loaded(Map<String, CatalogEntry> entries, Map<String, byte[]> covers) {
    }

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    @Override
    public Optional<CatalogEntry> find(String gameId) {
        return Optional.ofNullable(load().entries().get(gameId));
    }

    @Override
    public List<CatalogEntry> entries() {
        return load().entries().values().stream().sorted(Comparator.comparing(CatalogEntry::name)).toList();
    }

    @Override
    public Optional<byte[]> cover(String gameId) {
        byte[] cover = load().covers().get(gameId);
        return cover == null ? Optional.empty() : Optional.of(cover.clone());
    }

    private Loaded load() {
        Loaded current = loaded;
        if (current == null) {
            synchronized (this) {
                current = loaded;
                if (current == null) {
                    current = read(locate());
                    loaded = current;
                }
            }
        }
        return current;
    }

    /** The database file to open: the configured one, else the bundled one copied to the bundle's data area. */
    private Path locate() {
        String configured = context.getProperty(CATALOG_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        URL bundled = context.getBundle().getEntry(BUNDLED_DB);
        if (bundled == null) {
            throw new CatalogUnavailableException("the game catalog " + BUNDLED_DB + " is missing from bundle "
                    + context.getBundle().getSymbolicName(), null);
        }
        Path copy = context.getDataFile(BUNDLED_DB).toPath();
        try (InputStream in = bundled.openStream()) {
            // Always refresh the copy: a product update may ship a newer catalog.
            Path tmp = Files.createTempFile(copy.getParent(), "game", ".db.tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CatalogUnavailableException("cannot copy the bundled game catalog to " + copy + ": " + e, e);
        }
        return copy;
    }

    static Loaded read(Path db) {
        if (!Files.isRegularFile(db)) {
            throw new CatalogUnavailableException("the game catalog " + db + " is missing", null);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + db);
        Map<String, CatalogEntry> entries = new LinkedHashMap<>();
        Map<String, byte[]> covers = new LinkedHashMap<>();
        try (Connection connection = source.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT id, name, description, genre, release_year, "
                        + "max_players, size_bytes, cover, " + (hasColumn(connection, "launch") ? "launch"
                                : "NULL AS launch") + " FROM games")) {
            while (rows.next()) {
                byte[] cover = rows.getBytes("cover");
                CatalogEntry entry = new CatalogEntry(rows.getString("id"), rows.getString("name"),
                        rows.getString("description"), rows.getString("genre"), rows.getInt("release_year"),
                        rows.getInt("max_players"), rows.getLong("size_bytes"), cover != null && cover.length > 0,
                        rows.getString("launch"));
                entries.put(entry.id(), entry);
                if (entry.hasCover()) {
                    covers.put(entry.id(), cover);
                }
            }
        } catch (SQLException e) {
            throw new CatalogUnavailableException("the game catalog " + db + " cannot be read: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new CatalogUnavailableException("the game catalog " + db + " holds no games", null);
        }
        return new Loaded(Map.copyOf(entries), Map.copyOf(covers));
    }

    /** Catalogs of schema 1 have no launch column: they are still read, with no launch commands. */
    private static boolean hasColumn(Connection connection, String column) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet columns = statement.executeQuery("PRAGMA table_info(games)")) {
            while (columns.next()) {
                if (column.equalsIgnoreCase(columns.getString("name"))) {
                    return true;
                }
            }
            return false;
        }
    }
}
