package org.lanspread.api.games;

/** What an active operation does to a game. */
public enum OperationKind {
    /** Fetching the game's files from peers. */
    DOWNLOAD,
    /** Unpacking the downloaded archives into local/. */
    INSTALL,
    /** Fetching a newer version, then unpacking it beside the old install and swapping. */
    UPDATE,
    /** Removing local/. */
    UNINSTALL,
    /**
     * Removing the whole game folder (install and download).
     *
     * @since 0.5
     */
    DELETE,
    /**
     * Reading the download files again and checking every chunk against the recorded manifest.
     *
     * @since 0.5
     */
    VERIFY,
    /**
     * Verifying, then fetching only the chunks that differ from peers and re-installing only when the install
     * differs from its archives.
     *
     * @since 0.6
     */
    REPAIR
}
