package org.lanspread.api.games;

/** The state of one game, as derived from the disk and the active operations. */
public enum GameState {
    /** Known from peers only: nothing of it is on this machine. */
    ON_PEERS,
    /** Archives and version.ini present, not unpacked. */
    DOWNLOADED,
    /** Unpacked into local/ (the download may or may not be present too). */
    INSTALLED,
    /** local/ present but no download: it cannot be served to peers. */
    LOCAL_ONLY,
    /** A folder without a complete download or an install, e.g. an interrupted download. */
    INCOMPLETE,
    /** Present on disk but unreadable (for example a malformed version.ini). */
    BROKEN
}
