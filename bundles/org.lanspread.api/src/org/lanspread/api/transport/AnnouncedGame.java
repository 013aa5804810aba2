package org.lanspread.api.transport;

import java.util.Objects;

/**
 * A game a peer offers: complete, with no operation active on it.
 *
 * @param id        the game id
 * @param version   the version it serves
 * @param sizeBytes the size of its download
 */
public record AnnouncedGame(String id, String version, long sizeBytes) {
    public AnnouncedGame {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
    }
}
