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
 * @param message what happened, in detail (figures, files, peers: for the log and the Details part)
 * @param summary the same for a player at a glance, e.g. "Doom 1.9 is installed — 16 MiB in 4 s from demo-seed"
 *                (the game's name from the catalog); the message when none was made. Since 0.6
 */
public record OperationOutcome(String gameId, OperationKind kind, Result result, String version, String message,
        String summary) {

    /** An outcome whose summary is its message (the runtime adds a summary when the operation ends). */
    public OperationOutcome(String gameId, OperationKind kind, Result result, String version, String message) {
        this(gameId, kind, result, version, message, null);
    }

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
        summary = summary == null || summary.isBlank() ? message : summary;
    }

    /** This outcome with {@code text} as its summary. @since 0.6 */
    public OperationOutcome withSummary(String text) {
        return new OperationOutcome(gameId, kind, result, version, message, text);
    }

    /** Whether a summary other than the message was made. @since 0.6 */
    public boolean summarized() {
        return !summary.equals(message);
    }
}
