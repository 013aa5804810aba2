package org.lanspread.api.runtime;

import java.util.Objects;

/**
 * A version a connected peer is downloading, as its partial offer tells.
 *
 * @param gameId      the game
 * @param version     the version it downloads
 * @param chunksHeld  the chunks it holds verified
 * @param chunksTotal the chunks of the whole version, or 0 when the peer did not say (an older peer)
 * @param sizeBytes   the size of the whole version, or 0 when the peer did not say
 * @since 0.5
 */
public record PeerDownload(String gameId, String version, int chunksHeld, int chunksTotal, long sizeBytes) {

    public PeerDownload {
        Objects.requireNonNull(gameId, "gameId");
        Objects.requireNonNull(version, "version");
    }

    /** How far it is, from 0 to 1, or -1 when the whole is not known. */
    public double fraction() {
        return chunksTotal <= 0 ? -1 : Math.min(1.0, (double) chunksHeld / chunksTotal);
    }
}
