package org.lanspread.api.games;

/** The state of one game, as derived from the disk, the peers and the active operations. */
public enum GameState {
    /** Known from peers only: nothing of it is on this machine. */
    ON_PEERS,
    /** Being downloaded (or a new version of it, for an update that has not reached its install yet). */
    DOWNLOADING,
    /** Archives and version.ini present, not unpacked. */
    DOWNLOADED,
    /** Being unpacked into local/. */
    INSTALLING,
    /** Unpacked into local/ (the download may or may not be present too). */
    INSTALLED,
    /** Installed, and a newer version is downloaded or offered by a peer. */
    UPDATE_AVAILABLE,
    /** A new version is being fetched or unpacked beside the old install. */
    UPDATING,
    /** local/ is being removed. */
    UNINSTALLING,
    /**
     * The game folder is being removed (its install and its download).
     *
     * @since 0.5
     */
    DELETING,
    /**
     * Its download files are being read again and checked chunk by chunk.
     *
     * @since 0.5
     */
    VERIFYING,
    /**
     * Being repaired: its damaged chunks fetched again, its install unpacked again when it differed.
     *
     * @since 0.6
     */
    REPAIRING,
    /** local/ present but no download: it cannot be served to peers. */
    LOCAL_ONLY,
    /** A folder without a complete download or an install, e.g. an interrupted download (it resumes). */
    INCOMPLETE,
    /** Present on disk but unreadable (for example a malformed version.ini). */
    BROKEN,
    /**
     * Downloaded, but its archives fail their own checks (damaged or truncated data, a missing volume): not offered
     * to peers. {@link GameView#problem()} names the file.
     *
     * @since 0.3
     */
    DAMAGED;

    /** Whether an operation is running on the game. */
    public boolean busy() {
        return this == DOWNLOADING || this == INSTALLING || this == UPDATING || this == UNINSTALLING
                || this == DELETING || this == VERIFYING
                || this == REPAIRING;
    }
}
