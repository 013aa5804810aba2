package org.lanspread.discovery.mdns.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

import org.lanspread.api.discovery.DiscoveredPeer;
import org.lanspread.api.discovery.DiscoveryListener;
import org.lanspread.api.discovery.PeerDiscovery;
import org.lanspread.api.runtime.HostPorts;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerHello;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerListener;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.TransportException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The {@link PeerDiscovery} service: advertises the transport's peer id and port. Works on the IPv4 addresses
 * listed in {@value #ADDRESSES_PROPERTY} (comma-separated), else on every up, non-loopback IPv4 address, re-checked
 * every {@value #RECHECK_SECONDS} s. Deactivation returns at once.
 */
@Component(service = PeerDiscovery.class, immediate = true)
public class MdnsDiscoveryComponent implements PeerDiscovery {

    public static final String ADDRESSES_PROPERTY = "lanspread.discovery.addresses";
    /** Manually listed peers, {@code host:port} separated by commas, for networks where multicast is blocked. */
    public static final String MANUAL_PROPERTY = "lanspread.peers.manual";
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    static final long RECHECK_SECONDS = 5;

    @Reference
    private PeerTransport transport;

    private MdnsPeerDiscovery discovery;
    private AutoCloseable helloListener;

    @Activate
    void activate(BundleContext context) {
        String configured = context.getProperty(ADDRESSES_PROPERTY);
        Supplier<List<InetAddress>> addresses = configured == null || configured.isBlank()
                ? MdnsPeerDiscovery::lanAddresses : () -> parse(configured);
        String name = context.getProperty("lanspread.peer.name");
        discovery = new MdnsPeerDiscovery(transport.localId(), transport.localAddress().getPort(),
                PeerTransport.PROTOCOL_MAJOR, name == null || name.isBlank() ? hostName() : name, addresses,
                RECHECK_SECONDS, manualPeers(context.getProperty(MANUAL_PROPERTY)), this::probe);
        // A peer that connects to us is discovered at once, at the port its hello names (no mDNS round trip).
        helloListener = transport.addListener(new PeerListener() {
            @Override
            public void peerConnected(PeerId peer, PeerHello hello, InetSocketAddress from) {
                if (hello.listenPort() > 0) {
                    discovery.learned(new DiscoveredPeer(peer, new InetSocketAddress(from.getAddress(),
                            hello.listenPort()), hello.protocolMajor(), hello.name()));
                }
            }

            @Override
            public void peerGone(PeerId peer, GoneReason reason, String detail) {
                discovery.forget(peer);
            }
        });
    }

    /** A manual peer is whoever answers a transport hello at its address. */
    private Optional<DiscoveredPeer> probe(InetSocketAddress address) {
        try (PeerConnection connection = transport.connect(address, null, PROBE_TIMEOUT)) {
            return Optional.of(new DiscoveredPeer(connection.remoteId(), address,
                    connection.remoteHello().protocolMajor(), connection.remoteHello().name()));
        } catch (TransportException e) {
            return Optional.empty();
        }
    }

    static List<InetSocketAddress> manualPeers(String list) {
        List<InetSocketAddress> peers = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return peers;
        }
        for (String part : list.split(",")) {
            peers.add(HostPorts.parse(MANUAL_PROPERTY, part, 1));
        }
        return peers;
    }

    static List<InetAddress> parse(String list) {
        List<InetAddress> addresses = new ArrayList<>();
        for (String part : list.split(",")) {
            String text = part.strip();
            if (!text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                throw new IllegalArgumentException(ADDRESSES_PROPERTY + ": '" + text + "' is not an IPv4 address");
            }
            try {
                addresses.add(InetAddress.getByName(text));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(ADDRESSES_PROPERTY + ": '" + text + "' is not an IPv4 address", e);
            }
        }
        return addresses;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "lanspread";
        }
    }

    @Deactivate
    void deactivate() throws Exception {
        helloListener.close();
        discovery.close();
    }

    @Override
    public Collection<DiscoveredPeer> peers() {
        return discovery.peers();
    }

    @Override
    public AutoCloseable addListener(DiscoveryListener listener) {
        return discovery.addListener(listener);
    }
}
