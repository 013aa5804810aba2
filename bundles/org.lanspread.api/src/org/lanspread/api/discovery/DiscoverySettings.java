package org.lanspread.api.discovery;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.lanspread.api.transport.PeerId;

/**
 * How a discovery session runs.
 *
 * @param localId       this peer's id (announced; our own announcements are ignored)
 * @param port          the port this peer's transport listens on
 * @param protocolMajor the protocol major version announced
 * @param name          the display name announced
 * @param multicast     whether to use mDNS at all (false: only the manual peers)
 * @param addresses     the IPv4 addresses to work on; empty: every up, non-loopback IPv4 address, followed as
 *                      interfaces come and go
 * @param manualPeers   peers listed by hand (host:port), for networks where multicast is blocked
 * @param probe         asks a listed address who is there (a transport hello); empty when nobody answers
 */
public record DiscoverySettings(PeerId localId, int port, int protocolMajor, String name, boolean multicast,
        List<InetAddress> addresses,
        List<InetSocketAddress> manualPeers, Function<InetSocketAddress, Optional<DiscoveredPeer>> probe) {

    public DiscoverySettings {
        Objects.requireNonNull(localId, "localId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(probe, "probe");
        addresses = List.copyOf(addresses);
        manualPeers = List.copyOf(manualPeers);
    }
}
