package org.lanspread.transport.quic.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.lanspread.api.library.GameManifest;
import org.lanspread.api.runtime.HostPorts;
import org.lanspread.api.runtime.StateLocations;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerListener;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.TransportException;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@link PeerTransport} service. Listens on {@value #BIND_PROPERTY} (host:port, default
 * {@value #DEFAULT_BIND}), names itself {@value #NAME_PROPERTY} (default: the host name), keeps its identity in
 * the state location and serves what the {@link ContentSource} service offers, if one is registered (it may come
 * and go: nothing is served without one). Deactivation says goodbye to every peer within the bound.
 */
@Component(service = PeerTransport.class, immediate = true)
public class QuicTransportComponent implements PeerTransport {

    public static final String BIND_PROPERTY = "lanspread.transport.bind";
    public static final String NAME_PROPERTY = "lanspread.peer.name";
    static final String DEFAULT_BIND = "0.0.0.0:47800";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ContentSource content;

    private QuicPeerTransport transport;

    /** Whatever content source is bound right now. */
    private final ContentSource current = new ContentSource() {
        private ContentSource source() {
            ContentSource bound = content;
            return bound == null ? ContentSource.NONE : bound;
        }

        @Override
        public List<AnnouncedGame> announced() {
            return source().announced();
        }

        @Override
        public Optional<GameManifest> manifest(String gameId) {
            return source().manifest(gameId);
        }

        @Override
        public Optional<Path> gameFolder(String gameId) {
            return source().gameFolder(gameId);
        }
    };

    @Activate
    void activate(BundleContext context) throws IOException {
        Path state = StateLocations.resolve(context::getProperty, () -> context.getDataFile("").toPath());
        transport = new QuicPeerTransport(state, bindAddress(context.getProperty(BIND_PROPERTY)),
                name(context.getProperty(NAME_PROPERTY)), current);
    }

    @Deactivate
    void deactivate() {
        transport.close();
    }

    static InetSocketAddress bindAddress(String configured) {
        return HostPorts.parse(BIND_PROPERTY, configured == null || configured.isBlank() ? DEFAULT_BIND : configured, 0);
    }

    private static String name(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "lanspread";
        }
    }

    @Override
    public PeerId localId() {
        return transport.localId();
    }

    @Override
    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    @Override
    public PeerConnection connect(InetSocketAddress address, PeerId expected, Duration timeout) throws TransportException {
        return transport.connect(address, expected, timeout);
    }

    @Override
    public AutoCloseable addListener(PeerListener listener) {
        return transport.addListener(listener);
    }

    @Override
    public void announce(List<AnnouncedGame> changed, Set<String> removed) {
        transport.announce(changed, removed);
    }

    @Override
    public Set<PeerId> connectedPeers() {
        return transport.connectedPeers();
    }
}
