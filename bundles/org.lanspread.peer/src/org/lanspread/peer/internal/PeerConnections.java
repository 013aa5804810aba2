package org.lanspread.peer.internal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    /** An open connection to {@code peer}, reusing the one there is. */
    PeerConnection get(PeerId peer) throws TransportException {
        PeerConnection existing = open.get(peer);
        if (existing != null && existing.isOpen()) {
            return existing;
        }
        synchronized (this) {
            existing = open.get(peer);
            if (existing != null && existing.isOpen()) {
                return existing;
            }
            if (closed) {
                throw new TransportException(TransportException.Reason.UNREACHABLE, "this peer is stopping");
            }
            InetSocketAddress address = directory.address(peer).orElseThrow(() -> new TransportException(
                    TransportException.Reason.UNREACHABLE, "peer " + peer.shortForm() + " is not connected"));
            PeerConnection connection = transport.connect(address, peer, CONNECT_TIMEOUT);
            open.put(peer, connection);
            addresses.put(peer, address);
            return connection;
        }
    }

    /**
     * Who is at {@code address}: the peer of an open connection there, else a new connection (kept: the probe of a
     * manually listed peer is also the connection to it).
     */
    synchronized org.lanspread.api.discovery.DiscoveredPeer probe(InetSocketAddress address) throws TransportException {
        for (PeerConnection connection : open.values()) {
            if (connection.isOpen() && address.equals(addressOf(connection))) {
                return discovered(connection, address);
            }
        }
        if (closed) {
            throw new TransportException(TransportException.Reason.UNREACHABLE, "this peer is stopping");
        }
        PeerConnection connection = transport.connect(address, null, CONNECTION_PROBE_TIMEOUT);
        PeerConnection previous = open.put(connection.remoteId(), connection);
        addresses.put(connection.remoteId(), address);
        if (previous != null && previous != connection) {
            previous.close();
        }
        return discovered(connection, address);
    }

    static final Duration CONNECTION_PROBE_TIMEOUT = Duration.ofSeconds(2);
    private final Map<PeerId, InetSocketAddress> addresses = new ConcurrentHashMap<>();

    private InetSocketAddress addressOf(PeerConnection connection) {
        return addresses.get(connection.remoteId());
    }

    private static org.lanspread.api.discovery.DiscoveredPeer discovered(PeerConnection connection,
            InetSocketAddress address) {
        return new org.lanspread.api.discovery.DiscoveredPeer(connection.remoteId(), address,
                connection.remoteHello().protocolMajor(), connection.remoteHello().name());
    }

    /** Connects to a peer found by discovery, unless a session with it is open already. */
    void ensureConnected(PeerId peer, InetSocketAddress address) throws TransportException {
        if (closed || directory.isConnected(peer)) {
            return;
        }
        synchronized (this) {
            if (open.containsKey(peer) && open.get(peer).isOpen()) {
                return;
            }
            open.put(peer, transport.connect(address, peer, CONNECT_TIMEOUT));
            addresses.put(peer, address);
        }
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
