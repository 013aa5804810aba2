package org.lanspread.peer.internal;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;

import org.lanspread.api.discovery.DiscoveredPeer;
import org.lanspread.api.discovery.DiscoveryListener;
import org.lanspread.api.discovery.DiscoverySession;
import org.lanspread.api.discovery.DiscoverySettings;
import org.lanspread.api.discovery.PeerDiscoveryFactory;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.PeerHello;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerListener;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.TransportException;
import org.lanspread.peer.internal.dial.Dialer;

/**
 * Who is out there: the discovery session (mDNS and manual peers), connecting to the peers it finds, and the
 * transport's news of sessions opening and ending, fed into the {@link PeerDirectory}. One per run of the runtime,
 * made once its transport listens.
 */
final class PeerWatch {

    private static final Logger LOG = Logger.getLogger(PeerWatch.class.getName());

    private final Supplier<RuntimeSettings> settings;
    private final RuntimeDependencies deps;
    private final PeerTransport transport;
    private final PeerConnections connections;
    private final PeerDirectory directory;
    private final TaskGroup root;
    private final BooleanSupplier stopping;
    private final AtomicReference<DiscoverySession> discovery = new AtomicReference<>();
    private final Dialer dialer;

    PeerWatch(Supplier<RuntimeSettings> settings, RuntimeDependencies deps, PeerTransport transport,
            PeerConnections connections, PeerDirectory directory, TaskGroup root, BooleanSupplier stopping) {
        this.settings = settings;
        this.deps = deps;
        this.transport = transport;
        this.connections = connections;
        this.directory = directory;
        this.root = root;
        this.stopping = stopping;
        this.dialer = new Dialer(Dialer.Limits.DEFAULT, connections::ensureConnected, directory::isConnected,
                System::nanoTime);
    }

    /** The discovery service: a session per manual-peer list, until cancelled (supervised, restarted on a crash). */
    void runDiscovery(CancelToken token) throws Exception {
        while (!token.isCancelled()) {
            RuntimeSettings s = settings.get();
            if (!s.discovery() && s.manualPeers().isEmpty()) {
                while (!token.isCancelled() && settings.get().manualPeers().equals(s.manualPeers())) {
                    Thread.sleep(100);
                }
                continue;
            }
            PeerDiscoveryFactory factory = deps.discovery();
            if (factory == null) {
                throw new IllegalStateException("no discovery service is registered");
            }
            DiscoverySession session = factory.start(new DiscoverySettings(transport.localId(),
                    transport.localAddress().getPort(), PeerTransport.PROTOCOL_MAJOR, s.name(), s.discovery(),
                    s.discoveryAddresses(), s.manualPeers(), this::probe));
            discovery.set(session);
            try (AutoCloseable listening = session.addListener(new DiscoveryListener() {
                @Override
                public void peerAppeared(DiscoveredPeer peer) {
                    connectSoon(peer.id(), peer.address());
                }
            })) {
                // a new manual peer list starts a new session at once (no supervisor delay)
                while (!token.isCancelled() && settings.get().manualPeers().equals(s.manualPeers())) {
                    if (deps.discovery() != factory) {
                        throw new IllegalStateException("the discovery service went away");
                    }
                    Thread.sleep(100);
                }
            } finally {
                discovery.compareAndSet(session, null);
                session.close();
            }
        }
    }

    /** Ends discovery at once: no more probes or connects from here. */
    void closeDiscovery() {
        DiscoverySession session = discovery.getAndSet(null);
        if (session != null) {
            session.close();
        }
    }

    /** Connects to every discovered peer that has no session (called by the liveness service). */
    void connectMissing() {
        DiscoverySession session = discovery.get();
        if (session != null) {
            for (DiscoveredPeer peer : session.peers()) {
                if (!directory.isConnected(peer.id())) {
                    connectSoon(peer.id(), peer.address());
                }
            }
        }
    }

    private Optional<DiscoveredPeer> probe(InetSocketAddress address) {
        try {
            return Optional.of(connections.probe(address));
        } catch (TransportException e) {
            return Optional.empty();
        }
    }

    /**
     * Connects to a discovered peer, so that both sides know each other at once (the hello tells the other side):
     * queued for the dialer, whose bounded workers make the attempts.
     */
    private void connectSoon(PeerId peer, InetSocketAddress address) {
        if (!stopping.getAsBoolean()) {
            dialer.offer(peer, address);
        }
    }

    /** One of the dialer's workers (a supervised service; the runtime runs {@link Dialer.Limits#workers} of them). */
    void runDialer(CancelToken token) throws InterruptedException {
        dialer.work();
    }

    Dialer dialer() {
        return dialer;
    }

    /** The transport's news of sessions, fed into the directory and discovery. */
    final PeerListener listener = new PeerListener() {
        @Override
        public void peerConnected(PeerId peer, PeerHello hello, InetSocketAddress from) {
            LOG.info(settings.get().name() + ": session with " + hello.name() + " (" + peer.shortForm() + ") from "
                    + from);
            directory.connected(peer, hello, from);
            DiscoverySession session = discovery.get();
            if (session != null && hello.listenPort() > 0) {
                session.learned(new DiscoveredPeer(peer, new InetSocketAddress(from.getAddress(), hello.listenPort()),
                        hello.protocolMajor(), hello.name()));
            }
        }

        @Override
        public void libraryReceived(PeerId peer, List<AnnouncedGame> games) {
            directory.library(peer, games);
        }

        @Override
        public void libraryChanged(PeerId peer, List<AnnouncedGame> changed, Set<String> removed) {
            directory.delta(peer, changed, removed);
        }

        @Override
        public void partialOffered(PeerId peer, org.lanspread.api.transport.PartialOffer offer) {
            directory.partial(peer, offer);
        }

        @Override
        public void partialHave(PeerId peer, String gameId, String version,
                List<org.lanspread.api.transport.ChunkRef> chunks) {
            directory.have(peer, gameId, version, chunks);
        }

        @Override
        public void partialWithdrawn(PeerId peer, String gameId) {
            directory.partialEnd(peer, gameId);
        }

        @Override
        public void peerGone(PeerId peer, GoneReason reason, String detail) {
            LOG.info(settings.get().name() + ": peer " + peer.shortForm() + " gone: " + reason + " (" + detail + ")");
            directory.sessionEnded(peer);
            if (!directory.isConnected(peer)) {
                var dropped = connections.forget(peer);
                if (dropped != null && dropped.isOpen()) {
                    try { // closing waits for the goodbye to be sent: never on this network thread
                        root.fork("close " + peer.shortForm(), false, t -> dropped.close(), f -> {
                        });
                    } catch (IllegalStateException e) {
                        dropped.close();
                    }
                }
                DiscoverySession session = discovery.get();
                if (session != null) {
                    session.forget(peer);
                }
            }
        }
    };
}
