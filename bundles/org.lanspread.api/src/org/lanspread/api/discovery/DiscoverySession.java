package org.lanspread.api.discovery;

import org.lanspread.api.transport.PeerId;

/** A running discovery: advertises this peer and reports the others until closed. */
public interface DiscoverySession extends PeerDiscovery, AutoCloseable {

    /**
     * A peer learned another way (it connected to us and said hello): reported like a discovered one, at once,
     * without waiting for its announcement.
     */
    void learned(DiscoveredPeer peer);

    /** The source that {@link #learned} a peer lost it (its session ended); other sources may still have it. */
    void forget(PeerId peer);

    /** Stops advertising; returns at once (slow network shutdowns continue in the background). */
    @Override
    void close();
}
