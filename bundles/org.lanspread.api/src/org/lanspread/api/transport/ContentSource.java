package org.lanspread.api.transport;

import java.nio.file.Path;
import java.util.Optional;

import org.lanspread.api.library.GameManifest;

/**
 * What this peer serves, supplied by the runtime: only complete games with no active operation. The transport
 * serves nothing else, and only files listed in a game's manifest, from inside that game's folder.
 */
public interface ContentSource {

    /** Serves nothing. */
    ContentSource NONE = new ContentSource() {
    };

    /** Every game this peer offers now: sent to each peer when a session opens. */
    default java.util.List<AnnouncedGame> announced() {
        return java.util.List.of();
    }

    /** The manifest of a game this peer serves now, or empty (the default: nothing is served). */
    default Optional<GameManifest> manifest(String gameId) {
        return Optional.empty();
    }

    /** The folder the game's manifest paths are relative to, or empty when it is not served (the default). */
    default Optional<Path> gameFolder(String gameId) {
        return Optional.empty();
    }
}
