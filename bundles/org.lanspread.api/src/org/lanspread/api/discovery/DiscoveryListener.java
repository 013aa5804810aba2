package org.lanspread.api.discovery;

/** Peers appearing and disappearing. Called on discovery threads: return quickly and never block. */
public interface DiscoveryListener {

    default void peerAppeared(DiscoveredPeer peer) {
    }

    default void peerDisappeared(DiscoveredPeer peer) {
    }
}
