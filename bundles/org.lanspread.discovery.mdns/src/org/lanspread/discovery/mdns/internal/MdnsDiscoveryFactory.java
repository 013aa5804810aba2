package org.lanspread.discovery.mdns.internal;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Supplier;

import org.lanspread.api.discovery.DiscoverySession;
import org.lanspread.api.discovery.DiscoverySettings;
import org.lanspread.api.discovery.PeerDiscoveryFactory;
import org.osgi.service.component.annotations.Component;

/**
 * The {@link PeerDiscoveryFactory} service: mDNS sessions on jmdns, bound to explicit IPv4 addresses (those in the
 * settings, else every up, non-loopback IPv4 address), re-checked every {@value #RECHECK_SECONDS} s.
 */
@Component(service = PeerDiscoveryFactory.class)
public class MdnsDiscoveryFactory implements PeerDiscoveryFactory {

    static final long RECHECK_SECONDS = 5;

    @Override
    public DiscoverySession start(DiscoverySettings settings) {
        List<InetAddress> fixed = settings.addresses();
        Supplier<List<InetAddress>> addresses = !settings.multicast() ? List::of
                : fixed.isEmpty() ? MdnsPeerDiscovery::lanAddresses : () -> fixed;
        return new MdnsPeerDiscovery(settings.localId(), settings.port(), settings.protocolMajor(), settings.name(),
                addresses, RECHECK_SECONDS, settings.manualPeers(), settings.probe());
    }
}
