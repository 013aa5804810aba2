package org.lanspread.api.catalog;

import java.util.Objects;

/**
 * What the catalog knows about one game.
 *
 * @param id          the game id (the folder name in a game directory)
 * @param name        display name
 * @param description one or two sentences
 * @param genre       e.g. "First-person shooter"
 * @param releaseYear year of the first release
 * @param maxPlayers  most players in one LAN game
 * @param sizeBytes   approximate download size
 * @param hasCover    whether {@link GameCatalog#cover(String)} returns an image
 * @param launch      how to start the installed game: an executable relative to {@code local/} and its arguments
 *                    (double-quoted where they hold spaces), or {@code null}
 */
public record CatalogEntry(String id, String name, String description, String genre, int releaseYear,
        int maxPlayers, long sizeBytes, boolean hasCover, String launch) {

    /** An entry without a launch command. */
    public CatalogEntry(String id, String name, String description, String genre, int releaseYear, int maxPlayers,
            long sizeBytes, boolean hasCover) {
        this(id, name, description, genre, releaseYear, maxPlayers, sizeBytes, hasCover, null);
    }

    public CatalogEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(genre, "genre");
    }
}
