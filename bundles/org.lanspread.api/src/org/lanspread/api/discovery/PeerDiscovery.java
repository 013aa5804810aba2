package org.lanspread.api.discovery;

import java.util.Collection;

/** Advertises this peer and reports the others (mDNS service {@value #SERVICE_TYPE}). */
public interface PeerDiscovery {

    String SERVICE_TYPE = "_lanspread._udp.local.";

    /** The peers seen now. */
    Collection<DiscoveredPeer> peers();

    /**
     * Registers a listener; it is told at once about the peers already seen, so nothing is missed. Closing the
     * returned handle removes it.
     */
    AutoCloseable addListener(DiscoveryListener listener);
}
