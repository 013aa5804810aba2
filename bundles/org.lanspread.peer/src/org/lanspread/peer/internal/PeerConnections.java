package org.lanspread.peer.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.lanspread.api.discovery.DiscoveredPeer;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.TransportException;

/** The runtime's own connections to peers (used to fetch), one per peer, opened on first use. */
final class PeerConnections implements AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final PeerTransport transport;
    private final PeerDirectory directory;
    private final Map<PeerId, PeerConnection> open = new ConcurrentHashMap<>();
    private volatile boolean closed;

    PeerConnections(PeerTransport transport, PeerDirectory directory) {
        this.transport = transport;
        this.directory = directory;
    }

    /**
     * An open connection to {@code peer}, reusing the one there is. The connect itself runs outside this object's
     * lock, so that one slow or unreachable peer never holds up the others; when two callers connect to one peer at
     * once, the first connection kept wins and the other is closed.
     */
    /** The transport connections are made through. */
    PeerTransport transport() {
        return transport;
    }

    PeerConnection get(PeerId peer) throws TransportException {
        PeerConnection existing = openTo(peer);
        if (existing != null) {
            return existing;
        }
        InetSocketAddress address = directory.address(peer).orElseThrow(() -> new TransportException(
                TransportException.Reason.UNREACHABLE, "peer " + peer.shortForm() + " is not connected"));
        return keep(peer, address, connect(address, peer, CONNECT_TIMEOUT));
    }

    /**
     * Who is at {@code address}: the peer of an open connection there, else a new connection (kept: the probe of a
     * manually listed peer is also the connection to it).
     */
    DiscoveredPeer probe(InetSocketAddress address) throws TransportException {
        for (Map.Entry<PeerId, PeerConnection> entry : open.entrySet()) {
            if (entry.getValue().isOpen() && address.equals(addresses.get(entry.getKey()))) {
                return discovered(entry.getValue(), address);
            }
        }
        PeerConnection connection = connect(address, null, CONNECTION_PROBE_TIMEOUT);
        return discovered(keep(connection.remoteId(), address, connection), address);
    }

    /** Connects to a peer found by discovery, unless a session with it is open already. */
    void ensureConnected(PeerId peer, InetSocketAddress address) throws TransportException {
        if (closed || directory.isConnected(peer) || openTo(peer) != null) {
            return;
        }
        keep(peer, address, connect(address, peer, CONNECT_TIMEOUT));
    }

    private PeerConnection openTo(PeerId peer) {
        PeerConnection existing = open.get(peer);
        return existing != null && existing.isOpen() ? existing : null;
    }

    private PeerConnection connect(InetSocketAddress address, PeerId peer, Duration timeout) throws TransportException {
        if (closed) {
            throw new TransportException(TransportException.Reason.UNREACHABLE, "this peer is stopping");
        }
        return transport.connect(address, peer, timeout);
    }

    /** Keeps {@code fresh} as the connection to {@code peer}, unless an open one was kept meanwhile. */
    private PeerConnection keep(PeerId peer, InetSocketAddress address, PeerConnection fresh) {
        PeerConnection kept;
        synchronized (this) {
            PeerConnection existing = openTo(peer);
            if (existing == null && !closed) {
                open.put(peer, fresh);
                addresses.put(peer, address);
                return fresh;
            }
            kept = existing;
        }
        fresh.close(); // a second connection to the same peer, or one that completed while this peer stopped
        if (kept == null) {
            return fresh; // stopping: the caller's next use fails as closed
        }
        return kept;
    }

    static final Duration CONNECTION_PROBE_TIMEOUT = Duration.ofSeconds(2);
    private final Map<PeerId, InetSocketAddress> addresses = new ConcurrentHashMap<>();

    private static DiscoveredPeer discovered(PeerConnection connection, InetSocketAddress address) {
        return new DiscoveredPeer(connection.remoteId(), address, connection.remoteHello().protocolMajor(),
                connection.remoteHello().name());
    }

    /** Drops the connection to a peer that is gone; returns it for the caller to close off the network thread. */
    PeerConnection forget(PeerId peer) {
        addresses.remove(peer);
        return open.remove(peer);
    }

    /**
     * Stops handing out connections. The connections themselves are not closed one by one (each close waits for its
     * own goodbye): the transport's close says goodbye to every session at once, within one bound, and ends them.
     */
    @Override
    public void close() {
        closed = true;
        open.clear();
        addresses.clear();
    }
}
