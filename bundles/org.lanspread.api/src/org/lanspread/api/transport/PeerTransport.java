package org.lanspread.api.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Authenticated connections between peers (QUIC, TLS 1.3, ALPN {@value #ALPN}), listening until closed. Opened by a
 * {@link PeerTransportFactory}.
 */
public interface PeerTransport extends AutoCloseable {

    String ALPN = "lanspread/1";
    int PROTOCOL_MAJOR = 1;
    /** 1: offers carry their content hash ({@link AnnouncedGame#content()}). */
    int PROTOCOL_MINOR = 1;

    /** This peer's identity (the fingerprint of its persistent certificate). */
    PeerId localId();

    /** Where this peer accepts connections. */
    InetSocketAddress localAddress();

    /**
     * Connects to the peer at {@code address} and exchanges hellos. The connection is refused unless the remote
     * certificate hashes to {@code expected} and the protocol majors match. With {@code expected} null (a first
     * contact, e.g. a manually listed address), any certificate is accepted and the peer id is learned from it.
     */
    PeerConnection connect(InetSocketAddress address, PeerId expected, Duration timeout) throws TransportException;

    /** Registers a listener; closing the returned handle removes it. */
    AutoCloseable addListener(PeerListener listener);

    /** Sends a library change to every connected peer (games that became complete, or stopped being served). */
    void announce(java.util.List<AnnouncedGame> changed, java.util.Set<String> removed);

    /**
     * Tells every connected peer of protocol 1.1 or later the whole partial offer (a download that has its manifest).
     *
     * @since 0.4
     */
    void offerPartial(PartialOffer offer);

    /**
     * Tells every connected peer of protocol 1.1 or later chunks newly verified of a version it partially offers
     * (batch them: e.g. every 250 ms).
     *
     * @since 0.4
     */
    void have(String gameId, String version, java.util.List<ChunkRef> chunks);

    /**
     * Tells every connected peer of protocol 1.1 or later that the game is no longer partially offered.
     *
     * @since 0.4
     */
    void withdrawPartial(String gameId);

    /** The peers with an open session. */
    java.util.Set<PeerId> connectedPeers();

    /** Game data moved with each peer that has had a session since the transport opened (cumulative). */
    java.util.Map<PeerId, PeerTraffic> traffic();

    /**
     * Replaces the upload caps: chunks already paced keep their slot, every later one follows the new caps.
     * @since 0.3
     */
    void uploadLimits(UploadLimits limits);

    /**
     * Completes when the transport has stopped listening: normally after {@link #close()}, exceptionally when it
     * stopped on its own (its socket failed).
     */
    CompletionStage<Void> stopped();

    /** Says goodbye to every peer within a bounded time (at most 1 s in total), then stops listening. */
    @Override
    void close();
}
