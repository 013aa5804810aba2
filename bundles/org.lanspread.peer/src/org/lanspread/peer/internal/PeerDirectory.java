package org.lanspread.peer.internal;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.lanspread.api.runtime.PeerDownload;
import org.lanspread.api.runtime.PeerSummary;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ChunkRef;
import org.lanspread.api.transport.PartialOffer;
import org.lanspread.api.transport.PeerHello;
import org.lanspread.api.transport.PeerId;

/**
 * The peers with an open session and what each offers, fed by the transport's listener. A peer is gone when its
 * last session ends.
 */
final class PeerDirectory {

    /** Told after every change. */
    @FunctionalInterface
    interface Listener {
        void peersChanged();

        /** Only transfer rates changed. */
        default void ratesChanged() {
            peersChanged();
        }
    }

    private static final class Peer {
        final PeerId id;
        volatile String name;
        volatile InetSocketAddress address;
        final Map<String, AnnouncedGame> games = new ConcurrentHashMap<>();
        /** The versions it is downloading and serves the held chunks of (partial offers), by game. */
        final Map<String, PartialOffer> partials = new ConcurrentHashMap<>();
        volatile Instant lastSeen = Instant.now();
        volatile long downRate;
        volatile long upRate;
        int sessions;

        Peer(PeerId id) {
            this.id = id;
        }
    }

    private final Map<PeerId, Peer> peers = new ConcurrentHashMap<>();
    private final Listener listener;
    /** A peer told of chunks it holds since the last {@link #rates}: its progress is told with the rates. */
    private volatile boolean progressed;

    PeerDirectory(Listener listener) {
        this.listener = listener;
    }

    void connected(PeerId id, PeerHello hello, InetSocketAddress from) {
        synchronized (this) {
            Peer peer = peers.computeIfAbsent(id, Peer::new);
            peer.sessions++;
            peer.name = hello.name();
            if (hello.listenPort() > 0) {
                peer.address = new InetSocketAddress(from.getAddress(), hello.listenPort());
            } else if (peer.address == null) {
                peer.address = from;
            }
            peer.lastSeen = Instant.now();
        }
        listener.peersChanged();
    }

    /**
     * The peer's whole library. It may arrive before the session is reported open (the transport delivers what came
     * in while the connection was being set up), so it is kept for the peer either way.
     */
    void library(PeerId id, List<AnnouncedGame> games) {
        synchronized (this) {
            Peer peer = peers.computeIfAbsent(id, Peer::new);
            peer.games.clear();
            games.forEach(g -> peer.games.put(g.id(), g));
            peer.lastSeen = Instant.now();
        }
        listener.peersChanged();
    }

    void delta(PeerId id, List<AnnouncedGame> changed, Set<String> removed) {
        synchronized (this) {
            Peer peer = peers.computeIfAbsent(id, Peer::new);
            removed.forEach(peer.games::remove);
            changed.forEach(g -> peer.games.put(g.id(), g));
            peer.lastSeen = Instant.now();
        }
        listener.peersChanged();
    }

    /** The peer downloads a version and serves what it holds: replaces its earlier partial offer of that game. */
    void partial(PeerId id, PartialOffer offer) {
        synchronized (this) {
            Peer peer = peers.computeIfAbsent(id, Peer::new);
            peer.partials.put(offer.gameId(), offer);
            peer.lastSeen = Instant.now();
        }
        listener.peersChanged();
    }

    /** The peer holds more chunks of a version it partially offers (quietly: several times a second). */
    void have(PeerId id, String gameId, String version, List<ChunkRef> chunks) {
        synchronized (this) {
            Peer peer = peers.get(id);
            PartialOffer offer = peer == null ? null : peer.partials.get(gameId);
            if (offer == null || !offer.version().equals(version)) {
                return;
            }
            List<java.util.BitSet> have = new ArrayList<>(offer.have());
            for (ChunkRef chunk : chunks) {
                if (chunk.file() < have.size()) {
                    have.get(chunk.file()).set(chunk.chunk());
                }
            }
            peer.partials.put(gameId, offer.holding(have));
            progressed = true;
        }
    }

    void partialEnd(PeerId id, String gameId) {
        boolean changed;
        synchronized (this) {
            Peer peer = peers.get(id);
            changed = peer != null && peer.partials.remove(gameId) != null;
        }
        if (changed) {
            listener.peersChanged();
        }
    }

    /** The peers partially offering {@code gameId} {@code version} with {@code content}, each with its bitmaps. */
    synchronized Map<PeerId, List<java.util.BitSet>> partialHolders(String gameId, String version, String content) {
        Map<PeerId, List<java.util.BitSet>> result = new LinkedHashMap<>();
        for (Peer peer : peers.values()) {
            PartialOffer offer = peer.partials.get(gameId);
            if (offer != null && offer.version().equals(version) && offer.content().equals(content)) {
                result.put(peer.id, offer.have());
            }
        }
        return result;
    }

    /** A session ended; the peer is gone when it has no other session. */
    void sessionEnded(PeerId id) {
        boolean gone;
        synchronized (this) {
            Peer peer = peers.get(id);
            if (peer == null) {
                return;
            }
            peer.sessions--;
            gone = peer.sessions <= 0;
            if (gone) {
                peers.remove(id);
            }
        }
        if (gone) {
            listener.peersChanged();
        }
    }

    /**
     * Sets each connected peer's transfer rates (bytes per second, peers not in the map: 0); tells the listener
     * only when a rate or a peer's download progress changed, so that idle peers cause no events.
     */
    void rates(Map<PeerId, long[]> rates) {
        boolean changed = progressed;
        progressed = false;
        for (Peer peer : peers.values()) {
            long[] rate = rates.getOrDefault(peer.id, new long[2]);
            if (peer.downRate != rate[0] || peer.upRate != rate[1]) {
                peer.downRate = rate[0];
                peer.upRate = rate[1];
                changed = true;
            }
        }
        if (changed) {
            listener.ratesChanged();
        }
    }

    boolean isConnected(PeerId id) {
        return peers.containsKey(id);
    }

    Optional<InetSocketAddress> address(PeerId id) {
        return Optional.ofNullable(peers.get(id)).map(p -> p.address);
    }

    /** The peer's display name and short id, for messages: "name (0123456789ab)". */
    String describe(PeerId id) {
        Peer peer = peers.get(id);
        String name = peer == null ? null : peer.name;
        return name == null || name.isBlank() ? id.shortForm() : name + " (" + id.shortForm() + ")";
    }

    /** The peers offering {@code gameId}, with the version each offers. */
    Map<PeerId, AnnouncedGame> offering(String gameId) {
        Map<PeerId, AnnouncedGame> result = new LinkedHashMap<>();
        peers.values().stream().sorted(Comparator.comparing(p -> p.id.hex())).forEach(p -> {
            AnnouncedGame game = p.games.get(gameId);
            if (game != null) {
                result.put(p.id, game);
            }
        });
        return result;
    }

    /** Every game any peer offers, with the newest version and how many peers offer that version. */
    Map<String, Best> bestVersions() {
        Map<String, Best> best = new java.util.TreeMap<>();
        for (Peer peer : peers.values()) {
            for (AnnouncedGame game : peer.games.values()) {
                best.merge(game.id(), new Best(game, 1), (a, b) -> {
                    int order = Versions.compare(a.game.version(), b.game.version());
                    return order == 0 ? new Best(a.game, a.peers + 1) : order > 0 ? a : b;
                });
            }
        }
        return best;
    }

    /** The newest version of a game on peers and how many offer it. */
    record Best(AnnouncedGame game, int peers) {
    }

    /** The name a peer gave in its hello (its short id while unknown, e.g. after it left). */
    String nameOf(PeerId id) {
        Peer peer = peers.get(id);
        return peer == null || peer.name == null ? id.shortForm() : peer.name;
    }

    List<PeerSummary> summaries() {
        return peers.values().stream().sorted(Comparator.comparing(p -> p.name == null ? "" : p.name))
                .map(p -> new PeerSummary(p.id, p.name == null ? p.id.shortForm() : p.name, p.address,
                        p.games.values().stream().sorted(Comparator.comparing(AnnouncedGame::id)).toList(),
                        p.lastSeen, p.downRate, p.upRate, downloading(p)))
                .toList();
    }

    private static List<PeerDownload> downloading(Peer peer) {
        return peer.partials.values().stream().sorted(Comparator.comparing(PartialOffer::gameId))
                .map(o -> new PeerDownload(o.gameId(), o.version(), o.held(), o.chunks(), o.sizeBytes())).toList();
    }
}
