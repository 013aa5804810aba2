package org.lanspread.api.transport;

import java.util.Objects;

/**
 * A byte range of one file of a game version.
 *
 * @param gameId  the game
 * @param version the version the requester's manifest is for (a peer serving another version refuses)
 * @param path    the file, as listed in the manifest
 * @param offset  first byte
 * @param length  bytes, at most the manifest's chunk size
 */
public record ChunkRequest(String gameId, String version, String path, long offset, int length) {
    public ChunkRequest {
        Objects.requireNonNull(gameId, "gameId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(path, "path");
    }
}
