package org.lanspread.api.library;

/** What of a game is on this machine, derived from its folder. */
public enum Availability {
    /** version.ini and archives: the full download, not unpacked. Can be served to peers. */
    DOWNLOADED,
    /** The full download and an install in local/. Can be served to peers. */
    DOWNLOADED_AND_INSTALLED,
    /** local/ without a download: playable here, but cannot be served to peers. */
    LOCAL_ONLY,
    /** Neither a complete download nor an install, e.g. an interrupted download. */
    INCOMPLETE,
    /** The folder cannot be read as a game (see {@link LocalGame#problem()}). */
    BROKEN;

    public boolean downloaded() {
        return this == DOWNLOADED || this == DOWNLOADED_AND_INSTALLED;
    }

    public boolean installed() {
        return this == DOWNLOADED_AND_INSTALLED || this == LOCAL_ONLY;
    }
}
