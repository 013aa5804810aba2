package org.lanspread.api.transport;

import java.util.Objects;

/**
 * What a peer says about itself when a connection opens.
 *
 * @param peerId        its identity (must match its certificate)
 * @param protocolMajor incompatible changes; peers with different majors refuse each other
 * @param protocolMinor compatible additions; a newer minor is accepted
 * @param name          a display name (e.g. the host name)
 * @param listenPort    the UDP port its transport accepts connections on (0 when it did not say)
 */
public record PeerHello(PeerId peerId, int protocolMajor, int protocolMinor, String name, int listenPort) {
    public PeerHello {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(name, "name");
    }
}
