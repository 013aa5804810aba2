package org.lanspread.api.discovery;

import java.net.InetSocketAddress;
import java.util.Objects;

import org.lanspread.api.transport.PeerId;

/**
 * A peer found on the network.
 *
 * @param id            its identity, as it announced it (the transport verifies it on connect)
 * @param address       where its transport listens
 * @param protocolMajor the protocol major version it announced
 * @param name          its display name
 */
public record DiscoveredPeer(PeerId id, InetSocketAddress address, int protocolMajor, String name) {
    public DiscoveredPeer {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(name, "name");
    }
}
