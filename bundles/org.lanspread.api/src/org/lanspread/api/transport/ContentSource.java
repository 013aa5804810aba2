package org.lanspread.api.transport;

import java.nio.file.Path;
import java.util.Optional;

import org.lanspread.api.library.GameManifest;

/**
 * What this peer serves, supplied by the runtime: complete games with no active operation, and the verified chunks of
 * versions it is downloading. The transport serves nothing else, and only files listed in a game's manifest, from
 * inside that game's folder (or, for a partial version, where its download keeps them).
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

    /**
     * The versions this peer is downloading and serves verified chunks of: sent to each peer of protocol 1.1 or later
     * when a session opens.
     *
     * @since 0.4
     */
    default java.util.List<PartialOffer> partialOffers() {
        return java.util.List.of();
    }

    /**
     * A version being downloaded that this peer serves verified chunks of, or empty (the default). Chunk requests
     * for a game that is not served complete are answered from it, chunk-aligned and held chunks only.
     *
     * @since 0.4
     */
    default Optional<PartialContent> partial(String gameId) {
        return Optional.empty();
    }

    /**
     * A chunk read to be served did not match its manifest's SHA-256: the game's data changed on disk since its
     * manifest was made (a bad sector, a hand edit). The chunk was not sent (the requester got an error, not bad
     * data); the source should stop offering the version until it is repaired. Called on an upload thread.
     *
     * @param chunk the chunk's index in the file
     * @since 0.6
     */
    default void damaged(String gameId, String version, String path, int chunk, String problem) {
    }
}
