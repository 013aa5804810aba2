package org.lanspread.api.catalog;

import java.util.List;
import java.util.Optional;

/**
 * The game catalog. Loaded on first use; every method throws {@link CatalogUnavailableException} when the
 * catalog is missing or unreadable, never an empty answer.
 */
public interface GameCatalog {

    /** The entry for a game id, if the catalog knows it. */
    Optional<CatalogEntry> find(String gameId);

    /** Every entry, sorted by name. */
    List<CatalogEntry> entries();

    /** The catalog name of a game, else its id: games the catalog does not know still appear. */
    default String displayName(String gameId) {
        return find(gameId).map(CatalogEntry::name).orElse(gameId);
    }

    /** The cover image (PNG or JPEG bytes), if the catalog has one for this game. */
    Optional<byte[]> cover(String gameId);
}
