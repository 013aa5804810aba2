package org.lanspread.api.transport;

import java.util.Objects;

/**
 * A game a peer offers: complete, with no operation active on it, its archives having passed their own checks.
 *
 * @param id        the game id
 * @param version   the version it serves
 * @param sizeBytes the size of its download
 * @param content   the {@link org.lanspread.api.library.GameManifest#contentHash() content hash} of what it serves, or
 *                  {@code null} from a peer that does not announce it (protocol 1.0)
 */
public record AnnouncedGame(String id, String version, long sizeBytes, String content) {
    public AnnouncedGame {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
    }

    /** An offer without a content hash. */
    public AnnouncedGame(String id, String version, long sizeBytes) {
        this(id, version, sizeBytes, null);
    }
}
