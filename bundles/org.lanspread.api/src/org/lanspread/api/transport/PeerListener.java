package org.lanspread.api.transport;

import java.util.List;
import java.util.Set;

/**
 * What the transport reports about peers. Called on the transport's network threads: return quickly and never
 * block.
 */
public interface PeerListener {

    /** Why a peer is no longer connected. */
    enum GoneReason {
        /** It said goodbye. */
        GOODBYE,
        /** It stopped answering pings. */
        TIMEOUT,
        /** The connection closed without a goodbye. */
        CLOSED,
        /** This peer closed the session (a connection it no longer needs, or its own shutdown). */
        LOCAL
    }

    /**
     * A session with {@code peer} is open (either side connected).
     *
     * @param from the peer's address as seen on this connection (its port is the connection's, not necessarily
     *             the one it listens on: see {@link PeerHello#listenPort()})
     */
    default void peerConnected(PeerId peer, PeerHello hello, java.net.InetSocketAddress from) {
    }

    /** The peer's whole library, sent when a session opens. */
    default void libraryReceived(PeerId peer, List<AnnouncedGame> games) {
    }

    /** A change to the peer's library. */
    default void libraryChanged(PeerId peer, List<AnnouncedGame> changed, Set<String> removed) {
    }

    /**
     * The peer is downloading a version and serves the chunks it holds: the whole offer (when a session opens or the
     * download starts). Replaces any earlier offer of that game from that peer.
     *
     * @since 0.4
     */
    default void partialOffered(PeerId peer, PartialOffer offer) {
    }

    /**
     * The peer verified more chunks of a version it partially offers.
     *
     * @since 0.4
     */
    default void partialHave(PeerId peer, String gameId, String version, List<ChunkRef> chunks) {
    }

    /**
     * The peer no longer partially offers the game (its download ended; a completed one is announced in its library).
     *
     * @since 0.4
     */
    default void partialWithdrawn(PeerId peer, String gameId) {
    }

    /** A session with {@code peer} ended. */
    default void peerGone(PeerId peer, GoneReason reason, String detail) {
    }
}
