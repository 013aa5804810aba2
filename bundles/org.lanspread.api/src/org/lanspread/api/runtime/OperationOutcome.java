package org.lanspread.api.runtime;

import java.util.Objects;

import org.lanspread.api.games.OperationKind;

/**
 * How an operation on a game ended.
 *
 * @param gameId  the game
 * @param kind    the operation (for an install that had to download first: {@link OperationKind#INSTALL})
 * @param result  how it ended
 * @param version the version downloaded or installed, or {@code null}
 * @param message what happened, for people (names the file or peer on failure)
 */
public record OperationOutcome(String gameId, OperationKind kind, Result result, String version, String message) {

    /** How an operation ended. */
    public enum Result {
        COMPLETED,
        /** The game was already in the requested state. */
        NOTHING_TO_DO,
        /** Cancelled by a command or by shutdown; rolled back (a download keeps its verified chunks). */
        CANCELLED,
        /** Every peer offering the game left during the download; it resumes when one returns. */
        ALL_PEERS_GONE,
        /** Failed and rolled back; the message says why. */
        FAILED
    }

    public OperationOutcome {
        Objects.requireNonNull(gameId, "gameId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(message, "message");
    }
}
