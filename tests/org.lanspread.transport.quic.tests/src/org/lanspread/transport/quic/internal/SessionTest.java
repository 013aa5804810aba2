package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerHello;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerListener;

/** Sessions between real transports on loopback: library exchange, deltas, goodbye and ping timeouts. */
class SessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** Records every event as a line, in order. */
    private static final class Recorder implements PeerListener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        final BlockingQueue<String> origins = new LinkedBlockingQueue<>();

        @Override
        public void peerConnected(PeerId peer, PeerHello hello, InetSocketAddress from) {
            events.add("connected " + hello.name());
            origins.add(from.getAddress().getHostAddress() + " listens on " + hello.listenPort());
        }

        @Override
        public void libraryReceived(PeerId peer, List<AnnouncedGame> games) {
            events.add("library " + games);
        }

        @Override
        public void libraryChanged(PeerId peer, List<AnnouncedGame> changed, Set<String> removed) {
            events.add("delta " + changed + " removed " + removed);
        }

        @Override
        public void partialOffered(PeerId peer, org.lanspread.api.transport.PartialOffer offer) {
            events.add("partial " + offer.gameId() + " " + offer.version() + " " + offer.content().substring(0, 4)
                    + " holds " + offer.have());
        }

        @Override
        public void partialHave(PeerId peer, String gameId, String version,
                List<org.lanspread.api.transport.ChunkRef> chunks) {
            events.add("have " + gameId + " " + version + " " + chunks);
        }

        @Override
        public void partialWithdrawn(PeerId peer, String gameId) {
            events.add("partial-end " + gameId);
        }

        @Override
        public void peerGone(PeerId peer, GoneReason reason, String detail) {
            events.add("gone " + reason);
        }

        String next() throws InterruptedException {
            String event = events.poll(5, TimeUnit.SECONDS);
            return event == null ? "(nothing within 5 s)" : event;
        }
    }

    private static ContentSource offering(AnnouncedGame... games) {
        return new ContentSource() {
            @Override
            public List<AnnouncedGame> announced() {
                return List.of(games);
            }
        };
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    @Test
    void peersExchangeLibrariesThenDeltasAndAGoodbyeEndsTheSession() throws Exception {
        AnnouncedGame quake = new AnnouncedGame("quake3", "20240315", 500);
        AnnouncedGame ut = new AnnouncedGame("ut99", "436", 700);
        Recorder atAlice = new Recorder();
        Recorder atBob = new Recorder();
        try (QuicPeerTransport alice = new QuicPeerTransport(dir.resolve("alice"), loopback(), "alice", offering(quake));
                QuicPeerTransport bob = new QuicPeerTransport(dir.resolve("bob"), loopback(), "bob", offering(ut))) {
            alice.addListener(atAlice);
            bob.addListener(atBob);
            PeerConnection connection = alice.connect(bob.localAddress(), bob.localId(), TIMEOUT);

            assertEquals("connected bob", atAlice.next());
            assertEquals("library " + List.of(ut), atAlice.next());
            assertEquals("connected alice", atBob.next());
            assertEquals("library " + List.of(quake), atBob.next());
            assertEquals("127.0.0.1 listens on " + bob.localAddress().getPort(), atAlice.origins.poll(5, TimeUnit.SECONDS));
            assertEquals("127.0.0.1 listens on " + alice.localAddress().getPort(), atBob.origins.poll(5, TimeUnit.SECONDS),
                    "the side that was connected to learns where to reach the other");
            assertEquals(Set.of(bob.localId()), alice.connectedPeers());
            assertEquals(Set.of(alice.localId()), bob.connectedPeers());

            AnnouncedGame cs = new AnnouncedGame("cs16", "3", 900);
            bob.announce(List.of(cs), Set.of("ut99"));
            assertEquals("delta " + List.of(cs) + " removed [ut99]", atAlice.next());
            alice.announce(List.of(), Set.of("quake3"));
            assertEquals("delta [] removed [quake3]", atBob.next());

            long start = System.nanoTime();
            connection.close();
            assertEquals("gone GOODBYE", atBob.next());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2000, "goodbye is prompt");
            assertEquals("gone LOCAL", atAlice.next(), "the side that leaves is told it closed the session itself");
            assertTrue(atAlice.events.isEmpty(), "and nothing else: " + atAlice.events);
            assertTrue(bob.connectedPeers().isEmpty());
        }
    }

    @Test
    void offersCarryTheirContentHashFromProtocol11AndA10PeerSendsNoneAndIsUnderstood() throws Exception {
        String hash = "0123456789abcdef".repeat(4);
        AnnouncedGame quake = new AnnouncedGame("quake3", "20240315", 500, hash);
        AnnouncedGame ut = new AnnouncedGame("ut99", "436", 700, hash.replace('0', 'f'));
        Recorder atNew = new Recorder();
        Recorder atOld = new Recorder();
        try (QuicPeerTransport current = new QuicPeerTransport(dir.resolve("new"), loopback(), "new",
                offering(quake), 1, 1);
                QuicPeerTransport old = new QuicPeerTransport(dir.resolve("old"), loopback(), "old", offering(ut), 1,
                        0)) {
            current.addListener(atNew);
            old.addListener(atOld);
            current.connect(old.localAddress(), old.localId(), TIMEOUT);
            assertEquals("connected old", atNew.next());
            assertEquals("library " + List.of(new AnnouncedGame("ut99", "436", 700)), atNew.next(),
                    "a 1.0 peer announces no content hash");
            assertEquals("connected new", atOld.next());
            assertEquals("library " + List.of(quake), atOld.next(), "a 1.1 peer's hash arrives");
            AnnouncedGame bad = new AnnouncedGame("cs16", "3", 900, "NOT-A-HASH");
            current.announce(List.of(bad), Set.of());
            assertEquals("delta " + List.of(new AnnouncedGame("cs16", "3", 900)) + " removed []", atOld.next(),
                    "a malformed hash is ignored as if absent");
        }
    }

    @Test
    void partialOffersAndTheirChunksReachA11PeerAndNotA10One() throws Exception {
        java.util.BitSet first = new java.util.BitSet();
        first.set(0);
        first.set(5);
        org.lanspread.api.transport.PartialOffer downloading = new org.lanspread.api.transport.PartialOffer("quake3",
                "20240315", "abcd".repeat(16), List.of(first, new java.util.BitSet()));
        ContentSource partly = new ContentSource() {
            @Override
            public List<org.lanspread.api.transport.PartialOffer> partialOffers() {
                return List.of(downloading);
            }
        };
        Recorder atBob = new Recorder();
        Recorder atCarol = new Recorder();
        try (QuicPeerTransport alice = new QuicPeerTransport(dir.resolve("alice"), loopback(), "alice", partly);
                QuicPeerTransport bob = new QuicPeerTransport(dir.resolve("bob"), loopback(), "bob", ContentSource.NONE);
                QuicPeerTransport carol = new QuicPeerTransport(dir.resolve("carol"), loopback(), "carol",
                        ContentSource.NONE, 1, 0)) {
            bob.addListener(atBob);
            carol.addListener(atCarol);
            alice.connect(bob.localAddress(), bob.localId(), TIMEOUT);
            alice.connect(carol.localAddress(), carol.localId(), TIMEOUT);
            assertEquals("connected alice", atBob.next());
            assertEquals("library []", atBob.next());
            assertEquals("partial quake3 20240315 abcd holds [{0, 5}, {}]", atBob.next(), "sent when the session opens");
            assertEquals("connected alice", atCarol.next());
            assertEquals("library []", atCarol.next());

            alice.have("quake3", "20240315", List.of(new org.lanspread.api.transport.ChunkRef(1, 0),
                    new org.lanspread.api.transport.ChunkRef(0, 2)));
            assertEquals("have quake3 20240315 [ChunkRef[file=1, chunk=0], ChunkRef[file=0, chunk=2]]", atBob.next());
            java.util.BitSet more = (java.util.BitSet) first.clone();
            more.set(1);
            alice.offerPartial(new org.lanspread.api.transport.PartialOffer("doom", "1.9", "abcd".repeat(16),
                    List.of(more)));
            assertEquals("partial doom 1.9 abcd holds [{0, 1, 5}]", atBob.next());
            alice.withdrawPartial("quake3");
            assertEquals("partial-end quake3", atBob.next());
            Thread.sleep(300);
            assertTrue(atCarol.events.isEmpty(), "a 1.0 peer hears no partial offer: " + atCarol.events);
        }
    }

    @Test
    void aPeerThatStopsAnsweringIsGoneAfterItsMissedPings() throws Exception {
        Recorder atBob = new Recorder();
        Session.Liveness quick = new Session.Liveness(Duration.ofMillis(100), 3);
        try (QuicPeerTransport alice = new QuicPeerTransport(dir.resolve("alice"), loopback(), "alice",
                ContentSource.NONE, 1, 0, quick);
                QuicPeerTransport bob = new QuicPeerTransport(dir.resolve("bob"), loopback(), "bob", ContentSource.NONE,
                        1, 0, quick)) {
            bob.addListener(atBob);
            PeerConnection connection = alice.connect(bob.localAddress(), bob.localId(), TIMEOUT);
            assertEquals("connected alice", atBob.next());
            assertEquals("library []", atBob.next());
            Thread.sleep(500);
            assertTrue(atBob.events.isEmpty(), "pings keep a quiet but healthy session alive: " + atBob.events);

            ((QuicConnection) connection).abandon(); // vanishes without a goodbye, like a crash
            long start = System.nanoTime();
            assertEquals("gone TIMEOUT", atBob.next());
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(ms < 2000, "noticed after about 3 intervals, took " + ms + " ms");
        }
    }

    @Test
    void shuttingDownSaysGoodbyeToEveryPeerWithinTheBound() throws Exception {
        Recorder atBob = new Recorder();
        Recorder atCarol = new Recorder();
        try (QuicPeerTransport bob = new QuicPeerTransport(dir.resolve("bob"), loopback(), "bob", ContentSource.NONE);
                QuicPeerTransport carol = new QuicPeerTransport(dir.resolve("carol"), loopback(), "carol",
                        ContentSource.NONE)) {
            bob.addListener(atBob);
            carol.addListener(atCarol);
            QuicPeerTransport alice = new QuicPeerTransport(dir.resolve("alice"), loopback(), "alice", ContentSource.NONE);
            alice.connect(bob.localAddress(), bob.localId(), TIMEOUT);
            alice.connect(carol.localAddress(), carol.localId(), TIMEOUT);
            assertEquals("connected alice", atBob.next());
            assertEquals("connected alice", atCarol.next());

            long start = System.nanoTime();
            alice.close();
            long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(ms <= 2000, "shutdown took " + ms + " ms");
            assertEquals("library []", atBob.next());
            assertEquals("gone GOODBYE", atBob.next());
            assertEquals("library []", atCarol.next());
            assertEquals("gone GOODBYE", atCarol.next());
        }
    }
}
