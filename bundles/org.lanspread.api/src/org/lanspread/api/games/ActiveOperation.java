package org.lanspread.api.games;

import java.time.Instant;
import java.util.Objects;

/**
 * An operation running on one game, as the runtime's {@code OperationState} holds it.
 *
 * @param gameId         the game
 * @param kind           what it does
 * @param phase          where it is, for display (e.g. "fetching", "unpacking", "swapping")
 * @param bytesDone      progress so far
 * @param bytesTotal     the total, or 0 while unknown (show a spinner)
 * @param bytesPerSecond the recent rate, or 0
 * @param startedAt      when it began
 * @param peers          how many peers a download fetches from now (0: none, or not a download)
 */
public record ActiveOperation(String gameId, OperationKind kind, String phase, long bytesDone, long bytesTotal,
        long bytesPerSecond, Instant startedAt, int peers) {

    /** An operation that fetches from no peer. */
    public ActiveOperation(String gameId, OperationKind kind, String phase, long bytesDone, long bytesTotal,
            long bytesPerSecond, Instant startedAt) {
        this(gameId, kind, phase, bytesDone, bytesTotal, bytesPerSecond, startedAt, 0);
    }

    public ActiveOperation {
        Objects.requireNonNull(gameId, "gameId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    /** Whether a progress fraction can be shown. */
    public boolean determinate() {
        return bytesTotal > 0;
    }
}
